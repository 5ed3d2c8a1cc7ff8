"""A deterministic benchmark corpus: N content files of realistic Chinese congress content.

The mix follows a real congress site: a few sessions per year, a few hundred
deputies and CPPCC members, voices (most of the site), news, work reports and a
few standalone pages, tagged with 15 topics. Bodies average about 1,500
characters with headings, lists, bold text and links to other content files
(by relative path, as editors write them). Same seed, same bytes.

    python bench/corpus.py OUT_DIR --pages 2000 [--seed 1]

`convert_pelican` and `convert_hugo` write the same corpus in those
generators' formats, for the side-by-side timings of bench/run.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import posixpath
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

TOPICS = ("医疗卫生", "交通出行", "教育", "住房保障", "产业发展", "养老服务", "生态环境", "社区治理",
          "民主法治", "代表工作", "文化旅游", "科技创新", "食品安全", "就业创业", "乡村振兴")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
            "万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志海燕红梅玉晓东春永凤文思佳杭祝道有爽慧婷宇浩然欣怡"
OCCUPATIONS = ("社区工作者", "医生", "教师", "企业职工", "科技人员", "个体工商户", "律师", "村干部", "农民",
               "公务员", "企业负责人", "退役军人")
PARTIES = ("中共党员", "群众", "民盟盟员", "民进会员", "九三学社社员", "农工党党员")
CITIZEN_TITLES = ("小学校长", "社区卫生服务中心全科医生", "大学生", "出租车司机", "退休教师", "外卖骑手",
                  "企业工程师", "物业经理", "志愿者", "菜场摊主")
COLUMNS = ("两会·观察员", "代表风采", "履职进行时", "基层声音", "会议报道")
PLACES = ("区行政中心大会堂", "区人大常委会会议室", "区文化中心报告厅")
# Words of a congress site's vocabulary: sentences are made of these, so bodies read plausibly
# and Markdown, pinyin slugs of headings and the search index see real Chinese text.
SUBJECTS = ("区人大常委会", "代表们", "政协委员", "街道", "社区居民", "区政府", "相关部门", "承办单位",
            "基层群众", "代表小组", "专题调研组", "企业", "学校", "卫生服务中心", "村民委员会", "执法部门")
VERBS = ("持续推进", "深入调研", "认真听取", "积极回应", "统筹协调", "依法监督", "着力解决", "全面提升",
         "不断完善", "加快建设", "扎实开展", "密切关注", "广泛征求", "有效落实", "逐步推进", "重点督办")
OBJECTS = ("老旧小区改造", "停车难问题", "社区养老服务", "义务教育均衡发展", "城乡医疗资源配置",
           "营商环境", "垃圾分类工作", "河道综合治理", "公共交通线路", "菜市场提升改造", "农村饮用水安全",
           "高新技术产业", "人才住房保障", "食品安全监管", "就业技能培训", "文化惠民工程", "代表联络站建设",
           "民生实事项目", "基层治理体系", "智慧城市建设", "预算审查监督", "法治政府建设", "电梯加装工作",
           "学前教育资源", "夜间经济发展", "社区嵌入式服务", "生态保护红线", "农产品质量安全")
CLAUSES = ("群众反映强烈", "取得了阶段性成效", "还存在不少短板", "需要进一步压实责任", "得到了广泛好评",
           "必须坚持问题导向", "要把好事办好、实事办实", "关系千家万户的切身利益", "要久久为功",
           "需要多部门协同发力", "要建立长效机制", "应当加大财政投入", "要畅通民意表达渠道",
           "要让群众有更多获得感", "既要治标也要治本", "要做到件件有着落、事事有回音")
OPENERS = ("今年以来，", "会议指出，", "调研中发现，", "据了解，", "与会人员认为，", "记者注意到，",
           "下一步，", "近年来，", "针对这一问题，", "在审议中，", "多位代表提出，", "从实际情况看，")
HEADINGS = ("基本情况", "存在的问题", "原因分析", "意见建议", "下一步打算", "工作成效", "主要做法",
            "群众期盼", "调研发现", "审议意见", "办理情况", "经验启示")


@dataclass
class Item:
    """One content file to write: its path under content/, front matter and body."""

    rel: str  # e.g. "voices/2021/v00012.md"
    folder: str
    front: list[tuple[str, str]]
    body: str = ""
    title: str = ""
    date: dt.date | None = None
    topics: list[str] = field(default_factory=list)
    slug: str = ""  # the URL slug, for the Pelican and Hugo copies


class Corpus:
    """Makes the text of one corpus from a seeded random source."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        # A pool of sentences made once, then drawn from: fast enough for 20,000 files.
        self.pool = [self._sentence() for _ in range(6000)]

    def _sentence(self) -> str:
        r = self.rng
        parts = [r.choice(OPENERS), r.choice(SUBJECTS), r.choice(VERBS), r.choice(OBJECTS), "，"]
        if r.random() < 0.6:
            parts += [r.choice(OBJECTS), r.choice(CLAUSES)]
        else:
            parts += [r.choice(SUBJECTS), r.choice(VERBS), r.choice(OBJECTS)]
        if r.random() < 0.4:
            parts += ["，", r.choice(CLAUSES)]
        return "".join(parts) + ("！" if r.random() < 0.05 else "。")

    def paragraph(self, n: int | None = None) -> str:
        r = self.rng
        return "".join(r.choice(self.pool) for _ in range(n or r.randint(3, 6)))

    def name(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.randint(1, 2)))

    def topics(self, most: int = 3) -> list[str]:
        chosen = self.rng.sample(TOPICS, self.rng.randint(0, most))
        return sorted(chosen, key=TOPICS.index)

    def body(self, target: int, links: list[tuple[str, str]]) -> str:
        """About `target` characters: paragraphs under headings, a list, links to `links`."""
        r = self.rng
        out: list[str] = [self.paragraph()]
        links = list(links)
        size = len(out[0])
        while size < target:
            roll = r.random()
            if roll < 0.25:
                block = f"## {r.choice(HEADINGS)}{r.randint(1, 99)}\n\n{self.paragraph()}"
            elif roll < 0.32:
                block = f"### {r.choice(OBJECTS)}\n\n{self.paragraph()}"
            elif roll < 0.47:
                lead = "1." if r.random() < 0.5 else "-"
                block = "\n".join(f"{lead} **{r.choice(OBJECTS)}**：{r.choice(self.pool)}"
                                  for _ in range(r.randint(3, 5)))
            else:
                text = self.paragraph()
                if links and r.random() < 0.5:
                    title, target_rel = links.pop()
                    cut = r.randint(1, 3)
                    sentences = text.split("。")
                    sentences.insert(cut, f"（详见[{title}]({target_rel})）")
                    text = "。".join(sentences)
                block = text
            out.append(block)
            size += len(block)
        for title, target_rel in links:  # links not placed yet: a "related" list at the end
            out.append(f"- 相关：[{title}]({target_rel})")
        return "\n\n".join(out)


def _yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _link(from_rel: str, to_rel: str) -> str:
    return posixpath.relpath(to_rel, posixpath.dirname(from_rel))


def plan(n: int, seed: int = 1) -> list[Item]:
    """The items of an N-file corpus, bodies included, in a stable order."""
    c = Corpus(seed)
    r = c.rng
    n = max(n, 20)
    n_sessions = max(2, n // 100)
    n_people = min(n // 6, 200 + n // 50)
    n_reports = max(2, n * 3 // 100)
    n_pages = 3
    n_news = n // 4
    n_voices = n - n_sessions - n_people - n_reports - n_pages - n_news
    items: list[Item] = []
    published: list[Item] = []  # earlier items, link targets of later ones

    def links_from(rel: str, k: int) -> list[tuple[str, str]]:
        if not published:
            return []
        picks = {p.rel: p for p in (published[r.randrange(len(published))] for _ in range(k))}
        return [(p.title, _link(rel, p.rel)) for p in picks.values()]

    # sessions: two plenary sessions and some standing-committee meetings a year, 2012 on
    sessions: list[Item] = []
    start = dt.date(2012, 1, 8)
    for i in range(n_sessions):
        day = start + dt.timedelta(days=(i * 5000) // n_sessions)
        term, number = i // 10 + 1, i % 10 + 1
        plenary = i % 3 == 0
        title = f"测试市第{term}届人民代表大会{'' if plenary else '常务委员会'}第{number}次会议"
        sid = f"{term}-{number}"
        front = [("title", title), ("start", day.isoformat()), ("end", (day + dt.timedelta(days=3)).isoformat()),
                 ("place", r.choice(PLACES)), ("type", "人民代表大会" if plenary else "常委会会议")]
        item = Item(f"sessions/{sid}.md", "sessions", front, title=title, date=day, slug=sid)
        item.body = c.body(1200, [])
        sessions.append(item)
        items.append(item)
    published.extend(sessions)

    # people: unique names; half the files are named by the person (a Chinese id), as editors do
    people: list[tuple[Item, str, str]] = []  # (item, name, role)
    names: set[str] = set()
    for i in range(n_people):
        name = c.name()
        while name in names:
            name = c.name()
        names.add(name)
        role = "人大代表" if i % 3 else "政协委员"
        pid = f"{name}{i + 1}" if i % 2 else f"p{i + 1:04d}"  # the number keeps pinyin twins apart
        front = [("name", name), ("role", role), ("occupation", r.choice(OCCUPATIONS)),
                 ("gender", r.choice("男女")), ("ethnicity", "汉族" if r.random() < 0.9 else "回族"),
                 ("party", r.choice(PARTIES)), ("constituency", f"第{r.randint(1, 120)}选区")]
        if r.random() < 0.5:
            front.append(("topics", _yaml_list(c.topics(2))))
        item = Item(f"deputies/{pid}.md", "deputies", front, title=name, slug=f"person-{i + 1}")
        item.body = f"{name}，{front[2][1]}。" + c.body(r.randint(300, 800), [])
        people.append((item, name, role))
        items.append(item)
    published.extend(p[0] for p in people)
    deputies = [name for _, name, role in people if role == "人大代表"]
    members = [name for _, name, role in people if role == "政协委员"]

    def session_for(i: int, count: int) -> Item:
        return sessions[min(len(sessions) - 1, i * len(sessions) // max(count, 1))]

    for i in range(n_reports):
        s = session_for(i, n_reports)
        title = f"{s.date.year}年{r.choice(OBJECTS)}工作情况的报告（{i + 1}）"
        rel = f"reports/{s.date.year}/r{i + 1:04d}.md"
        topics = c.topics()
        front = [("title", title), ("subtitle", f"在{s.title}上"), ("date", s.date.isoformat()),
                 ("session", s.rel.split("/")[-1][:-3]), ("speaker", r.choice(deputies) if r.random() < 0.5 else c.name())]
        if topics:
            front.append(("topics", _yaml_list(topics)))
        item = Item(rel, "reports", front, title=title, date=s.date, topics=topics, slug=f"report-{i + 1}")
        item.body = c.body(r.randint(2000, 3000), links_from(rel, 2))
        items.append(item)
        published.append(item)

    # voices and news interleaved in date order, so each links back to earlier ones
    order = ["voices"] * n_voices + ["news"] * n_news
    r.shuffle(order)
    counts = {"voices": 0, "news": 0}
    for j, kind_of in enumerate(order):
        s = session_for(j, len(order))
        i = counts[kind_of] = counts[kind_of] + 1
        day = s.date + dt.timedelta(days=r.randint(0, 3))
        topics = c.topics()
        if kind_of == "voices":
            kind = r.choice(("代表", "代表", "委员", "市民"))
            speaker = r.choice(deputies if kind == "代表" else members) if kind != "市民" else c.name()
            title = f"{speaker}：{r.choice(VERBS)}{r.choice(OBJECTS)}"
            vid = f"v{i:05d}" if r.random() < 0.9 else f"{speaker}-{r.choice(OBJECTS)}-{i}"
            rel = f"voices/{day.year}/{vid}.md"
            front = [("title", title), ("session", s.rel.split("/")[-1][:-3]), ("kind", kind), ("speaker", speaker)]
            if kind == "市民":
                front.append(("speaker_title", r.choice(CITIZEN_TITLES)))
            if topics:
                front.append(("topics", _yaml_list(topics)))
            front.append(("reporter", f"记者 {c.name()}"))
            item = Item(rel, "voices", front, title=title, date=day, topics=topics, slug=f"voice-{i}")
        else:
            title = f"{r.choice(SUBJECTS)}{r.choice(VERBS)}{r.choice(OBJECTS)}"
            rel = f"news/{day.year}/n{i:05d}.md"
            front = [("title", title), ("date", day.isoformat()), ("session", s.rel.split("/")[-1][:-3]),
                     ("column", r.choice(COLUMNS)), ("author", c.name()),
                     ("people", _yaml_list(r.sample(deputies, 2)))]
            if topics:
                front.append(("topics", _yaml_list(topics)))
            item = Item(rel, "news", front, title=title, date=day, topics=topics, slug=f"news-{i}")
        item.body = c.body(r.randint(1100, 1900), links_from(rel, r.randint(1, 3)))
        items.append(item)
        published.append(item)

    for i, (pid, title) in enumerate((("about", "关于本站"), ("contact", "联系我们"), ("guide", "使用说明"))):
        rel = f"pages/{pid}.md"
        item = Item(rel, "pages", [("title", title), ("order", str(i + 1))], title=title, slug=pid)
        item.body = c.body(800, links_from(rel, 2))
        items.append(item)
    return items


SITE_YAML = """\
title: 测试市人民代表大会常务委员会
description: 基准测试用的生成网站：会议、工作报告、代表委员、心声与新闻。
base_url: https://www.example.gov.cn/renda/
language: zh-CN
paginate: 20
topics: [{topics}]
footer:
  sponsor: 测试市人大常委会办公室
  icp: 浙ICP备00000000号
  site_code: "0000000000"
  police: 浙公网安备 33000000000000号
"""


def _front(pairs: list[tuple[str, str]]) -> str:
    out = []
    for key, value in pairs:
        needs_quote = (":" in value and not value.startswith("[")) or value[:1] in "\"'{&*!|>%@`#"
        out.append(f"{key}: \"{value}\"" if needs_quote else f"{key}: {value}")
    return "\n".join(out)


def write_corpus(root: Path, items: list[Item]) -> Path:
    """Write a site folder for this generator (emptied first)."""
    if root.exists():
        shutil.rmtree(root)
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text(SITE_YAML.format(topics=", ".join(TOPICS)), encoding="utf-8")
    made: set[Path] = set()
    for item in items:
        path = root / "content" / item.rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(f"---\n{_front(item.front)}\n---\n{item.body}\n", encoding="utf-8")
    return root


def generate(root: Path, pages: int = 2000, seed: int = 1) -> list[Item]:
    """Plan and write an N-file corpus; returns the items (for the converters)."""
    items = plan(pages, seed)
    write_corpus(root, items)
    return items


# -- the same corpus for Pelican and Hugo -------------------------------------
MD_LINK = re.compile(r"\]\(([^)\s]+\.md)\)")
LABEL = {"sessions": "会议", "voices": "心声", "reports": "工作报告", "news": "新闻"}


def _content_path(item: Item, target: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(item.rel), target))


def convert_pelican(root: Path, items: list[Item]) -> Path:
    """Pelican's format: metadata lines, `{filename}` links; people and pages as Pelican pages."""
    if root.exists():
        shutil.rmtree(root)
    content = root / "content"
    content.mkdir(parents=True)
    for item in items:
        body = MD_LINK.sub(lambda m: f"]({{filename}}/{_content_path(item, m.group(1))})", item.body)
        meta = [f"Title: {item.title}", f"Slug: {item.slug}"]
        if item.date:
            meta.append(f"Date: {item.date.isoformat()}")
        if item.folder in LABEL:
            meta.append(f"Category: {LABEL[item.folder]}")
        if item.topics:
            meta.append(f"Tags: {', '.join(item.topics)}")
        path = content / item.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(meta) + "\n\n" + body + "\n", encoding="utf-8")
    (root / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    return root


PELICAN_CONF = """\
AUTHOR = "测试市人大常委会办公室"
SITENAME = "测试市人民代表大会常务委员会"
SITEURL = ""
PATH = "content"
ARTICLE_PATHS = ["sessions", "voices", "reports", "news"]
PAGE_PATHS = ["deputies", "pages"]
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_PAGINATION = 20
MARKDOWN = {"extension_configs": {"markdown.extensions.extra": {}, "markdown.extensions.toc": {},
                                  "markdown.extensions.sane_lists": {}}, "output_format": "html5"}
"""


def convert_hugo(root: Path, items: list[Item]) -> Path:
    """Hugo's format: YAML front matter, `relref` links, a minimal layout of the same pages."""
    if root.exists():
        shutil.rmtree(root)
    content = root / "content"
    content.mkdir(parents=True)
    for item in items:
        body = MD_LINK.sub(lambda m: f']({{{{< relref "/{_content_path(item, m.group(1))}" >}}}})', item.body)
        front = [f"title: \"{item.title}\"", f"slug: {item.slug}"]
        if item.date:
            front.append(f"date: {item.date.isoformat()}")
        if item.topics:
            front.append(f"topics: [{', '.join(item.topics)}]")
        path = content / item.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + "\n".join(front) + "\n---\n" + body + "\n", encoding="utf-8")
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        path = root / "layouts" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


HUGO_CONFIG = """\
baseURL = "https://www.example.gov.cn/renda/"
languageCode = "zh-CN"
title = "测试市人民代表大会常务委员会"
hasCJKLanguage = true
disableKinds = ["RSS"]
[pagination]
  pagerSize = 20
[taxonomies]
  topic = "topics"
[markup.tableOfContents]
  startLevel = 2
  endLevel = 3
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav><ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>主办单位：测试市人大常委会办公室</p></footer></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article data-pagefind-body><h1>{{ .Title }}</h1>
{{ if not .Date.IsZero }}<p><time>{{ .Date.Format "2006年1月2日" }}</time></p>{{ end }}
{{ with .GetTerms "topics" }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
{{ .TableOfContents }}
{{ .Content }}</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ if not .Date.IsZero }}<time>{{ .Date.Format "2006年1月2日" }}</time>{{ end }}<p>{{ .Summary }}</p></li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>{{ site.Title }}</h1>
<ul>{{ range first 6 (where site.RegularPages "Section" "news") }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
""",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pelican", type=Path, help="also write the Pelican copy here")
    parser.add_argument("--hugo", type=Path, help="also write the Hugo copy here")
    args = parser.parse_args()
    items = generate(args.out, args.pages, args.seed)
    if args.pelican:
        convert_pelican(args.pelican, items)
    if args.hugo:
        convert_hugo(args.hugo, items)
    chars = sum(len(i.body) for i in items) // len(items)
    print(f"{len(items)} content files in {args.out}, {chars} characters of body on average")


if __name__ == "__main__":
    main()
