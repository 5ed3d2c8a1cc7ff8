"""The copy check: `check` warns, file:line with the corrected sentence, about half-width punctuation
in Chinese text and stray spaces; `check --fix` corrects bodies and prose fields, never URLs, code,
ids, keys or references, and says what it changed.

The real content passes it. On a copy of the real content with its Chinese punctuation made
half-width again (as the source had it), `--fix` restores it: every built page's text is the same
apart from punctuation, and every address and anchor of the site is the same.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.commands.copycheck import fix_file, fix_prose
from tests.conftest import PROJECT, TODAY, parse, run_build, write_site


def check(site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--site", str(site), *args],
                          capture_output=True, text=True, timeout=300)


COPY_WARNING = "中文里用了半角标点或多余的空格"


# -- the rules, on text ---------------------------------------------------------------------------

@pytest.mark.parametrize("written, right", [
    ("2021年,区人大工作如何推进?", "2021年，区人大工作如何推进？"),
    ("(一)切实加强筹备队伍思想政治建设", "（一）切实加强筹备队伍思想政治建设"),
    ("建议;关于解决积水的建议", "建议；关于解决积水的建议"),
    ("他们的“第一手材料”,所反映的", "他们的“第一手材料”，所反映的"),
    ("他在建议中提出:我区", "他在建议中提出：我区"),
    ("**加粗**,内容", "**加粗**，内容"),
    ("2021 年 7 月 19 日", "2021年7月19日"),  # no space between Chinese and a digit (党政机关 style)
    ("代表 ，说 。", "代表，说。"),
    ('关于"两会"的报道', "关于“两会”的报道"),
    ("ＡＢＣ２０２１年", "ABC2021年"),  # full-width letters and digits
])
def test_half_width_punctuation_in_chinese_is_corrected(written, right):
    assert fix_prose(written) == right


@pytest.mark.parametrize("kept", [
    "见[工作报告](../reports/work-report-2021.md#二、主要工作)",  # a link's target
    '<a href="/a,b?x=甲,乙">链接</a>',  # an HTML tag's attributes
    "`代码,不改?`",  # inline code
    "```\n代码,不改?\n```",  # a fenced block
    "网址 https://www.example.gov.cn/甲,乙?q=1 不改",
    "[参考]: https://example.cn/甲,乙",
    "Hello, world! 1:2 (note)",  # no Chinese: nothing to correct
    "钱塘区 Hangzhou",  # a space before a Latin word stays (no space is added either)
])
def test_what_is_not_prose_is_never_changed(kept):
    assert fix_prose(kept) == kept


def test_only_prose_fields_of_the_front_matter_change():
    text = ("---\ntitle: 2021年,区人大工作如何推进?\nsession: 1-1\nspeaker: 周道杨\ntopics: [社区治理, 交通出行]\n"
            "figures:\n  - {label: 登记选民, value: 43.3万余, unit: 名}\nsummary: |\n  甲,乙\nslug: a-b\n---\n"
            "正文,正文\n")
    fixed, fixes = fix_file(text)
    assert [(f.line, f.field) for f in fixes] == [(2, "title"), (9, "summary"), (12, None)]
    lines = fixed.split("\n")
    assert lines[1] == "title: 2021年，区人大工作如何推进？"
    assert lines[2:8] == text.split("\n")[2:8]  # session, speaker, topics, figures: as written
    assert lines[8] == "  甲，乙" and lines[11] == "正文，正文"


# -- check and check --fix, through the command line ----------------------------------------------

SITE = {
    "content/sessions/1-1.md": "---\ntitle: 测试区第一届人民代表大会第一次会议\nstart: 2021-07-19\nend: 2021-07-23\n---\n会议开幕。\n",
    "content/news/kai-mu.md": (
        "---\ntitle: 代表们说,会议开得好\ndate: 2021-07-19\nsession: 1-1\ntopics: [医疗卫生, 教育]\n---\n"
        "会议今天开幕。\n\n"
        "2021年,区人大工作如何推进?见[会议](../sessions/1-1.md#voices)。\n\n"
        "`a,b` 和 https://example.cn/x,y?z=1 不改。\n"),
}


def test_check_warns_with_file_line_and_the_corrected_sentence(tmp_path):
    site = write_site(tmp_path / "site", SITE)
    result = check(site)
    assert result.returncode == 0, result.stderr  # warnings only
    warned = [line for line in result.stderr.splitlines() if COPY_WARNING in line]
    assert warned == [
        "content/news/kai-mu.md:2: 警告: 字段 title：中文里用了半角标点或多余的空格：“,”改为“，”。"
        " 改法：运行 .venv/bin/python build.py check --fix 自动改正，或改为：title: 代表们说，会议开得好",
        "content/news/kai-mu.md:9: 警告: 中文里用了半角标点或多余的空格：“,”改为“，”、“?”改为“？”。"
        " 改法：运行 .venv/bin/python build.py check --fix 自动改正，或改为：2021年，区人大工作如何推进？",
    ]
    assert "检查通过" in result.stdout


def test_check_fix_corrects_the_files_and_says_what_it_changed(tmp_path):
    site = write_site(tmp_path / "site", SITE)
    result = check(site, "--fix")
    assert result.returncode == 0, result.stderr
    assert "已改正 content/news/kai-mu.md:2：“,”改为“，”。现在是：title: 代表们说，会议开得好" in result.stdout
    assert "已改正 content/news/kai-mu.md:9：" in result.stdout and "已改正 2 行（1 个文件）。" in result.stdout
    assert COPY_WARNING not in result.stderr  # the check after the fix finds nothing left
    text = (site / "content/news/kai-mu.md").read_text(encoding="utf-8")
    assert "title: 代表们说，会议开得好\n" in text and "topics: [医疗卫生, 教育]\n" in text
    assert "2021年，区人大工作如何推进？见[会议](../sessions/1-1.md#voices)。" in text
    assert "`a,b` 和 https://example.cn/x,y?z=1 不改。" in text
    again = check(site, "--fix")
    assert "标点没有要改正的地方。" in again.stdout and (site / "content/news/kai-mu.md").read_text(encoding="utf-8") == text


def test_check_fix_keeps_a_bom_and_crlf_line_ends(tmp_path):
    site = write_site(tmp_path / "site", {**SITE, "content/news/kai-mu.md": b""})
    raw = ("\ufeff" + SITE["content/news/kai-mu.md"]).replace("\n", "\r\n").encode("utf-8")
    (site / "content/news/kai-mu.md").write_bytes(raw)
    assert check(site, "--fix").returncode == 0
    fixed = (site / "content/news/kai-mu.md").read_bytes()
    assert fixed.startswith("\ufeff".encode()) and fixed.count(b"\r\n") == raw.count(b"\r\n")
    assert "代表们说，会议开得好".encode() in fixed


def test_the_real_content_passes_the_copy_check():
    result = check(PROJECT)
    assert result.returncode == 0, result.stderr
    assert COPY_WARNING not in result.stderr, result.stderr


# -- --fix on a copy of the real content ----------------------------------------------------------

HALF = {"，": ",", "；": ";", "？": "?", "（": "(", "）": ")"}
PUNCTUATION = str.maketrans({**{v: k for k, v in HALF.items()}, "：": ":", "！": "!"})


def _half_width(text: str) -> str:
    """A content file's prose punctuation made half-width again, as the source had it."""
    head, sep, body = text.partition("\n---\n")
    title = re.sub(r"^(title: .*)$", lambda m: m.group(1).translate(str.maketrans(HALF)), head, flags=re.M)
    return title + sep + body.translate(str.maketrans(HALF))


def _page_text(page: Path) -> str:
    """What a page says in its own words (its title and the text of its bodies), with punctuation in
    one width and no spaces. Summaries are left out: they are cut at a sentence end, and a `；` that
    was a `;` is one, so an excerpt may now stop a few words earlier."""
    tree = parse(page)
    parts = [t.text_content() for t in tree.xpath('//h1 | //title | //div[contains(@class, "prose")]')]
    return re.sub(r"\s+", "", "".join(parts)).translate(str.maketrans(
        {**{k: v for k, v in HALF.items()}, "：": ":", "！": "!", "“": '"', "”": '"'}))


def _addresses(page: Path) -> set[str]:
    tree = parse(page)
    return {f"{a}={v}" for a in ("href", "src", "id") for v in tree.xpath(f"//@{a}")}


def test_check_fix_on_a_copy_of_the_real_content_changes_punctuation_only(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy2(PROJECT / "site.yaml", site / "site.yaml")
    shutil.copytree(PROJECT / "content", site / "content")
    for path in (site / "content").rglob("*.md"):
        path.write_text(_half_width(path.read_text(encoding="utf-8")), encoding="utf-8")
    before = run_build(site, out=tmp_path / "before", today=TODAY)
    assert before.returncode == 0, before.stderr
    warned = check(site)
    assert warned.stderr.count(COPY_WARNING) >= 30, warned.stderr  # the source's half-width punctuation

    fixed = check(site, "--fix")
    assert fixed.returncode == 0, fixed.stderr
    assert "已改正 content/reports/work-report-2021.md:2：" in fixed.stdout
    assert "（筹）" in (site / "content/reports/work-report-2021.md").read_text(encoding="utf-8")
    assert COPY_WARNING not in fixed.stderr
    after = run_build(site, out=tmp_path / "after", today=TODAY)
    assert after.returncode == 0, after.stderr

    pages = sorted(p.relative_to(tmp_path / "before") for p in (tmp_path / "before").rglob("*.html"))
    assert pages == sorted(p.relative_to(tmp_path / "after") for p in (tmp_path / "after").rglob("*.html"))
    differ = words = 0
    for rel in pages:
        old, new = tmp_path / "before" / rel, tmp_path / "after" / rel
        assert _page_text(old) == _page_text(new), rel  # the same words, only punctuation changed
        words += len(_page_text(new))
        assert _addresses(old) == _addresses(new), rel  # every link, image and anchor where it was
        differ += old.read_bytes() != new.read_bytes()
    assert differ >= 10 and words > 5_000  # pages changed, and their bodies were compared
    report = parse(tmp_path / "after/reports/work-report-2021/index.html")
    assert report.xpath("//h1")[0].text_content() == "2021年，区人大工作如何推进？"
