"""Generate a large, realistic site folder for benchmarks and scale tests (deterministic).

Bodies mix sentences from the real Qiantang content (so real queries find
things) with sentences made of words from pypinyin's phrase list (so the
vocabulary is as wide as a real archive's). A few planted pages, listed in
PLANTED, carry known names and phrases for search checks at scale.

    python bench/gensite.py OUT_DIR [--pages 2000] [--base-url https://example.gov.cn/renda/]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TOPICS = ("医疗卫生", "交通出行", "教育", "住房保障", "产业发展", "养老服务", "生态环境", "社区治理", "民主法治", "代表工作")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕红梅玉兰晓东晓燕春梅永红凤英小红文思佳杭大祝道杨有文爽"
OCCUPATIONS = ("社区工作者", "医生", "教师", "企业职工", "科技人员", "个体工商户", "律师", "村干部", "农民", "公务员")
CITIZEN_TITLES = ("小学校长", "社区卫生服务中心全科医生", "大学生", "出租车司机", "退休教师", "外卖骑手", "企业工程师")
# Planted pages: (query, URL of the page it must find in its first three results), for checks at scale.
PLANTED = (
    ("司马长风", "deputies/planted-sima/"),
    ("萤火虫公园", "voices/planted-firefly/"),
    ("加装电梯", "voices/planted-elevator/"),
)
SITE_YAML = """\
title: 大规模测试区人民代表大会常务委员会
description: 生成的大规模测试网站，用于衡量搜索索引、订阅和网站地图。
base_url: {base_url}
language: zh-CN
topics: [{topics}]
footer:
  sponsor: 测试区人大常委会办公室
  icp: 浙ICP备00000000号
  site_code: "0000000000"
  police: 浙公网安备 33000000000000号
"""


def _real_sentences() -> list[str]:
    out: list[str] = []
    for path in sorted((PROJECT / "content").rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[-1]
        body = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", body)
        for s in re.split(r"(?<=[。！？])", body.replace("\n", "")):
            s = s.strip().lstrip("#").strip()
            if 8 <= len(s) <= 160:
                out.append(s)
    return out


def _vocabulary() -> list[str]:
    from pypinyin.phrases_dict import phrases_dict
    return sorted(w for w in phrases_dict if 2 <= len(w) <= 4)


class Writer:
    """Makes the text of one generated site from a seeded random source."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.sentences = _real_sentences()
        self.words = _vocabulary()

    def sentence(self) -> str:
        n = self.rng.randint(5, 12)
        words = [self.rng.choice(self.words) for _ in range(n)]
        cut = self.rng.randint(2, n - 2)
        return "".join(words[:cut]) + "，" + "".join(words[cut:]) + "。"

    def paragraph(self) -> str:
        parts = [self.rng.choice(self.sentences) if self.rng.random() < 0.5 else self.sentence()
                 for _ in range(self.rng.randint(2, 5))]
        return "".join(parts)

    def body(self, paragraphs: int) -> str:
        return "\n\n".join(self.paragraph() for _ in range(paragraphs))

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.randint(1, 2)))

    def topics(self) -> str:
        chosen = sorted(self.rng.sample(TOPICS, self.rng.randint(0, 2)), key=TOPICS.index)
        return "[" + ", ".join(chosen) + "]"


def _write(root: Path, rel: str, front: dict[str, str], body: str) -> None:
    path = root / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["---"] + [f"{k}: {v}" for k, v in front.items()] + ["---", body, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def generate(root: Path, pages: int = 2000, seed: int = 1,
             base_url: str = "https://example.gov.cn/renda/") -> Path:
    """Write a site folder of about `pages` content pages into `root` (emptied first)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / "site.yaml").write_text(SITE_YAML.format(base_url=base_url, topics=", ".join(TOPICS)), encoding="utf-8")
    w = Writer(seed)
    rng = w.rng
    sessions = max(2, pages // 200)
    people = max(6, pages // 7)
    reports = max(1, pages // 60)
    news = max(2, pages // 12)
    standalone = 2
    voices = max(4, pages - sessions - people - reports - news - standalone - len(PLANTED))
    start = dt.date(2016, 1, 10)
    session_ids: list[tuple[str, dt.date]] = []
    for i in range(sessions):
        day = start + dt.timedelta(days=120 * i)
        sid = f"s{i + 1}"
        session_ids.append((sid, day))
        _write(root, f"sessions/{sid}.md", {
            "title": f"测试区第{i // 5 + 1}届人民代表大会第{i % 5 + 1}次会议",
            "start": day.isoformat(), "end": (day + dt.timedelta(days=4)).isoformat(),
            "place": "区行政中心大会堂"}, w.body(2))
    deputies: list[tuple[str, str]] = []  # (id, role)
    used_names: set[str] = {"司马长风"}
    for i in range(people):
        name = w.name()
        while name in used_names:
            name = w.name()
        used_names.add(name)
        role = "人大代表" if i % 3 else "政协委员"
        pid = f"p{i + 1:04d}"
        deputies.append((pid, role))
        _write(root, f"deputies/{pid}.md", {"name": name, "role": role,
                                            "occupation": rng.choice(OCCUPATIONS)}, w.body(1))
    _write(root, "deputies/planted-sima.md", {"name": "司马长风", "role": "人大代表", "occupation": "社区工作者"},
           "长期在街道社区工作，关注老旧小区改造。")
    for i in range(voices):
        sid, day = session_ids[i % sessions]
        kind = rng.choice(("代表", "代表", "委员", "市民"))
        front = {"title": w.sentence()[:rng.randint(10, 24)].rstrip("，。"), "session": sid, "kind": kind,
                 "topics": w.topics(), "reporter": f"记者 {w.name()}"}
        if kind == "市民":
            front.update(speaker=w.name(), speaker_title=rng.choice(CITIZEN_TITLES))
        else:
            role = "人大代表" if kind == "代表" else "政协委员"
            front["speaker"] = rng.choice([pid for pid, r in deputies if r == role])
        _write(root, f"voices/{day.year}/v{i + 1:05d}.md", front, w.body(rng.randint(1, 4)))
    sid, day = session_ids[-1]
    _write(root, "voices/planted-firefly.md", {"title": "把萤火虫公园建成社区的口袋公园", "session": sid, "kind": "代表",
                                               "speaker": "司马长风", "topics": "[生态环境, 社区治理]"},
           "人大代表司马长风建议，在萤火虫公园增设步道和照明，方便居民夜间散步。\n\n" + w.body(1))
    _write(root, "voices/planted-elevator.md", {"title": "老旧小区加装电梯要算好民生账", "session": sid, "kind": "市民",
                                                "speaker": "欧阳晓岚", "speaker_title": "社区居民", "topics": "[住房保障]"},
           "老旧小区加装电梯，是居民盼了多年的事。希望简化审批流程，统一补贴标准。\n\n" + w.body(1))
    for i in range(reports):
        sid, day = session_ids[i % sessions]
        _write(root, f"reports/r{i + 1:03d}.md", {"title": f"{day.year}年工作报告（{i + 1}）", "date": day.isoformat(),
                                                   "session": sid, "speaker": w.name(), "topics": w.topics()},
               "\n\n".join(f"## {w.sentence()[:12].rstrip('，。')}\n\n{w.body(3)}" for _ in range(4)))
    for i in range(news):
        sid, day = session_ids[i % sessions]
        who = rng.sample([pid for pid, _ in deputies], 2)
        _write(root, f"news/{day.year}/n{i + 1:04d}.md", {
            "title": w.sentence()[:rng.randint(12, 28)].rstrip("，。"), "date": (day + dt.timedelta(days=i % 4)).isoformat(),
            "session": sid, "author": w.name(), "people": "[" + ", ".join(who) + "]", "topics": w.topics()},
            w.body(rng.randint(3, 8)))
    _write(root, "pages/about.md", {"title": "关于本站", "order": "1"}, "本站是生成的大规模测试网站。")
    _write(root, "pages/contact.md", {"title": "联系我们", "order": "2"}, "地址：测试区行政中心。")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--base-url", default="https://example.gov.cn/renda/")
    args = parser.parse_args()
    generate(args.out, args.pages, args.seed, args.base_url)
    print(f"generated {sum(1 for _ in (args.out / 'content').rglob('*.md'))} content files in {args.out}")


if __name__ == "__main__":
    main()
