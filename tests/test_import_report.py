"""The seed's real work report, sent as a Word document, imported and published: the same page.

The report (content/reports/work-report-2021.md) is made into a .docx inside the test, once
with Word's heading styles and once as a WPS user types it (plain paragraphs, sections
numbered 一、 by hand, the subtitle as a ——line). Each is imported into a copy of the
real site in place of the original, under the original's name, built for real, and its
page compared with the page the original gives: ≥ 98 % of the sentences, the same title,
subtitle, speaker and date, the same contents list.
"""

from __future__ import annotations

import re
import shutil

import pytest

import docx_samples as S
from tests.conftest import PROJECT, parse, run_build
from test_import_docx import import_

REPORT = PROJECT / "content/reports/work-report-2021.md"
PAGE = "reports/work-report-2021/index.html"
NUMBERED = re.compile("^[一二三四五六七八九十]+、")


def sentences(text: str) -> list[str]:
    """A text's sentences, whitespace dropped: what a reader reads, whatever the line breaks."""
    text = "".join(text.split())
    return [s for s in re.split(r"(?<=[。！？!?；;])", text) if s]


def facts(page) -> dict:
    return {
        "title": page.xpath("string(//h1)"),
        "subtitle": page.xpath("string(//p[@class='subtitle'])"),
        "meta": " ".join(page.xpath("string(//p[@class='entry-meta'])").split()),
        "toc": [(a.getparent().get("class"), a.text_content()) for a in page.xpath("//nav[@class='toc']//a")],
        "text": page.xpath("string(//div[@data-article-text])"),
        "headings": [(h.tag, h.get("id")) for h in page.xpath("//div[@data-article-text]//*[self::h2 or self::h3]")],
    }


@pytest.fixture(scope="module", params=["word", "plain"])
def imported(request, tmp_path_factory, real_site):
    """(page of the imported report, page of the original, what import printed)."""
    root = tmp_path_factory.mktemp(f"report-{request.param}")
    site = root / "site"
    site.mkdir()
    shutil.copy(PROJECT / "site.yaml", site / "site.yaml")
    shutil.copytree(PROJECT / "content", site / "content")
    (site / "content/reports/work-report-2021.md").unlink()
    source = root / "2021年区人大工作报告.docx"
    source.write_bytes(S.report_document(REPORT, request.param))
    result = import_(site, source, session="1-1", name="work-report-2021")
    assert result.returncode == 0, result.stderr
    built = run_build(site, out=root / "public")
    assert built.returncode == 0, built.stderr
    return request.param, facts(parse(root / "public" / PAGE)), facts(parse(real_site / PAGE)), result


def test_imported_report_keeps_98_percent_of_the_sentences(imported):
    _, new, old = imported[:3]
    before, after = sentences(old["text"]), "".join(new["text"].split())
    kept = [s for s in before if s in after]
    assert len(before) > 30
    assert len(kept) / len(before) >= 0.98, [s for s in before if s not in after]
    assert len(sentences(new["text"])) <= len(before) * 1.02  # and nothing much added


def test_imported_report_has_the_same_head(imported):
    _, new, old = imported[:3]
    assert (new["title"], new["subtitle"], new["meta"]) == (old["title"], old["subtitle"], old["meta"])
    assert "报告人：周志辉" in new["meta"] and "2021年7月21日" in new["meta"]


def test_imported_report_has_the_same_contents_list(imported):
    variant, new, old = imported[:3]
    toc = new["toc"]
    if variant == "plain":  # the test numbered the sections 一、二、… by hand, as WPS users do
        assert all(NUMBERED.match(text) for level, text in toc if level == "toc-2")
        toc = [(level, NUMBERED.sub("", text)) for level, text in toc]
    assert toc == old["toc"] and len(toc) == 11
    if variant == "word":
        assert new["headings"] == old["headings"]  # same anchors: links to #sections keep working


def test_import_report_names_its_sources(imported):
    variant, _, _, result = imported
    out = result.stdout
    assert "→ content/reports/work-report-2021.md（工作报告" in out
    assert "session ← 命令行 --session" in out and "speaker ← 报告人一行（区人大筹备组组长　周志辉）" in out
    assert "date ← 标题下的日期行" in out
    assert ("subtitle ← “副标题”样式的段落" if variant == "word" else "subtitle ← 标题下的 —— 行") in out
    assert "需要编辑处理" not in out  # nothing left to fill
