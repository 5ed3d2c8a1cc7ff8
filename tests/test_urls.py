"""Unit tests of the two pure modules every page goes through: urls.py (slugs and links)
and markdown.py (safe HTML, one <h1>, Chinese line joins, summaries). No disk, no build."""

from __future__ import annotations

import posixpath
import re

import pytest

from generator.model.markdown import MarkdownRenderer, cut, finalize, split_target, summary_text
from generator.model.urls import entry_url, list_url, output_path, relative, slugify

SLUG = re.compile(r"^[a-z0-9-]+$")


# ---------------------------------------------------------------------------------------------
# slugify: the URL of anything an editor names
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, slug", [
    ("周道杨", "zhou-dao-yang"),  # the contract's own example
    ("王佳杭", "wang-jia-hang"),
    ("2021年工作报告", "2021-nian-gong-zuo-bao-gao"),  # digits kept, Chinese in pinyin
    ("王佳杭-医疗产业", "wang-jia-hang-yi-liao-chan-ye"),  # mixed with a hyphen
    ("第一届人大 第1次会议", "di-yi-jie-ren-da-di-1-ci-hui-yi"),
    ("重庆", "chong-qing"),  # heteronyms read in context
    ("Hello World", "hello-world"),  # lowercase, space -> hyphen
    ("a__b..c", "a-b-c"),  # runs of other characters -> one hyphen
    ("  空格  ", "kong-ge"),  # no hyphens at the ends
    ("Crème brûlée", "creme-brulee"),  # accents folded to ASCII
    ("ＡＢＣ１２３", "abc123"),  # full-width letters and digits folded
])
def test_slugify_gives_readable_ascii(text, slug):
    assert slugify(text) == slug


@pytest.mark.parametrize("kept", ["1-1", "work-report-2021", "li-ming", "a", "2021"])
def test_slugify_keeps_an_id_that_already_keeps_the_slug_rule(kept):
    assert slugify(kept) == kept


@pytest.mark.parametrize("text", ["", "！？。", "——", "《》", "🙂", "   "])
def test_slugify_of_nothing_spellable_is_still_a_valid_stable_slug(text):
    slug = slugify(text)
    assert SLUG.match(slug), slug
    assert slug == slugify(text)  # stable: the same text always gets the same URL


def test_slugify_tells_different_unspellable_texts_apart():
    assert slugify("！？。") != slugify("《》")


@pytest.mark.parametrize("text", ["周道杨", "Hello, 世界!", "两会·观察员", "A/B\\C", "x" * 200 + "中", "第12号"])
def test_slugify_output_always_keeps_the_rule(text):
    slug = slugify(text)
    assert SLUG.match(slug) and slug.isascii() and not slug.startswith("-") and not slug.endswith("-")
    assert len(slug) <= 80


# ---------------------------------------------------------------------------------------------
# URLs, output paths and relative links
# ---------------------------------------------------------------------------------------------

def test_entry_and_list_urls_are_pretty():
    assert entry_url("voices", "zhou-dao-yang") == "voices/zhou-dao-yang/"
    assert entry_url("pages", "about") == "about/"  # standalone pages live at the root
    assert list_url("news") == "news/"
    assert list_url("news", 2) == "news/page/2/"
    assert list_url("topics/jiao-yu", 3) == "topics/jiao-yu/page/3/"
    assert output_path("") == "index.html"
    assert output_path("voices/x/") == "voices/x/index.html"
    assert output_path("404.html") == "404.html"
    assert output_path("sessions/1-1/voices.csv") == "sessions/1-1/voices.csv"


@pytest.mark.parametrize("target, current, expected", [
    ("", "", "./"),  # home from home
    ("voices/a/", "", "voices/a/"),
    ("", "voices/a/", "../../"),
    ("voices/a/", "voices/b/", "../a/"),
    ("voices/a/", "voices/a/", "./"),
    ("voices/a/#x", "voices/a/", "#x"),  # a fragment on the same page
    ("news/n/#di-er-bu-fen", "reports/r/", "../../news/n/#di-er-bu-fen"),
    ("media/people/zhou.png", "deputies/zhou/", "../../media/people/zhou.png"),
    ("static/site.css?v=0123456789", "voices/a/", "../../static/site.css?v=0123456789"),
    ("voices/", "voices/page/2/", "../../"),
    ("voices/page/3/", "voices/page/2/", "../3/"),
    ("topics/jiao-yu/page/2/", "topics/jiao-yu/", "page/2/"),
    ("about/", "", "about/"),
    ("a/", "a/b/c.html", "../"),  # from a file URL, its folder counts
    ("sessions/1-1/voices.csv", "sessions/1-1/", "voices.csv"),
    ("404.html", "", "404.html"),
    ("", "404.html", "./"),
])
def test_relative_links(target, current, expected):
    assert relative(target, current) == expected


@pytest.mark.parametrize("current", ["", "about/", "voices/a/", "voices/page/2/", "topics/x/page/3/",
                                     "sessions/1-1/suggestions/status/answered/"])
@pytest.mark.parametrize("target", ["", "about/", "voices/a/", "news/page/2/", "media/x/y.pdf",
                                    "sessions/1-1/voices.json", "deputies/wang-shuang/"])
def test_relative_links_resolve_back_to_their_target(target, current):
    """What a browser makes of the link, from the page's folder, is the target: never rooted."""
    link = relative(target, current)
    assert not link.startswith("/") and "://" not in link
    resolved = posixpath.normpath(posixpath.join(current or ".", link))
    resolved = "" if resolved == "." else resolved
    want = target.rstrip("/")
    assert resolved == want, (target, current, link)
    assert link.endswith("/") == (target.endswith("/") or target == "")  # pretty URLs stay folders


# ---------------------------------------------------------------------------------------------
# split_target: which Markdown links point at files of the site
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, expected", [
    ("../../reports/work-report-2021.md", ("content/reports/work-report-2021.md", "")),
    ("../../news/x.md#di-er-bu-fen", ("content/news/x.md", "di-er-bu-fen")),
    ("%E7%8E%8B%E7%88%BD.md", ("content/voices/2021/王爽.md", "")),  # percent-encoded Chinese
    ("../../../media/a.pdf", ("media/a.pdf", "")),  # relative to the file, like content links
    ("/media/a.pdf", ("media/a.pdf", "")),  # from the site folder
    ("https://www.gov.cn/", None),
    ("mailto:rd@example.gov.cn", None),
    ("#top", None),
])
def test_split_target(url, expected):
    assert split_target("content/voices/2021/x.md", url) == expected


# ---------------------------------------------------------------------------------------------
# markdown.py: sanitising
# ---------------------------------------------------------------------------------------------

def keep(attr: str, url: str) -> str:
    return url


def test_script_is_removed_with_its_content():
    out = finalize('<p>前</p><script>alert("x")</script><p>后</p>', keep)
    assert "<script" not in out and "alert" not in out
    assert "<p>前</p>" in out and "<p>后</p>" in out


@pytest.mark.parametrize("raw", [
    '<img src="a.png" alt="图" onerror="alert(1)">',
    '<p onclick="alert(1)" onmouseover="alert(2)">文字</p>',
    '<a href="x/" onfocus="alert(1)">文字</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<body onload="alert(1)">文字</body>',
])
def test_event_handlers_are_removed(raw):
    out = finalize(raw, keep)
    assert not re.search(r"\son\w+\s*=", out), out
    assert "alert" not in out


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "jav&#x09;ascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
])
def test_unsafe_link_schemes_are_removed_and_the_text_stays_plain(url):
    out = finalize(f'<p><a href="{url}">点这里</a></p>', keep)
    assert "javascript" not in out.lower() and "data:" not in out and "vbscript" not in out
    assert out == "<p>点这里</p>"  # no <a> left that would look like a link and lead nowhere


def test_data_urls_in_images_are_removed():
    out = finalize('<img src="data:image/svg+xml;base64,PHN2Zy8+" alt="x">', keep)
    assert "data:" not in out


def test_style_attributes_and_elements_are_removed():
    out = finalize('<p style="color:red;position:fixed">字</p><style>p{display:none}</style>'
                   '<table><tr><td style="text-align: center; background: url(x)">格</td></tr></table>', keep)
    assert '<p>字</p>' in out and "<td>格</td>" in out
    assert "<style" not in out and "display:none" not in out
    assert "style=" not in out and "background" not in out


def test_iframes_forms_and_objects_are_removed():
    out = finalize('<iframe src="https://evil.example/"></iframe><form action="x"><input name="a"></form>'
                   '<object data="x.swf"></object><embed src="x.swf">', keep)
    for tag in ("<iframe", "<form", "<input", "<object", "<embed"):
        assert tag not in out


def test_safe_html_is_kept():
    raw = ('<div class="note"><p>一段<strong>重要</strong>的<em>说明</em>。</p>'
           '<table><thead><tr><th>项目</th></tr></thead><tbody><tr><td>数值</td></tr></tbody></table>'
           '<a href="https://www.gov.cn/" title="中国政府网">中国政府网</a></div>')
    out = finalize(raw, keep)
    assert '<div class="note">' in out and "<strong>重要</strong>" in out and "<em>说明</em>" in out
    assert "<table>" in out and "<th>项目</th>" in out
    assert '<a href="https://www.gov.cn/" title="中国政府网">中国政府网</a>' in out


def test_every_link_goes_through_the_resolver_and_a_dropped_one_becomes_text():
    seen = []

    def resolver(attr: str, url: str) -> str | None:
        seen.append((attr, url))
        return None if url.endswith("draft.md") else "resolved/" + url

    out = finalize('<p><a href="a.md">甲</a> <a href="draft.md">乙</a> <img src="p.png" alt="图"></p>', resolver)
    assert seen == [("href", "a.md"), ("href", "draft.md"), ("src", "p.png")]
    assert '<a href="resolved/a.md">甲</a>' in out and '<img src="resolved/p.png" alt="图">' in out
    assert " 乙 " in out and "<a>" not in out


def test_named_anchors_survive():
    out = finalize('<p><a id="di-yi-tiao">第一条</a></p>', keep)
    assert '<a id="di-yi-tiao">第一条</a>' in out


# ---------------------------------------------------------------------------------------------
# markdown.py: Markdown conversion
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def md() -> MarkdownRenderer:
    return MarkdownRenderer()


def test_headings_are_demoted_so_the_page_keeps_one_h1(md):
    out = finalize(md.convert("# 一级\n\n正文\n\n## 二级\n\n### 三级\n\n###### 六级\n").html, keep)
    assert "<h1" not in out
    assert re.findall(r"<h(\d)", out) == ["2", "3", "4", "6"]  # h6 cannot go lower
    assert re.findall(r"</h(\d)>", out) == ["2", "3", "4", "6"]


def test_raw_html_h1_is_demoted_too(md):
    out = finalize(md.convert('<h1>原始</h1>\n\n正文\n').html, keep)
    assert "<h1" not in out and "<h2>原始</h2>" in out


def test_headings_without_h1_stay_as_written(md):
    out = finalize(md.convert("## 坚持党的领导\n\n正文\n\n### 小节\n").html, keep)
    assert re.findall(r"<h(\d)", out) == ["2", "3"]


def test_heading_ids_are_ascii_pinyin(md):
    rendered = md.convert("## 前期工作回顾\n\n正文\n")
    assert '<h2 id="qian-qi-gong-zuo-hui-gu">前期工作回顾</h2>' in rendered.html
    assert rendered.toc == ((2, "qian-qi-gong-zuo-hui-gu", "前期工作回顾"),)


@pytest.mark.parametrize("source, joined", [
    ("人大代表\n周道杨说", "人大代表周道杨说"),  # no stray space between two Chinese lines
    ("第一句，\n第二句。", "第一句，第二句。"),  # Chinese punctuation joins too
    ("他说：“要办好教育”\n这是心里话。", "他说：“要办好教育”这是心里话。"),  # curly quotes are Chinese punctuation here
    ("代表委员……\n群众", "代表委员……群众"),
    ("一\n二\n三", "一二三"),  # one-character lines: every break goes
    ("钱塘区——\n智涌钱塘", "钱塘区——智涌钱塘"),
])
def test_chinese_lines_are_joined_without_a_space(md, source, joined):
    assert md.convert(source).html == f"<p>{joined}</p>"


def test_english_lines_keep_their_break(md):
    assert md.convert("hello\nworld").html == "<p>hello\nworld</p>"
    assert md.convert("代表\nWang").html == "<p>代表\nWang</p>"  # mixed: a space is right here


def test_paragraphs_stay_apart(md):
    assert md.convert("第一段\n\n第二段").html == "<p>第一段</p>\n<p>第二段</p>"


# ---------------------------------------------------------------------------------------------
# summaries: the first paragraph, cut to about 120 characters
# ---------------------------------------------------------------------------------------------

def test_summary_is_the_first_paragraph_as_plain_text():
    html = '<p>人大代表<a href="x/">周道杨</a>说：&ldquo;好&rdquo; &amp; 对。</p><p>第二段。</p>'
    assert summary_text(html) == "人大代表周道杨说：\u201c好\u201d & 对。"


def test_short_summary_is_not_cut():
    text = "字" * 120
    assert summary_text(f"<p>{text}</p>") == text


def test_long_summary_is_cut_to_about_120_characters():
    text = "钱塘区人大代表围绕民生实事建言献策" * 20
    summary = summary_text(f"<p>{text}</p>")
    assert summary.endswith("…")
    assert 80 <= len(summary) <= 121
    assert text.startswith(summary[:-1])


def test_long_summary_is_cut_at_a_sentence_end_when_one_is_near():
    text = "甲" * 100 + "。" + "乙" * 100
    assert cut(text) == "甲" * 100 + "。…"
    far = "甲" * 20 + "。" + "乙" * 200  # a sentence end too early is not used
    assert len(cut(far)) == 121 and cut(far).endswith("…")


def test_cut_drops_a_trailing_comma():
    text = "甲" * 119 + "，" + "乙" * 50
    assert cut(text) == "甲" * 119 + "…"


def test_a_salutation_or_an_image_is_not_the_summary():
    html = '<p><img src="a.png" alt="会场"></p><p>各位代表：</p><p>现在，我代表区人大常委会向大会报告工作。</p>'
    assert summary_text(html) == "现在，我代表区人大常委会向大会报告工作。"
    assert summary_text("<p>各位代表：</p>") == "各位代表："  # nothing else: still something
    long_lead = "<p>会议期间，代表们围绕以下几个方面提出了很多意见和建议：</p><p>一是……</p>"
    assert summary_text(long_lead).startswith("会议期间")  # a sentence, not a salutation


def test_a_cut_inside_a_quotation_closes_it():
    said = "甲" * 90 + "说：“" + "乙" * 20 + "满足需要。”" + "丙" * 60
    assert cut(said) == "甲" * 90 + "说：“" + "乙" * 20 + "满足需要。”…"
    assert cut("甲" * 119 + "“乙乙”" + "丙" * 50) == "甲" * 119 + "…"  # not 甲“…”
    open_quote = "甲" * 100 + "：“" + "乙" * 100
    assert cut(open_quote).endswith("乙…”") and cut(open_quote).count("“") == cut(open_quote).count("”")


def test_no_paragraph_no_summary():
    assert summary_text("<h2>只有标题</h2>") == ""


def test_a_contents_list_nests_sub_headings_under_their_heading():
    from generator.pages.render import outline
    toc = [(2, "a", "一、甲"), (3, "a1", "（一）"), (3, "a2", "（二）"), (2, "b", "二、乙")]
    assert outline(toc) == [((2, "a", "一、甲"), [(3, "a1", "（一）"), (3, "a2", "（二）")]), ((2, "b", "二、乙"), [])]
    assert outline([(3, "x", "开头的小标题"), (2, "a", "甲")]) == [(None, [(3, "x", "开头的小标题")]), ((2, "a", "甲"), [])]
    assert outline([]) == []


@pytest.mark.parametrize("text, kept", [
    ("#*0**0*<??>", "<??>"),  # the fuzz run's find: emphasis ate the \x02 of a raw-HTML placeholder
    ("段落 *a**b*<span>x</span> 尾", "<span>x</span>"),
    ("**0*<b>粗</b>*", "<b>粗</b>"),
])
def test_no_markdown_placeholder_is_left_in_the_html(md, text, kept):
    out = md.convert(text).html
    assert "\x02" not in out and "\x03" not in out and "klzzwxh:" not in out
    assert kept in out  # the raw HTML behind the placeholder is put back, not lost
