"""Deputies' suggestions (代表建议): the model, every validation rule, the pages, the filters,
and the figures — rates computed by hand and compared with the numbers inside the SVGs and tables.

Sites are built once per module with the real command line (tests/conftest.py: run_build).
The main test site has suggestions in every status:

    12 published suggestions of session 1-1 (a 13th is a draft and counts nowhere):
      已提交 2, 已交办 1, 办理中 2, 已答复 7          -> 16.7% 8.3% 16.7% 58.3%
      answered: A 4, B 2, C 1                         -> 解决率 4/7 = 57.1%
      rated: 满意 3, 基本满意 2, 不满意 1 (1 unrated)  -> 满意率 5/6 = 83.3%
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest

from generator.pages.charts import AXIS, INK, STYLES, Bar, Group, bar_chart
from generator.read.config import ResultClass
from generator.model.models import Suggestion, Topic
from generator.pages.suggestions import percent, suggestion_rates, topic_counts
from tests.conftest import SITE_YAML as BASE_YAML
from tests.conftest import parse, run_build, write_site

ABC = (ResultClass("A", "已解决或采纳", True), ResultClass("B", "列入计划逐步解决"), ResultClass("C", "因条件限制留作参考"))


# ---------------------------------------------------------------------------------------------
# The rates: one pure function, checked against numbers worked out by hand
# ---------------------------------------------------------------------------------------------

def make(status: str = "已提交", result: str | None = None, satisfaction: str = "", key: bool = False,
         scheme=ABC) -> Suggestion:
    found = next((c for c in scheme if c.code == result), None)
    return Suggestion(folder="suggestions", id="x", source="content/suggestions/x.md", title="建议", slug="x",
                      url="suggestions/x/", status=status, result=found, satisfaction=satisfaction, key=key)


def issue_example() -> list[Suggestion]:
    answered = [make("已答复", r, s) for r, s in (("A", "满意"), ("A", "满意"), ("A", "基本满意"), ("A", ""),
                                                  ("B", "满意"), ("B", "不满意"), ("C", "基本满意"))]
    return answered + [make("已提交"), make("已提交"), make("已交办", key=True), make("办理中", key=True), make("办理中")]


def test_percent_has_one_decimal_rounded_half_up():
    assert percent(4, 7) == "57.1%"
    assert percent(5, 6) == "83.3%"
    assert percent(1, 12) == "8.3%"
    assert percent(1, 16) == "6.3%"  # 6.25: half up, not to even
    assert percent(3, 3) == "100.0%"
    assert percent(0, 5) == "0.0%"
    assert percent(0, 0) == ""


def test_rates_of_the_issue_example():
    st = suggestion_rates(issue_example(), ABC)
    assert st.total == 12 and st.key == 2
    assert st.by_status == (("已提交", 2), ("已交办", 1), ("办理中", 2), ("已答复", 7))
    assert st.answered == 7
    assert [(c.code, n) for c, n in st.by_result] == [("A", 4), ("B", 2), ("C", 1)]
    assert st.solved == 4 and st.solve_rate == Fraction(4, 7) and st.solve_percent == "57.1%"
    assert st.rated == 6 and st.by_satisfaction == (("满意", 3), ("基本满意", 2), ("不满意", 1))
    assert st.satisfied == 5 and st.satisfaction_rate == Fraction(5, 6) and st.satisfaction_percent == "83.3%"


def test_rates_follow_the_sites_own_scheme():
    scheme = (ResultClass("甲", "已解决", True), ResultClass("乙", "基本解决", True),
              ResultClass("丙", "正在解决"), ResultClass("丁", "留作参考"))
    items = [make("已答复", r, scheme=scheme) for r in ("甲", "乙", "乙", "丙", "丁", "丁", "丁", "丁")]
    st = suggestion_rates(items, scheme)
    assert [(c.code, n) for c, n in st.by_result] == [("甲", 1), ("乙", 2), ("丙", 1), ("丁", 4)]
    assert st.solved == 3 and st.solve_percent == "37.5%"
    assert st.rated == 0 and st.satisfaction_rate is None and st.satisfaction_percent == ""


def test_nothing_answered_means_no_rates_rather_than_zero():
    st = suggestion_rates([make(), make("办理中")], ABC)
    assert st.answered == 0 and st.solve_rate is None and st.solve_percent == ""
    assert st.satisfaction_rate is None
    empty = suggestion_rates([], ABC)
    assert empty.total == 0 and empty.by_status == (("已提交", 0), ("已交办", 0), ("办理中", 0), ("已答复", 0))


def test_topic_counts_keep_site_order_and_put_untagged_last():
    t1, t2, t3 = (Topic(n, s, f"topics/{s}/", i) for i, (n, s) in
                  enumerate((("医疗卫生", "yi"), ("交通出行", "jiao"), ("教育", "jiao-yu"))))
    a, b, c = make(), make(), make()
    a.topics, b.topics = (t2,), (t1, t2)
    rows = topic_counts([a, b, c], [], [t1, t2, t3])
    assert rows == [("医疗卫生", 1, 0), ("交通出行", 2, 0), ("其他", 1, 0)]


# ---------------------------------------------------------------------------------------------
# charts.py: pure, escaped, deterministic
# ---------------------------------------------------------------------------------------------

def test_bar_chart_is_deterministic_escaped_and_labelled():
    groups = [Group("甲<&>", (Bar(4, "4 件（57.1%）", 0),)), Group("乙", (Bar(0, "0 件（0.0%）", 1),))]
    one = bar_chart("c1", "标题 <x>", "说明 & 数字", groups, headline="解决率 57.1%")
    assert one == bar_chart("c1", "标题 <x>", "说明 & 数字", groups, headline="解决率 57.1%")
    assert one.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and one.endswith("</svg>")
    assert 'role="img"' in one and 'aria-labelledby="c1-t c1-d"' in one
    assert '<title id="c1-t">标题 &lt;x&gt;</title>' in one and '<desc id="c1-d">说明 &amp; 数字</desc>' in one
    assert "甲&lt;&amp;&gt;" in one and "<&>" not in one
    assert ">4 件（57.1%）</text>" in one and ">0 件（0.0%）</text>" in one and ">解决率 57.1%</text>" in one
    assert "style=" not in one and "<script" not in one
    assert one.count("<rect") == 1  # a zero draws no bar, only its number


def test_grouped_chart_tells_series_apart_without_colour():
    svg = bar_chart("t", "专题", "说明", [Group("医疗卫生", (Bar(1, "建议 1 件", 0), Bar(3, "心声 3 条", 1)))],
                    legend=(("代表建议", 0), ("心声", 1)))
    assert 'id="t-p1"' in svg and "url(#t-p1)" in svg  # the second series is hatched, not only recoloured
    assert ">建议 1 件</text>" in svg and ">心声 3 条</text>" in svg  # and every bar says what it is
    assert ">代表建议</text>" in svg and ">心声</text>" in svg


def contrast(a: str, b: str = "#ffffff") -> float:
    def lum(h: str) -> float:
        r, g, b_ = (int(h[i:i + 2], 16) / 255 for i in (1, 3, 5))
        f = lambda c: c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4  # noqa: E731
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b_)
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_chart_colours_stand_out_and_patterns_differ():
    assert all(contrast(colour) >= 7 for colour, _ in STYLES)  # bars: 3:1 needed (WCAG 1.4.11); text colours too
    assert contrast(INK) >= 7 and contrast(AXIS) >= 3
    assert len({pattern for _, pattern in STYLES}) == len(STYLES)  # told apart without colour


# ---------------------------------------------------------------------------------------------
# The main test site
# ---------------------------------------------------------------------------------------------

SITE_YAML = BASE_YAML + "paginate: 5\n"

PEOPLE = {
    "content/deputies/zhang-ming-hua.md": "---\nname: 张明华\nrole: 人大代表\n---\n医生。\n",
    "content/deputies/li-hong.md": "---\nname: 李红\nrole: 人大代表\n---\n教师。\n",
    "content/deputies/wang-fang.md": "---\nname: 王芳\nrole: 人大代表\n---\n社区工作者。\n",
    "content/deputies/chen-wei-yuan.md": "---\nname: 陈委员\nrole: 政协委员\n---\n企业家。\n",
}

SESSIONS = {
    "content/sessions/1-1.md": """\
        ---
        title: 测试区第一届人民代表大会第一次会议
        start: 2026-01-10
        end: 2026-01-13
        figures:
          - {label: 登记选民, value: 43.3万余, unit: 名}
          - {label: 选出区人大代表, value: 222, unit: 名}
        ---
        1月10日至13日召开。
        """,
    "content/sessions/cw-1.md": """\
        ---
        title: 测试区人大常委会第一次会议
        start: 2026-02-01
        end: 2026-02-01
        type: 常委会会议
        ---
        常委会会议。
        """,
}

VOICES = {
    "content/voices/v1.md": "---\ntitle: 看病难\nsession: 1-1\nkind: 代表\nspeaker: 张明华\ntopics: [医疗卫生]\n---\n看病。\n",
    "content/voices/v2.md": "---\ntitle: 堵车\nsession: 1-1\nkind: 市民\nspeaker: 路人\ntopics: [交通出行, 医疗卫生]\n---\n堵车。\n",
    "content/voices/v3.md": "---\ntitle: 随想\nsession: 1-1\nkind: 市民\nspeaker: 路人乙\n---\n随想。\n",
}


def suggestion(name: str, title: str, number: int | None, deputies: str, status: str, extra: str = "",
               topics: str = "", body: str = "建议的正文。") -> tuple[str, str]:
    lines = ["---", f"title: {title}", "session: 1-1"]
    if number is not None:
        lines.append(f"number: {number}")
    if deputies:
        lines.append(f"deputies: {deputies}")
    if status:
        lines.append(f"status: {status}")
    if topics:
        lines.append(f"topics: {topics}")
    lines += [line for line in extra.split("\n") if line]
    lines += ["---", body]
    return f"content/suggestions/{name}.md", "\n".join(lines) + "\n"


ANSWER = """关于在社区卫生服务中心增设夜间门诊的建议正文。

## 答复

张明华代表：您提出的建议收悉。区卫健局已在三个社区卫生服务中心开设夜间门诊。

## 附件

附件一：门诊时间表。
"""

SUGGESTIONS = dict([
    suggestion("s01", "关于增设夜间门诊的建议", 1, "[张明华, li-hong, 王芳]", "已答复",
               "handler: [区卫健局, 区医保局, 区财政局]\nkey: true\nanswered: 2026-05-20\nresult: A\nsatisfaction: 满意",
               "[医疗卫生]", ANSWER),
    suggestion("s02", "关于优化公交线路的建议", 2, "[李红, 张明华]", "已答复",
               "handler: [区交通运输局]\nanswered: 2026-05-21\nresult: A\nsatisfaction: 满意", "[交通出行]"),
    suggestion("s03", "关于增加学位供给的建议", 3, "[王芳]", "已答复",
               "answered: 2026-05-22\nresult: A\nsatisfaction: 基本满意", "[教育]"),
    suggestion("s04", "关于社区医生培训的建议", 4, "[张明华]", "已答复", "answered: 2026-05-23\nresult: A",
               "[医疗卫生]"),
    suggestion("s05", "关于拓宽道路的建议", 5, "[李红]", "已答复",
               "answered: 2026-05-24\nresult: B\nsatisfaction: 满意", "[交通出行]"),
    suggestion("s06", "关于新建停车场的建议", 6, "[李红]", "已答复",
               "answered: 2026-05-25\nresult: B\nsatisfaction: 不满意", "[交通出行, 医疗卫生]"),
    suggestion("s07", "关于新建体育馆的建议", 7, "[王芳]", "已答复",
               "answered: 2026-05-26\nresult: C\nsatisfaction: 基本满意", ""),
    suggestion("s08", "关于学校周边交通的建议", 8, "[王芳, 张明华]", "办理中",
               "handler: [区教育局, 区公安分局]\nkey: true", "[教育, 交通出行]"),
    suggestion("s09", "关于医联体建设的建议", 9, "[张明华]", "办理中", "", "[医疗卫生]"),
    suggestion("s10", "关于托育服务的建议", 10, "[李红]", "已交办", "handler: [区卫健局]", "[教育]"),
    suggestion("s11", "关于老年食堂的建议", 11, "[王芳]", "", "", ""),
    suggestion("s12", "关于河道整治的建议", None, "", "已提交", "", "[交通出行]"),
    suggestion("s13", "关于草稿的建议", 13, "[张明华]", "已答复",
               "answered: 2026-05-27\nresult: C\nsatisfaction: 不满意\ndraft: true", "[医疗卫生]"),
])

FILES: dict[str, str | bytes] = {**PEOPLE, **SESSIONS, **VOICES, **SUGGESTIONS}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The main test site, built once."""
    root = write_site(tmp_path_factory.mktemp("sugg") / "site", FILES, SITE_YAML)
    out = root.parent / "public"
    result = run_build(root, out=out)
    assert result.returncode == 0, result.stderr
    assert "警告" not in result.stderr, result.stderr
    return out


def page(out: Path, url: str):
    return parse(out / url / "index.html")


def text(node) -> str:
    return " ".join(node.text_content().split())


def svg_texts(doc, figure_id: str) -> list[str]:
    return [t.text for t in doc.xpath(f"//figure[@id='{figure_id}']//*[local-name()='text']")]


def table_rows(doc, figure_id: str) -> list[list[str]]:
    return [[text(c) for c in tr.xpath("./th|./td")] for tr in doc.xpath(f"//figure[@id='{figure_id}']//table//tr")]


# -- a suggestion's own page --------------------------------------------------------------------

def test_suggestion_page_shows_number_people_status_handlers_and_answer(site):
    doc = page(site, "suggestions/s01")
    assert [text(h) for h in doc.xpath("//h1")] == ["关于增设夜间门诊的建议"]
    assert "第1号" in text(doc.xpath("//header[@class='entry-header']")[0])
    facts = {text(d.xpath("dt")[0]): d.xpath("dd")[0] for d in doc.xpath("//dl[contains(@class,'suggestion-facts')]/div")}
    assert text(facts["编号"]) == "第1号"
    assert [a.text for a in facts["领衔代表"].xpath(".//a")] == ["张明华"]
    assert facts["领衔代表"].xpath(".//a/@href") == ["../../deputies/zhang-ming-hua/"]
    assert [a.text for a in facts["附议代表"].xpath(".//a")] == ["李红", "王芳"]  # by id and by name
    assert [a.text for a in facts["专题"].xpath(".//a")] == ["医疗卫生"]
    assert text(facts["主办单位"]) == "区卫健局" and text(facts["协办单位"]) == "区医保局、区财政局"
    assert text(facts["答复日期"]) == "2026年5月20日"
    assert text(facts["办理结果"]) == "A类：已解决或采纳" and text(facts["代表满意度"]) == "满意"
    badge = doc.xpath("//header//span[contains(@class,'status-answered')]")[0]
    assert text(badge) == "办理状态：已答复"  # text, not colour alone
    assert doc.xpath("//header//span[contains(@class,'status-key')]/text()") == ["重点督办"]
    assert doc.xpath("//ol[@class='steps']/li[@aria-current='step']")[0].text == "已答复"
    sections = {text(s.xpath("h2")[0]): s for s in doc.xpath("//article/section")}
    answer = text(sections["答复"])
    assert "区卫健局已在三个社区卫生服务中心开设夜间门诊" in answer and "附件一" not in answer
    body = text(sections["建议内容"])
    assert "增设夜间门诊的建议正文" in body and "附件一：门诊时间表" in body and "开设夜间门诊" not in body


def test_unanswered_and_anonymous_suggestions_say_so(site):
    doc = page(site, "suggestions/s12")
    assert "号" not in text(doc.xpath("//article/header")[0])
    facts = {text(d.xpath("dt")[0]): text(d.xpath("dd")[0]) for d in doc.xpath("//dl[contains(@class,'suggestion-facts')]/div")}
    assert facts["提出代表"] == "未注明" and "编号" not in facts and "办理结果" not in facts
    assert text(doc.xpath("//header//span[contains(@class,'status-submitted')]")[0]) == "办理状态：已提交"
    assert "尚未答复。" in text(doc.xpath("//article")[0])
    answered_no_text = page(site, "suggestions/s02")
    assert "答复全文未公开。" in text(answered_no_text.xpath("//article")[0])


def test_a_draft_suggestion_is_not_published(site):
    assert not (site / "suggestions/s13").exists()


# -- the lists and their filters -----------------------------------------------------------------

def test_session_list_is_paginated_in_number_order(site):
    base = "sessions/1-1/suggestions"
    first = page(site, base)
    assert text(first.xpath("//h1")[0]) == "测试区第一届人民代表大会第一次会议代表建议"
    titles = [a.text for p in ("", "/page/2", "/page/3") for a in
              page(site, base + p).xpath("//ul[@class='items']//*[@class='item-title']/a")]
    assert titles[:3] == ["关于增设夜间门诊的建议", "关于优化公交线路的建议", "关于增加学位供给的建议"]
    assert len(titles) == 12 and titles[-1] == "关于河道整治的建议"  # unnumbered last; the draft nowhere
    later = page(site, base + "/page/2").xpath("//nav[@aria-label='筛选代表建议']//a[@aria-current]")
    assert [(text(a), a.get("aria-current")) for a in later] == [("全部建议12 件", "true")]  # not page 1 itself
    item = first.xpath("//li[contains(@class,'item-suggestions')]")[0]
    assert "第1号" in text(item) and "领衔：张明华" in text(item) and "附议：李红、王芳" in text(item)
    assert "结果：A 已解决或采纳" in text(item) and "满意度：满意" in text(item) and "重点督办" in text(item)


FILTERS = {  # url -> (label, count)
    "status/submitted": ("已提交", 2), "status/assigned": ("已交办", 1), "status/in-progress": ("办理中", 2),
    "status/answered": ("已答复", 7), "result/a": ("A 已解决或采纳", 4), "result/b": ("B 列入计划逐步解决", 2),
    "result/c": ("C 因条件限制留作参考", 1), "topic/yi-liao-wei-sheng": ("医疗卫生", 4),
    "topic/jiao-tong-chu-xing": ("交通出行", 5), "topic/jiao-yu": ("教育", 3),
}


@pytest.mark.parametrize("rel", sorted(FILTERS))
def test_every_filter_value_has_its_own_static_page(site, rel):
    label, count = FILTERS[rel]
    doc = page(site, f"sessions/1-1/suggestions/{rel}")
    assert text(doc.xpath("//h1")[0]) == f"测试区第一届人民代表大会第一次会议代表建议：{label}"
    here = site / f"sessions/1-1/suggestions/{rel}"
    items = [(here, li) for li in doc.xpath("//ul[@class='items']/li")]
    for n in range(2, 5):  # later pages of the same filter
        if (here / f"page/{n}/index.html").exists():
            items += [(here / f"page/{n}", li) for li in page(here, f"page/{n}").xpath("//ul[@class='items']/li")]
    assert len(items) == count
    current = doc.xpath("//nav[@aria-label='筛选代表建议']//a[@aria-current='page']")
    assert [text(a) for a in current] == [f"{label}{count} 件"]
    if rel.startswith("status/"):
        assert all(label in text(i.xpath(".//span[contains(@class,'status')]")[0]) for _, i in items)
    for where, item in items:  # every item listed really has the value chosen
        link = item.xpath(".//*[@class='item-title']/a/@href")[0]
        target = parse((where / link / "index.html").resolve())
        assert label.split(" ")[0] in text(target.xpath("//dl[contains(@class,'suggestion-facts')]")[0])


def test_filter_values_are_links_with_counts_and_ascii_urls(site):
    doc = page(site, "sessions/1-1/suggestions")
    nav = doc.xpath("//nav[@aria-label='筛选代表建议']")[0]
    groups = {text(g.xpath("h2")[0]): g for g in nav.xpath("div[@class='filter-group']")}
    assert list(groups) == ["按办理状态", "按办理结果", "按专题"]
    links = {text(a): a.get("href") for a in nav.xpath(".//a")}
    assert links["全部建议12 件"] == "./"
    assert links["已答复7 件"] == "status/answered/"
    assert links["A 已解决或采纳4 件"] == "result/a/"
    assert all(re.fullmatch(r"[a-z0-9./-]*", href) for href in links.values())  # ASCII URLs


def test_every_output_path_is_ascii(site):
    bad = [p for p in site.rglob("*") if not p.relative_to(site).as_posix().isascii()]
    assert bad == []


# -- figures: session page, overview ---------------------------------------------------------------

def test_session_page_figures_match_hand_computed_numbers(site):
    doc = page(site, "sessions/1-1")
    summary = doc.xpath("//section[@id='suggestions']")[0]
    tiles = [text(li) for li in summary.xpath(".//ul[@class='figures']/li")]
    assert tiles == ["12件代表建议", "7件已答复", "57.1%解决率", "83.3%满意率"]
    # status: numbers drawn in the SVG and the same numbers in the table beside it
    assert svg_texts(doc, "session-status") == [
        "2 件（16.7%）", "已提交", "1 件（8.3%）", "已交办", "2 件（16.7%）", "办理中", "7 件（58.3%）", "已答复"]
    assert table_rows(doc, "session-status") == [
        ["状态", "件数", "占比"], ["已提交", "2", "16.7%"], ["已交办", "1", "8.3%"], ["办理中", "2", "16.7%"],
        ["已答复", "7", "58.3%"], ["合计", "12", "100.0%"]]
    # result, with 解决率 = 4 / 7
    assert svg_texts(doc, "session-result") == [
        "解决率 57.1%", "A 已解决或采纳", "4 件（57.1%）", "B 列入计划逐步解决", "2 件（28.6%）",
        "C 因条件限制留作参考", "1 件（14.3%）"]
    assert table_rows(doc, "session-result")[1:] == [
        ["A 已解决或采纳", "4", "57.1%"], ["B 列入计划逐步解决", "2", "28.6%"], ["C 因条件限制留作参考", "1", "14.3%"],
        ["已答复合计", "7", "100.0%"], ["解决率（A类）", "4", "57.1%"]]
    assert "解决率 = A（已解决或采纳）件数 ÷ 已答复件数 = 4 ÷ 7" in text(doc.xpath("//figure[@id='session-result']")[0])
    # satisfaction, with 满意率 = (3 + 2) / 6 rated
    assert svg_texts(doc, "session-satisfaction") == [
        "满意率 83.3%", "3 件（50.0%）", "满意", "2 件（33.3%）", "基本满意", "1 件（16.7%）", "不满意"]
    assert table_rows(doc, "session-satisfaction")[1:] == [
        ["满意", "3", "50.0%"], ["基本满意", "2", "33.3%"], ["不满意", "1", "16.7%"], ["已评价合计", "6", "100.0%"],
        ["满意率（满意＋基本满意）", "5", "83.3%"]]
    assert "另有 1 件已答复、尚未评价，不计入" in text(doc.xpath("//figure[@id='session-satisfaction']")[0])
    # topics: suggestions and voices of the session (the draft counts nowhere; untagged under 其他)
    assert table_rows(doc, "session-topics")[1:] == [
        ["医疗卫生", "4", "2"], ["交通出行", "5", "1"], ["教育", "3", "0"], ["其他", "2", "1"]]
    assert "建议 5 件" in svg_texts(doc, "session-topics") and "心声 2 条" in svg_texts(doc, "session-topics")


def test_every_chart_is_accessible(site):
    for url, prefix in (("sessions/1-1", "session"), ("suggestions", "all")):
        doc = page(site, url)
        svgs = doc.xpath("//*[local-name()='svg'][contains(@class,'chart-svg')]")
        assert len(svgs) == 4, url
        for svg in svgs:
            t_id, d_id = svg.get("aria-labelledby").split()
            assert svg.get("role") == "img" and t_id.startswith(prefix)
            assert svg.xpath(f"./*[local-name()='title'][@id='{t_id}']")[0].text
            assert svg.xpath(f"./*[local-name()='desc'][@id='{d_id}']")[0].text
            assert svg.xpath("./following-sibling::table[@class='chart-table']//th[@scope='row']")
        ids = doc.xpath("//@id")
        assert len(ids) == len(set(ids)), url


def test_session_page_keeps_its_election_figures(site):
    doc = page(site, "sessions/1-1")
    tiles = [text(li) for li in doc.xpath("//ul[@aria-label='会议数字']/li")]
    assert tiles == ["43.3万余名登记选民", "222名选出区人大代表"]
    assert doc.xpath("//section[@id='suggestions']//a[text()='查看本次会议全部 12 件代表建议']/@href") == ["suggestions/"]


def test_standing_committee_meeting_without_suggestions_has_no_summary(site):
    assert not page(site, "sessions/cw-1").xpath("//section[@id='suggestions']")


def test_overview_page_sums_up_every_session(site):
    doc = page(site, "suggestions")
    assert [text(h) for h in doc.xpath("//h1")] == ["代表建议"]
    section = doc.xpath("//section[@aria-labelledby='sessions-title']")[0]
    assert section.xpath(".//*[@class='item-title']/a/text()") == ["测试区第一届人民代表大会第一次会议"]
    assert section.xpath(".//*[@class='item-title']/a/@href") == ["../sessions/1-1/suggestions/"]
    facts = [(text(d.xpath("dt")[0]), text(d.xpath("dd")[0])) for d in section.xpath(".//dl/div")]
    assert facts == [("建议", "12 件"), ("已答复", "7 件"), ("解决率", "57.1%"), ("满意率", "83.3%")]
    assert "解决率 57.1%" in svg_texts(doc, "all-result") and "满意率 83.3%" in svg_texts(doc, "all-satisfaction")
    assert doc.xpath("//nav[@aria-label='主导航']//a[@aria-current='page']/text()") == ["代表建议"]


# -- people, topics, feeds ------------------------------------------------------------------------

def test_person_page_lists_suggestions_led_and_cosigned(site):
    doc = page(site, "deputies/zhang-ming-hua")
    section = doc.xpath("//section[@aria-labelledby='suggestions-title']")[0]
    groups = {text(h): [a.text for a in h.xpath("following-sibling::div[1]//*[@class='item-title']/a")]
              for h in section.xpath("h3")}
    assert groups == {"领衔提出（3 件）": ["关于增设夜间门诊的建议", "关于社区医生培训的建议", "关于医联体建设的建议"],
                      "附议（2 件）": ["关于优化公交线路的建议", "关于学校周边交通的建议"]}
    assert "会议" in text(section.xpath(".//li")[0])  # each item names its session
    related = doc.xpath("//section[@aria-labelledby='related-title']")[0]
    assert "建议" not in text(related)  # not mixed into the voices, reports and news
    assert not page(site, "deputies/chen-wei-yuan").xpath("//section[@aria-labelledby='suggestions-title']")


def test_topic_pages_list_suggestions_with_their_status(site):
    doc = page(site, "topics/jiao-yu")
    items = [li for li in doc.xpath("//li[contains(@class,'item-suggestions')]")]
    assert len(items) == 3
    assert any("办理状态：已答复" in text(li) for li in items)


def test_suggestions_are_in_the_site_feed(site):
    feed = (site / "feeds/all.xml").read_text(encoding="utf-8")
    assert "<title>关于增设夜间门诊的建议</title>" in feed and "关于草稿的建议" not in feed


# ---------------------------------------------------------------------------------------------
# Validation: every rule, with its Chinese message naming file, line, field and fix; all in one run
# ---------------------------------------------------------------------------------------------

BAD_PEOPLE = {
    "content/deputies/zhang-ming-hua.md": "---\nname: 张明华\nrole: 人大代表\n---\n",
    "content/deputies/wang-fang-1.md": "---\nname: 王芳\nrole: 人大代表\n---\n",
    "content/deputies/wang-fang-2.md": "---\nname: 王芳\nrole: 人大代表\n---\n",
    "content/deputies/chen-wei-yuan.md": "---\nname: 陈委员\nrole: 政协委员\n---\n",
}


def bad(name: str, *fields: str) -> tuple[str, str]:
    """A suggestion whose front matter holds `fields` in order: line 2 is the title, line 3 the session."""
    return f"content/suggestions/{name}.md", "\n".join(["---", f"title: 关于{name}的建议", "session: 1-1",
                                                        *fields, "---", "正文。"]) + "\n"


BAD_FILES = {**BAD_PEOPLE, "content/sessions/1-1.md": SESSIONS["content/sessions/1-1.md"], **dict([
    bad("result-early", "status: 办理中", "result: A"),
    bad("satisfaction-early", "status: 已交办", "satisfaction: 满意"),
    bad("answered-early", "answered: 2026-03-01"),
    bad("no-date", "status: 已答复", "result: A"),
    bad("no-result", "status: 已答复", "answered: 2026-03-01"),
    bad("unknown-result", "status: 已答复", "answered: 2026-03-01", "result: D"),
    bad("before-session", "status: 已答复", "answered: 2025-12-31", "result: A"),
    bad("dup-a", "number: 7"),
    bad("dup-b", "number: 7"),
    bad("zero", "number: 0"),
    bad("unknown-deputy", "deputies: [张明华, 赵六]"),
    bad("ambiguous", "deputies: [王芳]"),
    bad("member", "deputies:", "  - 陈委员"),
    bad("bad-status", "status: 已办结"),
    bad("bad-satisfaction", "status: 已答复", "answered: 2026-03-01", "result: B", "satisfaction: 很满意"),
])}

EXPECTED_ERRORS = [
    "content/suggestions/result-early.md:5: 错误: 字段 result：只有已答复的建议才有办理结果，本建议的状态是“办理中”。"
    " 改法：若已答复，把 status 改为 已答复 并写明 answered 和 result；若尚未答复，删去 result。",
    "content/suggestions/satisfaction-early.md:5: 错误: 字段 satisfaction：只有已答复的建议才有满意度，本建议的状态是“已交办”。"
    " 改法：若已答复，把 status 改为 已答复 并写明 answered 和 result；若尚未答复，删去 satisfaction。",
    "content/suggestions/answered-early.md:4: 错误: 字段 answered：只有已答复的建议才有答复日期，本建议的状态是“已提交”。"
    " 改法：若已答复，把 status 改为 已答复 并写明 answered 和 result；若尚未答复，删去 answered。",
    "content/suggestions/no-date.md:4: 错误: 字段 answered：状态为已答复的建议必须写答复日期。"
    " 改法：加上 answered: YYYY-MM-DD（答复日期，不早于会议开幕日）。",
    "content/suggestions/no-result.md:4: 错误: 字段 result：状态为已答复的建议必须写办理结果。"
    " 改法：加上 result: A；可用的分类：A（已解决或采纳）、B（列入计划逐步解决）、C（因条件限制留作参考）。",
    "content/suggestions/unknown-result.md:6: 错误: 字段 result：办理结果“D”不是本站的分类。"
    " 改法：只能写 A（已解决或采纳）、B（列入计划逐步解决）、C（因条件限制留作参考）；分类在 site.yaml 的 suggestion_results 中声明。",
    "content/suggestions/before-session.md:5: 错误: 字段 answered：答复日期 2025-12-31 早于会议开幕日 2026-01-10。"
    " 改法：答复不会早于提出建议的会议（测试区第一届人民代表大会第一次会议）：检查 answered 或 session。",
    "content/suggestions/dup-b.md:4: 错误: 字段 number：编号 7 在会议“1-1”中已被 content/suggestions/dup-a.md 使用。"
    " 改法：同一次会议中每个编号只用一次：改正其中一个文件的 number。",
    "content/suggestions/zero.md:4: 错误: 字段 number：编号应是正整数，现在是 0。"
    " 改法：写建议的编号，如 number: 12；没有编号就删去这一行。",
    "content/suggestions/unknown-deputy.md:4: 错误: 字段 deputies：deputies/ 中找不到名为或 id 为“赵六”的人大代表。"
    " 改法：先在 content/deputies/ 中为此人建立文件，或改写已有人大代表的 id 或姓名。",
    "content/suggestions/ambiguous.md:4: 错误: 字段 deputies：有 2 位同名的人大代表“王芳”：wang-fang-1、wang-fang-2。"
    " 改法：改写其中一位的 id（wang-fang-1、wang-fang-2 之一）。",
    "content/suggestions/member.md:5: 错误: 字段 deputies：“陈委员”是政协委员（content/deputies/chen-wei-yuan.md），不是人大代表。"
    " 改法：代表建议由人大代表提出：改写一位人大代表的 id 或姓名。",
    "content/suggestions/bad-status.md:4: 错误: 字段 status：“已办结”不是可用的值。 改法：只能写 已提交 或 已交办 或 办理中 或 已答复。",
    "content/suggestions/bad-satisfaction.md:7: 错误: 字段 satisfaction：“很满意”不是可用的值。 改法：只能写 满意 或 基本满意 或 不满意。",
]


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    root = write_site(tmp_path_factory.mktemp("bad") / "site", BAD_FILES, SITE_YAML)
    out = root.parent / "public"
    return run_build(root, out=out), out


def test_bad_suggestions_stop_the_build_and_publish_nothing(bad_build):
    result, out = bad_build
    assert result.returncode == 1
    assert not out.exists()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("line", EXPECTED_ERRORS, ids=[e.split(":")[0].split("/")[-1] for e in EXPECTED_ERRORS])
def test_every_rule_has_its_message(bad_build, line):
    result, _ = bad_build
    assert line in result.stderr.splitlines(), result.stderr


def test_every_problem_is_reported_in_one_run(bad_build):
    result, _ = bad_build
    errors = [line for line in result.stderr.splitlines() if ": 错误: " in line]
    assert len(errors) == len(EXPECTED_ERRORS), "\n".join(errors)
    assert f"发现 {len(EXPECTED_ERRORS)} 个错误，网站没有发布" in result.stderr


# ---------------------------------------------------------------------------------------------
# A site's own result scheme; figures with nothing to count
# ---------------------------------------------------------------------------------------------

SCHEME_YAML = SITE_YAML + """\
suggestion_results:
  - {code: 甲, label: 已经解决, solved: true}
  - {code: 乙, label: 基本解决, solved: true}
  - {code: 丙, label: 留作参考}
"""

SCHEME_FILES = {
    **PEOPLE, **SESSIONS,
    "content/sessions/2-1.md": "---\ntitle: 测试区第二届人民代表大会第一次会议\nstart: 2026-09-01\nend: 2026-09-03\n---\n",
    **dict([
        suggestion("k1", "关于甲类的建议", 1, "[张明华]", "已答复", "answered: 2026-03-01\nresult: 甲"),
        suggestion("k2", "关于乙类的建议", 2, "[张明华]", "已答复", "answered: 2026-03-01\nresult: 乙"),
        suggestion("k3", "关于丙类的建议", 3, "[张明华]", "已答复", "answered: 2026-03-01\nresult: 丙"),
        suggestion("k4", "关于未答复的建议", 4, "[张明华]", ""),
    ]),
}


@pytest.fixture(scope="module")
def scheme_site(tmp_path_factory) -> Path:
    root = write_site(tmp_path_factory.mktemp("scheme") / "site", SCHEME_FILES, SCHEME_YAML)
    out = root.parent / "public"
    result = run_build(root, out=out)
    assert result.returncode == 0, result.stderr
    return out


def test_a_sites_own_scheme_counts_its_solved_classes(scheme_site):
    doc = page(scheme_site, "sessions/1-1")
    assert svg_texts(doc, "session-result")[0] == "解决率 66.7%"  # 甲 + 乙 of 3 answered
    assert table_rows(doc, "session-result")[1:] == [
        ["甲 已经解决", "1", "33.3%"], ["乙 基本解决", "1", "33.3%"], ["丙 留作参考", "1", "33.3%"],
        ["已答复合计", "3", "100.0%"], ["解决率（甲、乙类）", "2", "66.7%"]]
    assert page(scheme_site, "suggestions/k2").xpath("//dt[text()='办理结果']/following-sibling::dd/text()") == ["乙类：基本解决"]
    for slug, label in (("jia", "甲 已经解决"), ("yi", "乙 基本解决"), ("bing", "丙 留作参考")):
        assert text(page(scheme_site, f"sessions/1-1/suggestions/result/{slug}").xpath("//h1")[0]).endswith(label)


def test_answered_but_unrated_says_so_instead_of_an_empty_chart(scheme_site):
    doc = page(scheme_site, "suggestions")  # the overview says why; the session page leaves it out (issue #20)
    figure = doc.xpath("//figure[@id='all-satisfaction']")[0]
    assert not figure.xpath(".//*[local-name()='svg']") and not figure.xpath(".//table")
    assert text(figure.xpath(".//p[@class='chart-empty']")[0]) == "已答复的 3 件建议，代表还没有评价办理结果，暂无满意率。"
    assert "满意率（尚无评价）" in text(doc.xpath("//ul[@class='figures']")[0])
    session = page(scheme_site, "sessions/1-1").xpath("//section[@id='suggestions']")[0]
    assert not session.xpath(".//figure[@id='session-satisfaction']") and not session.xpath(".//*[@class='chart-empty']")
    assert "满意率" not in text(session.xpath(".//ul[@class='figures']")[0]) and "—" not in text(session)


def test_a_plenary_session_without_suggestions_shows_no_empty_block(scheme_site):
    assert not page(scheme_site, "sessions/2-1").xpath("//section[@id='suggestions']")  # nothing to show (#20)
    assert not (scheme_site / "sessions/2-1/suggestions").exists()


def test_nothing_answered_says_so_for_results_and_satisfaction(tmp_path):
    files = {**PEOPLE, **SESSIONS, **dict([suggestion("n1", "关于未答复的建议", 1, "[张明华]", "办理中")])}
    root = write_site(tmp_path / "site", files, SITE_YAML)
    result = run_build(root, out=tmp_path / "public")
    assert result.returncode == 0, result.stderr
    doc = page(tmp_path / "public", "suggestions")
    for fid, sentence in (("all-result", "还没有已答复的建议，暂无办理结果和解决率可以统计。"),
                          ("all-satisfaction", "还没有已答复的建议，暂无满意度和满意率可以统计。")):
        figure = doc.xpath(f"//figure[@id='{fid}']")[0]
        assert not figure.xpath(".//*[local-name()='svg']")
        assert text(figure.xpath(".//p[@class='chart-empty']")[0]) == sentence
    status = doc.xpath("//figure[@id='all-status']")[0]  # one status: said, not drawn as one bar of 100%
    assert not status.xpath(".//*[local-name()='svg']") and text(status.xpath(".//p[@class='chart-empty']")[0]) == "1 件建议均为“办理中”。"


def test_a_site_without_suggestions_has_no_suggestions_column(tmp_path):
    """A column without content is neither in the navigation nor published as an empty page (#18)."""
    root = write_site(tmp_path / "site", {**PEOPLE, **SESSIONS}, SITE_YAML)
    result = run_build(root, out=tmp_path / "public")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "public" / "suggestions").exists()
    home = page(tmp_path / "public", "")
    assert "代表建议" not in home.xpath("//nav[@aria-label='主导航']//a/text()")
    assert "会议" in home.xpath("//nav[@aria-label='主导航']//a/text()")


# ---------------------------------------------------------------------------------------------
# The real Qiantang site: the suggestions the source names, and nothing invented
# ---------------------------------------------------------------------------------------------

REAL = {
    "qi-ge-gong-yuan-ti-sheng-gai-zao": "关于七格公园的提升改造",
    "chan-ye-gong-ren-ji-neng-ti-sheng": "关于钱塘区产业工人技能提升的建议",
    "yin-sha-lu-ji-shui-yu-guan-tong": "关于解决银沙路雨天积水严重及银沙路与迎宾路贯通问题的建议",
    "xia-sha-he-qu-pei-shui-yu-ji": "关于下沙区块河渠配水、淤积的建议",
    "lao-jiu-xiao-qu-dian-ti-an-zhuang": "关于推进老旧小区电梯安装的建议",
}


def test_real_site_has_the_suggestions_of_the_source(real_site):
    for slug, title in REAL.items():
        doc = page(real_site, f"suggestions/{slug}")
        assert text(doc.xpath("//h1")[0]) == title
        facts = {text(d.xpath("dt")[0]): text(d.xpath("dd")[0]) for d in doc.xpath("//dl[contains(@class,'suggestion-facts')]/div")}
        assert facts["办理状态"] == "已提交"  # the source says nothing of how they were handled
        assert not {"编号", "主办单位", "答复日期", "办理结果", "代表满意度"} & set(facts)
        assert facts.get("领衔代表") == ("王爽" if slug.startswith("qi-ge") else None)
        assert ("提出代表" in facts) == (not slug.startswith("qi-ge"))
    wang = page(real_site, "deputies/wang-shuang")
    assert wang.xpath("//section[@aria-labelledby='suggestions-title']//*[@class='item-title']/a/text()") == [REAL["qi-ge-gong-yuan-ti-sheng-gai-zao"]]
    session = page(real_site, "sessions/1-1")
    block = session.xpath("//section[@id='suggestions']")[0]  # nothing answered: no empty charts, no dashes (#20)
    assert "本次会议公开代表建议 5 件，均为“已提交”。" in text(block)
    assert not block.xpath(".//figure[@id='session-status' or @id='session-result' or @id='session-satisfaction']")
    assert not block.xpath(".//*[@class='chart-empty']") and "—" not in text(block) and "0.0%" not in text(block)
    assert [text(li) for li in session.xpath("//ul[@aria-label='会议数字']/li")][0] == "43.3万余名登记选民"


def test_suggestions_are_searchable_like_other_content(site):
    import discovery_checks
    record = discovery_checks.fragments(site)["suggestions/s01/"]
    assert record["k"] == "代表建议" and "张明华" in record["p"]
    terms = discovery_checks.index_terms(site)
    assert record["id"] in terms["医疗"]
    # the session page's charts and tables are not the session's text
    session = discovery_checks.fragments(site)["sessions/1-1/"]
    assert "解决率" not in session["x"] and session["id"] not in terms.get("解决", {})


def test_doubtful_suggestions_build_with_warnings(tmp_path):
    files = {**PEOPLE, **SESSIONS, **dict([
        suggestion("w1", "关于提前写答复的建议", 1, "[张明华, 张明华]", "办理中", body="正文。\n\n## 答复\n\n已答复。\n"),
        suggestion("w2", "关于状态写错的建议", 2, "", "已办结", "result: A"),
    ])}
    root = write_site(tmp_path / "site", files, SITE_YAML)
    result = run_build(root, out=tmp_path / "public")
    lines = result.stderr.splitlines()
    assert "content/suggestions/w1.md:6: 警告: 字段 status：正文有“## 答复”一节，但状态是“办理中”，答复不会显示。" \
           " 改法：答复后把 status 改为 已答复。" in lines
    assert "content/suggestions/w1.md:5: 警告: 字段 deputies：deputies 中有人写了不止一次，已只算一次。" \
           " 改法：每人只写一次，领衔人写在最前。" in lines
    # one mistake, one message: a wrong status does not also make its result an error
    errors = [line for line in lines if ": 错误: " in line]
    assert errors == ["content/suggestions/w2.md:5: 错误: 字段 status：“已办结”不是可用的值。"
                      " 改法：只能写 已提交 或 已交办 或 办理中 或 已答复。"]
