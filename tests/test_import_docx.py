"""`python build.py import`: real .docx files (python-docx) in, content files, pictures and built pages out.

A Word document with Chinese style names (标题, 副标题, 标题 1, 标题 2), lists, a table with
merged cells, pictures with and without a description, footnotes, a link and a line break;
a WPS-like document with no heading style at all (一、/（一） lines, a ——subtitle, a speaker
line, full-width-space indentation). Each is imported through the command line, its
Markdown, front matter and media files read back, and the site built for real and the
pages parsed with lxml.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

import docx_samples as S
from tests.conftest import parse, run_build, write_site
from test_new_check import run  # the command line in this process, output captured

from generator.commands.docx import conventions as cn

TODAY = "2026-11-27"
SESSION = """\
---
title: 示例区第一届人民代表大会第二次会议
start: 2022-01-09
end: 2022-01-12
---
会议。
"""


def import_(site: Path, *files: Path | str, **options: str) -> SimpleNamespace:
    extra = [x for key, value in options.items() for x in (f"--{key}", value)]
    return run("import", *map(str, files), "--site", str(site), "--today", TODAY, *extra)


def split(path: Path) -> tuple[dict, str, str]:
    """(front matter values, front matter text, body) of a content file."""
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head) or {}, head, body


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {"content/sessions/1-2.md": SESSION})


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> SimpleNamespace:
    """One site with both documents imported, built once for this module."""
    root = tmp_path_factory.mktemp("import")
    site = write_site(root / "site", {"content/sessions/1-2.md": SESSION})
    (root / "word.docx").write_bytes(S.word_document())
    (root / "wps.docx").write_bytes(S.wps_document())
    word = import_(site, root / "word.docx")
    wps = import_(site, root / "wps.docx")
    assert word.returncode == 0 and wps.returncode == 0, word.stderr + wps.stderr
    result = run_build(site, out=root / "public")
    assert result.returncode == 0, result.stderr
    return SimpleNamespace(site=site, out=root / "public", word=word, wps=wps, build=result)


WORD_FILE = "content/reports/guan-yu-cheng-shi-geng-xin-gong-zuo-qing-kuang-de-bao-gao.md"
WPS_FILE = "content/reports/shi-li-qu-ren-min-dai-biao-da-hui-chang-wu-wei-yuan-hui-gong-zuo-bao-gao.md"


# -- the Word document: Markdown, front matter, media ---------------------------------------------

def test_word_document_front_matter_says_what_came_from_where(built):
    meta, head, _ = split(built.site / WORD_FILE)
    assert meta == {"title": "关于城市更新工作情况的报告", "date": dt.date(2022, 1, 10),
                    "subtitle": "2022年1月10日在示例区第一届人民代表大会第二次会议上", "session": "1-2",
                    "speaker": "李明华"}
    assert re.search(r"^title: .*# 必填，取自“标题”样式的段落", head, re.M)
    assert re.search(r"^session: .*取自副标题中的会议名称", head, re.M)
    assert re.search(r"^# topics:  # 可选", head, re.M)  # every field of the kind, the unused ones commented
    assert "draft" not in meta


def test_word_document_body_keeps_structure(built):
    _, _, body = split(built.site / WORD_FILE)
    lines = body.splitlines()
    assert "关于城市更新工作情况的报告" not in body and "李明华" not in body  # moved to the front matter
    assert "示例区人大常委会文件" not in body and "第 1 页" not in body  # header and footer
    assert "<" not in body.replace("<br>", "")  # no font sizes, colours or page breaks as HTML
    assert lines[0] == "各位代表："
    assert "过去一年，我们坚持**依法履职**，推进*城市更新*工作。[^1]" in lines  # indentation gone, note kept
    for heading in ("## 一、主要工作", "### （一）加强监督", "### （二）改善民生", "## 二、存在的问题"):
        assert heading in lines
    assert ["- 听取专项报告", "- 开展执法检查"] == [x for x in lines if x.startswith("- ")]
    assert ["1. 第一步", "2. 第二步"] == [x for x in lines if re.match(r"\d\. ", x)]
    assert "地址：钱塘区文渊路  " in lines and "电话：0571-00000000" in lines  # a line break kept
    assert "[区人大网站](https://www.example.gov.cn/renda/)" in body
    assert "[^1]: 数据截至2021年底。" in lines and "[^2]: 见区人大常委会2021年工作要点。" in lines
    table = [x for x in lines if x.startswith("|")]
    assert table == ["| 项目 | 数量 | 说明 |", "| --- | --- | --- |", "| 老旧小区 | 12 | 已完工<br>在建 |",
                     "| 加装电梯 | 30 |  |", "| 合计 |  | 42 |"]  # merged cells flattened, every row 3 wide


def test_word_document_pictures_go_to_media_numbered_with_alt_text(built):
    _, _, body = split(built.site / WORD_FILE)
    slug = Path(WORD_FILE).stem
    images = re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", body)
    assert images == [("改造后的小区", f"/media/{slug}/{slug}-1.png"), ("", f"/media/{slug}/{slug}-2.png")]
    assert (built.site / f"media/{slug}/{slug}-1.png").read_bytes() == S.png(rgb=(20, 120, 200))
    assert (built.site / f"media/{slug}/{slug}-2.png").read_bytes() == S.png(rgb=(20, 200, 20))


def test_word_document_report_lists_what_needs_an_editor(built):
    out = built.word.stdout
    assert "已导入 " in out and f"→ {WORD_FILE}（工作报告" in out
    assert "title ← “标题”样式的段落" in out and "date ← 副标题中的日期" in out
    assert "图片：2 张" in out and "1 张有说明文字" in out
    assert "第 2 张图片没有说明文字（alt）" in out
    assert "第 1 个表格有 2 处合并的单元格" in out
    assert built.word.stderr == ""


# -- the WPS-like document: conventions recognised ------------------------------------------------

def test_wps_document_conventions(built):
    meta, _, body = split(built.site / WPS_FILE)
    assert meta["title"] == "示例区人民代表大会常务委员会工作报告"
    assert meta["subtitle"] == "2023年1月12日在示例区第一届人民代表大会第三次会议上"
    assert str(meta["date"]) == "2023-01-12" and meta["speaker"] == "王强"
    assert "session" not in meta  # no such session on this site: left for the editor, not guessed
    lines = [x for x in body.splitlines() if x]
    assert lines == ["各位代表：", "现在，我代表区人大常委会向大会报告工作，请予审议。", "## 一、过去一年的主要工作",
                     "### （一）坚持党的领导", "常委会始终坚持党的领导，全年召开会议12次。", "### （二）加强预算审查监督",
                     "全年审查预算调整方案2件，提出意见建议15条。", "## 二、今年的主要任务",
                     "今年是全面贯彻党的二十大精神的开局之年。", "## 三、加强自身建设", "各位代表，让我们团结一心，开拓进取！"]
    assert "\u3000" not in body


# -- the built pages ------------------------------------------------------------------------------

def _page(built, md: str):
    return parse(built.out / "reports" / Path(md).stem / "index.html")


def test_built_word_page(built):
    page = _page(built, WORD_FILE)
    assert page.xpath("string(//h1)") == "关于城市更新工作情况的报告"
    assert page.xpath("string(//p[@class='subtitle'])") == "2022年1月10日在示例区第一届人民代表大会第二次会议上"
    meta = page.xpath("string(//p[@class='entry-meta'])")
    assert "报告人：李明华" in meta and "2022年1月10日" in meta
    prose = page.xpath("//div[@data-article-text]")[0]
    assert [h.text_content() for h in prose.xpath(".//h2|.//h3")] == ["一、主要工作", "（一）加强监督", "（二）改善民生",
                                                                   "二、存在的问题"]
    toc = [a.text_content() for a in page.xpath("//nav[@class='toc']//a")]
    assert toc == ["一、主要工作", "（一）加强监督", "（二）改善民生", "二、存在的问题"]
    rows = prose.xpath(".//table//tr")
    assert [len(r.xpath("th|td")) for r in rows] == [3, 3, 3, 3]
    assert [th.text_content() for th in rows[0].xpath("th")] == ["项目", "数量", "说明"]
    assert rows[1].xpath("td")[2].xpath("br")  # two paragraphs of a cell on two lines
    assert prose.xpath(".//strong")[0].text == "依法履职" and prose.xpath(".//em")[0].text == "城市更新"
    assert prose.xpath(".//a[@href='https://www.example.gov.cn/renda/']/text()") == ["区人大网站"]
    notes = prose.xpath(".//div[contains(@class,'footnote')]//li")
    assert [" ".join(n.text_content().split()).rstrip("↩ ") for n in notes] == ["数据截至2021年底。",
                                                                              "见区人大常委会2021年工作要点。"]
    assert len(prose.xpath(".//sup//a[starts-with(@href,'#fn')]")) == 2
    images = prose.xpath(".//img")
    assert [i.get("alt") for i in images] == ["改造后的小区", ""]
    for image in images:  # each picture is published where the page points
        target = (built.out / "reports" / Path(WORD_FILE).stem / image.get("src")).resolve()
        assert target.is_file() and target.read_bytes().startswith(b"\x89PNG")


def test_built_picture_without_alt_is_warned_about(built):
    assert "没有替代文字（alt）" in built.build.stderr and f"{Path(WORD_FILE).stem}-2.png" in built.build.stderr


def test_built_wps_page_has_its_contents_list(built):
    page = _page(built, WPS_FILE)
    assert page.xpath("string(//h1)") == "示例区人民代表大会常务委员会工作报告"
    assert "报告人：王强" in page.xpath("string(//p[@class='entry-meta'])")
    toc = [(a.getparent().get("class"), a.text_content()) for a in page.xpath("//nav[@class='toc']//a")]
    assert toc == [("toc-2", "一、过去一年的主要工作"), ("toc-3", "（一）坚持党的领导"), ("toc-3", "（二）加强预算审查监督"),
                   ("toc-2", "二、今年的主要任务"), ("toc-2", "三、加强自身建设")]
    paragraphs = [p.text_content() for p in page.xpath("//div[@data-article-text]/p")]
    assert paragraphs[0] == "各位代表：" and all(p and not p.startswith(("\u3000", " ")) for p in paragraphs)


# -- fields that could not be found; never overwriting --------------------------------------------

def test_missing_required_field_is_a_placeholder_that_check_stops_on(site: Path, tmp_path: Path):
    source = tmp_path / "通知.docx"
    source.write_bytes(S.simple_document("请各位代表准时参加。"))
    result = import_(site, source, kind="news")
    assert result.returncode == 0, result.stderr
    made = site / "content/news/ce-shi-wen-dang-biao-ti.md"
    meta, head, body = split(made)
    assert meta == {"title": "测试文档标题"} and re.search(r"^# date:  # 必填，文档中没有找到", head, re.M)
    assert body.strip() == "请各位代表准时参加。"
    assert "必填字段 date 没有在文档中找到" in result.stdout
    checked = run("check", "--site", str(site))
    assert checked.returncode == 1
    assert "content/news/ce-shi-wen-dang-biao-ti.md:1: 错误: 字段 date：缺少必填字段 date。" in checked.stderr
    made.write_text(made.read_text(encoding="utf-8").replace("# date:  #", "date: 2022-01-10  #"), encoding="utf-8")
    assert run("check", "--site", str(site)).returncode == 0


def test_an_existing_file_is_never_overwritten_and_name_gives_another(site: Path, tmp_path: Path):
    source = tmp_path / "word.docx"
    source.write_bytes(S.word_document())
    assert import_(site, source).returncode == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    again = import_(site, source)
    assert again.returncode == 1 and again.stdout == ""
    assert "已经存在，没有覆盖" in again.stderr and "--name" in again.stderr and "Traceback" not in again.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    named = import_(site, source, name="城市更新报告")
    assert named.returncode == 0, named.stderr
    assert (site / "content/reports/cheng-shi-geng-xin-bao-gao.md").is_file()
    assert (site / "media/cheng-shi-geng-xin-bao-gao/cheng-shi-geng-xin-bao-gao-1.png").is_file()


def test_name_with_several_files_is_a_usage_error(site: Path, tmp_path: Path):
    for name in ("a.docx", "b.docx"):
        (tmp_path / name).write_bytes(S.simple_document())
    result = import_(site, tmp_path / "a.docx", tmp_path / "b.docx", name="x")
    assert result.returncode == 2 and "--name 只能在导入一个文件时使用" in result.stderr


def test_a_folder_is_imported_whole_and_what_it_cannot_take_is_said(site: Path, tmp_path: Path):
    folder = tmp_path / "来稿"
    folder.mkdir()
    (folder / "word.docx").write_bytes(S.word_document())
    (folder / "wps.docx").write_bytes(S.wps_document())
    (folder / "旧文件.doc").write_bytes(S.ole_container("WordDocument"))
    (folder / "~$word.docx").write_bytes(b"lock")  # Word's lock file while word.docx is open
    (folder / "说明.txt").write_text("不是文档")
    result = import_(site, folder)
    assert result.returncode == 0
    assert result.stdout.count("已导入 ") == 2 and "共导入 2 个文件，1 个没有导入" in result.stdout
    assert result.stderr.strip().splitlines() == [f"未导入 {folder}/旧文件.doc：这是旧版 Word 文档（.doc），无法导入。"
                                                  "请在 Word 或 WPS 中打开它，另存为“Word 文档（*.docx）”后再导入。"]


def test_kind_voice_takes_the_speaker_and_the_kind_from_the_speaker_line(site: Path, tmp_path: Path):
    import docx

    d = docx.Document()
    d.add_paragraph("关于加装电梯的建议")
    d.add_paragraph("区人大代表 王爽")
    d.add_paragraph("老旧小区加装电梯，群众呼声很高。")
    (tmp_path / "voice.docx").write_bytes(S.save(d))
    result = import_(site, tmp_path / "voice.docx", kind="voice", session="1-2")
    assert result.returncode == 0, result.stderr
    meta, _, body = split(site / "content/voices/guan-yu-jia-zhuang-dian-ti-de-jian-yi.md")
    assert meta == {"title": "关于加装电梯的建议", "session": "1-2", "kind": "代表", "speaker": "王爽"}
    assert body.strip() == "老旧小区加装电梯，群众呼声很高。"


def test_lines_a_kind_has_no_field_for_stay_in_the_body(site: Path, tmp_path: Path):
    (tmp_path / "wps.docx").write_bytes(S.wps_document())
    result = import_(site, tmp_path / "wps.docx", kind="page")
    assert result.returncode == 0, result.stderr
    meta, _, body = split(site / "content/pages" / Path(WPS_FILE).name)
    assert meta == {"title": "示例区人民代表大会常务委员会工作报告"}
    assert body.startswith("——2023年1月12日在示例区第一届人民代表大会第三次会议上\n\n区人大常委会主任 王　强\n\n各位代表：")


def test_pictures_browsers_cannot_show_are_reported_by_name(site: Path, tmp_path: Path):
    (tmp_path / "emf.docx").write_bytes(S.emf_document())
    result = import_(site, tmp_path / "emf.docx", kind="news")
    assert result.returncode == 0, result.stderr
    assert "1 张图片是浏览器无法显示的格式（EMF）" in result.stdout
    _, _, body = split(site / "content/news/tu-pian-ge-shi-ce-shi.md")
    assert "<!-- 这里原有第 1 张无法在网页上显示的EMF 图片" in body
    assert "![会场照片](/media/tu-pian-ge-shi-ce-shi/tu-pian-ge-shi-ce-shi-1.png)" in body
    assert [p.name for p in (site / "media").rglob("*") if p.is_file()] == ["tu-pian-ge-shi-ce-shi-1.png"]


def test_charts_are_reported_not_lost_silently(site: Path, tmp_path: Path):
    (tmp_path / "chart.docx").write_bytes(S.chart_document())
    result = import_(site, tmp_path / "chart.docx", kind="news")
    assert result.returncode == 0, result.stderr
    assert "文档中有 1 个 Word 图表，网页上无法显示，没有导入" in result.stdout


def test_text_that_looks_like_markup_stays_text(site: Path, tmp_path: Path):
    import docx

    d = docx.Document()
    d.add_paragraph("转义测试")
    samples = ["1. 这一段以编号开头", "# 井号开头", "a<b>c 与 <script>alert(1)</script>", "A&amp;B 和 &copy;",
               "[2021]12号（见[附件](一)）", "下划线_名称_", "**不是粗体**", "{: .class}", "反斜杠\\n和`反引号`"]
    for text in samples:
        d.add_paragraph(text)
    (tmp_path / "x.docx").write_bytes(S.save(d))
    assert import_(site, tmp_path / "x.docx", kind="page").returncode == 0
    result = run_build(site, out=tmp_path / "public")
    assert result.returncode == 0, result.stderr
    page = parse(tmp_path / "public/zhuan-yi-ce-shi/index.html")
    assert [p.text_content() for p in page.xpath("//div[@class='prose']/p")] == samples


def test_no_title_found_is_a_placeholder_and_the_file_is_named_after_the_document(site: Path, tmp_path: Path):
    import docx

    d = docx.Document()
    d.add_paragraph("根据工作安排，区人大常委会将于近期开展执法检查。请各单位做好准备。")
    d.add_paragraph("特此通知。")
    (tmp_path / "执法检查通知.docx").write_bytes(S.save(d))
    result = import_(site, tmp_path / "执法检查通知.docx", kind="news")
    assert result.returncode == 0, result.stderr
    made = site / "content/news/zhi-fa-jian-cha-tong-zhi.md"
    meta, head, body = split(made)
    assert meta == {} and re.search(r"^# title:  # 必填，文档中没有找到", head, re.M)
    assert body.startswith("根据工作安排")
    assert "必填字段 title 没有在文档中找到" in result.stdout and "必填字段 date 没有在文档中找到" in result.stdout


def test_words_own_contents_list_and_bookmark_links_are_dropped(site: Path, tmp_path: Path):
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    d.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    d.add_paragraph("会议纪要")
    entry = d.add_paragraph(style="toc 1")
    entry._p.append(parse_xml(f'<w:hyperlink {nsdecls("w")} w:anchor="_Toc1"><w:r><w:t>一、会议议程\t2</w:t></w:r>'
                              '</w:hyperlink>'))
    heading = d.add_paragraph("一、会议议程")
    heading._p.insert(0, parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="0" w:name="_Toc1"/>'))
    p = d.add_paragraph("详见")
    p._p.append(parse_xml(f'<w:hyperlink {nsdecls("w")} w:anchor="_Toc1"><w:r><w:t>会议议程</w:t></w:r></w:hyperlink>'))
    p.add_run("。")
    (tmp_path / "toc.docx").write_bytes(S.save(d))
    assert import_(site, tmp_path / "toc.docx", kind="page").returncode == 0
    _, _, body = split(site / "content/pages/hui-yi-ji-yao.md")
    assert body.strip().splitlines() == ["## 一、会议议程", "", "详见会议议程。"]


def test_auto_numbered_headings_are_reported(site: Path, tmp_path: Path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    S.chinese_styles(d)
    d.add_paragraph("工作要点", style="标题")
    for text in ("总体要求", "重点任务"):
        heading = d.add_paragraph(text, style="标题 1")
        heading._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/>'
                                                     '<w:numId w:val="1"/></w:numPr>'))
        d.add_paragraph("正文。")
    (tmp_path / "n.docx").write_bytes(S.save(d))
    result = import_(site, tmp_path / "n.docx", kind="page")
    assert "2 个标题在 Word 中用的是自动编号" in result.stdout
    _, _, body = split(site / "content/pages/gong-zuo-yao-dian.md")
    assert "## 总体要求" in body and "## 重点任务" in body


# -- the conventions, as text rules ---------------------------------------------------------------

@pytest.mark.parametrize("text, date", [
    ("——2022年1月10日在示例区第一届人民代表大会第二次会议上", "2022-01-10"), ("（2021年7月21日）", "2021-07-21"),
    ("发布时间：2023-03-05 09:30", "2023-03-05"), ("二〇二二年一月十日", "2022-01-10"), ("二〇二一年十二月三十一日", "2021-12-31"),
    ("２０２２年１月１０日", "2022-01-10"), ("2022.1.9", "2022-01-09"), ("2022年13月1日", None), ("没有日期", None)])
def test_dates(text: str, date: str | None):
    found = cn.find_date(text)
    assert (found.isoformat() if found else None) == date


@pytest.mark.parametrize("text, level", [
    ("一、总体要求", 2), ("　　十二、其他", 2), ("（一）坚持党的领导", 3), ("(三)依法顺利完成任务", 3), ("（二）加强监督。", 3),
    ("一、总体要求。今年要做好三件事，一是……", None), ("1. 第一条", None), ("一是加强监督", None),
    ("一、" + "很" * 60, None)])
def test_hand_numbered_headings(text: str, level: int | None):
    assert cn.heading_level(text) == level


@pytest.mark.parametrize("text, speaker", [
    ("区人大常委会主任 李明华", ("区人大常委会主任", "李明华")), ("区人大常委会副主任　王　强", ("区人大常委会副主任", "王强")),
    ("报告人：周志辉", ("", "周志辉")), ("区人大筹备组组长 周志辉", ("区人大筹备组组长", "周志辉")),
    ("各位代表：", None), ("区人大常委会主任李明华作报告。", None), ("区人大代表 这是一句很长的话不是名字", None)])
def test_speaker_lines(text: str, speaker):
    assert cn.speaker_of(text) == speaker
