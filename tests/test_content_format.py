"""The content format (/work/shared/content-format.md), rule by rule, on a site written by a stranger.

The site below was written against content-format.md only: two sessions and a
standing-committee meeting (one in a sub-folder), a session still to come; deputies and
members with Chinese and ASCII ids, one in a sub-folder, one with an explicit slug, two
people of one name in different roles, one draft; citizens; drafts and future-dated
items; a sub-path base_url; raw HTML (hostile and harmless) in a news item; Markdown
links between content files, with fragments, and to media/; a file with a BOM and CRLF
line ends; `paginate: 2` so that every list has several pages.

It is built once per module with the real command line, for the day conftest.TODAY
(2026-11-27), twice at once: as published, and with --drafts.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import parse, run_build, tiny_png, write_site
from tests.link_checks import (broken_links, html_files, link_to, links, links_of, main, non_ascii_urls, page, site_url,
                               text, voice_index)

BASE_PATH = "/qu/renda/"

SITE_YAML = """\
title: 样例区人民代表大会常务委员会
base_url: https://www.example.org/qu/renda/
language: zh-CN
paginate: 2
topics:
  - 教育
  - 医疗卫生
  - 交通出行
footer:
  sponsor: 样例区人大常委会办公室
  icp: 浙ICP备12345678号
  site_code: "1234567890"
  police: 浙公网安备 33000000000001号
  contact: 地址：样例路1号　电话：0571-00000000
"""

LONG = ("建议在老城区新建三处社区卫生服务站，配齐全科医生和护士，让居民步行十五分钟就能看上病；"
        "同时推动区人民医院与社区卫生服务中心建立双向转诊通道，专家定期下沉坐诊，"
        "慢性病患者在家门口就能复诊取药，老年人和行动不便的居民还可以预约上门服务，"
        "把优质医疗资源真正送到百姓身边，这是群众最关心最直接最现实的利益问题之一。")

FILES = {
    # -- sessions: two published, one in the future --------------------------------------------
    "content/sessions/1-1.md": """
        ---
        title: 样例区第一届人民代表大会第一次会议
        start: 2021-07-19
        end: 2021-07-23
        place: 区行政中心大会堂
        ---
        会议听取和审议了区人大常委会工作报告。
        """,
    "content/sessions/1-2.md": """
        ---
        title: 样例区第一届人民代表大会第二次会议
        start: 2022-01-10
        end: 2022-01-12
        type: 人民代表大会
        ---
        第二次会议。
        """,
    "content/sessions/cwh/cwh-3.md": """
        ---
        title: 样例区人大常委会第三次会议
        start: 2021-09-28
        end: 2021-09-28
        type: 常委会会议
        ---
        常委会会议。
        """,
    "content/sessions/2-1.md": """
        ---
        title: 样例区第二届人民代表大会第一次会议
        start: 2027-01-10
        end: 2027-01-14
        ---
        尚未召开。
        """,
    # -- people: Chinese and ASCII ids, a sub-folder, an explicit slug, a shared name, a draft ---
    "content/deputies/周道杨.md": """
        ---
        name: 周道杨
        role: 人大代表
        occupation: 区人民医院副院长
        gender: 男
        ethnicity: 汉族
        party: 中共党员
        constituency: 第三选区
        photo: people/zhou.png
        ---
        长期从事医疗卫生工作。
        """,
    "content/deputies/li-ming.md": """
        ---
        name: 李明
        role: 人大代表
        occupation: 社区工作者
        ---
        社区工作者。
        """,
    "content/deputies/xiasha/王爽.md": """
        ---
        name: 王爽
        role: 人大代表
        ---
        下沙街道的区人大代表。
        """,
    "content/deputies/张华.md": """
        ---
        name: 张华
        role: 政协委员
        slug: zhang-hua-weiyuan
        ---
        政协委员。
        """,
    "content/deputies/chen-hong-a.md": """
        ---
        name: 陈红
        role: 人大代表
        ---
        人大代表陈红。
        """,
    "content/deputies/chen-hong-b.md": """
        ---
        name: 陈红
        role: 政协委员
        ---
        政协委员陈红。
        """,
    "content/deputies/qian-qi.md": """
        ---
        name: 钱七
        role: 人大代表
        draft: true
        ---
        还没有公开的代表。
        """,
    # -- voices ---------------------------------------------------------------------------------
    "content/voices/2021/zhou-yi-liao.md": f"""
        ---
        title: 让群众在家门口看好病
        session: 1-1
        kind: 代表
        speaker: 周道杨
        topics: [交通出行, 医疗卫生]
        reporter: 记者 张华颖
        ---
        {LONG}

        第二段不进摘要。
        """,
    "content/voices/2021/li-ming-jiao-tong.md": """
        ---
        title: 缓解学校门口的交通拥堵
        session: 1-1
        kind: 代表
        speaker: li-ming
        topics: [交通出行]
        summary: 上下学高峰，校门口车多人多。
        ---
        建议错峰放学，增设临时停车位。
        """,
    "content/voices/2021/周道杨-建言.md": """
        ---
        title: 没有专题的一条代表心声
        session: 1-1
        kind: 代表
        speaker: 周道杨
        ---
        这条心声没有专题，应当出现在“其他”之下。
        """,
    "content/voices/2021/chen-hong-dai-biao.md": """
        ---
        title: 代表陈红谈教育
        session: 1-1
        kind: 代表
        speaker: 陈红
        topics: [教育]
        ---
        同名的人中，只有一位是人大代表。
        """,
    "content/voices/2021/zhang-hua-jiao-yu.md": """
        ---
        title: 办好人民满意的教育
        session: 1-1
        kind: 委员
        speaker: 张华
        topics: [教育]
        date: 2021-07-20
        ---
        政协委员张华建议扩大优质教育资源。
        """,
    "content/voices/2021/citizen-lv.md": """
        ---
        title: 办探索型未来学校
        session: 1-1
        kind: 市民
        speaker: 吕建生
        speaker_title: 文思小学校长
        topics: [教育]
        slug: wei-lai-xue-xiao
        ---
        我是文思小学的校长吕建生，希望继续办好教育。
        """,
    "content/voices/2021/citizen-li.md": """
        ---
        title: 市民李明说停车
        session: 1-1
        kind: 市民
        speaker: 李明
        speaker_title: 退休职工
        topics: [交通出行]
        ---
        只有一个人叫李明，所以链接到他。
        """,
    "content/voices/2021/citizen-chen.md": """
        ---
        title: 市民陈红说看病
        session: 1-1
        kind: 市民
        speaker: 陈红
        speaker_title: 社区居民
        topics: [医疗卫生]
        ---
        有两个人叫陈红，所以不链接。
        """,
    "content/voices/2021/links-to-unpublished.md": """
        ---
        title: 提到尚未发布内容的心声
        session: 1-1
        kind: 代表
        speaker: li-ming
        topics: [交通出行]
        ---
        参见[草稿心声](draft-voice.md)和[以后的会议](../../sessions/2-1.md)。
        也请看[王爽代表](../../deputies/xiasha/王爽.md)的介绍。
        """,
    "content/voices/2021/draft-voice.md": """
        ---
        title: 草稿中的心声
        session: 1-1
        kind: 代表
        speaker: li-ming
        draft: true
        ---
        草稿，不发布。
        """,
    "content/voices/2022/zhou-2022.md": """
        ---
        title: 加快区域医疗中心建设
        session: 1-2
        kind: 代表
        speaker: 周道杨
        date: 2022-01-11
        topics: [医疗卫生]
        ---
        第二次会议上的心声。
        """,
    "content/voices/2022/future-dated.md": """
        ---
        title: 日期在明年的心声
        session: 1-2
        kind: 代表
        speaker: 王爽
        date: 2027-03-01
        ---
        日期在构建日之后。
        """,
    "content/voices/2027/next-session.md": """
        ---
        title: 下届会议的心声
        session: 2-1
        kind: 代表
        speaker: 王爽
        ---
        没有 date，取会议开幕日 2027-01-10，也在构建日之后。
        """,
    "content/voices/2021/qian-qi-voice.md": """
        ---
        title: 尚未公开的代表的心声
        session: 1-1
        kind: 代表
        speaker: 钱七
        ---
        发言人是草稿，姓名显示为普通文字。
        """,
    # -- reports --------------------------------------------------------------------------------
    "content/reports/work-report-2021.md": """
        ---
        title: 区人大常委会工作报告
        subtitle: 2021年7月21日在样例区第一届人民代表大会第一次会议上
        date: 2021-07-21
        session: 1-1
        speaker: 周道杨
        topics: [医疗卫生]
        ---
        今后五年的主要任务。

        # 正文里的一级标题

        ## 依法有效监督

        详见[会议新闻的第二部分](../news/2021/guan-cha.md#di-er-bu-fen)和[关于本站](../pages/about.md)。
        另见[全部心声](/voices/)和[网站首页](/)。

        ## 前期工作回顾

        筹备工作。
        """,
    "content/reports/2022年工作报告.md": """
        ---
        title: 2022年区人大常委会工作报告
        date: 2022-01-10
        session: 1-2
        speaker: 路人甲
        ---
        2022年的报告。
        """,
    # -- news -----------------------------------------------------------------------------------
    "content/news/2021/guan-cha.md": """
        ---
        title: 代表委员带来基层声音
        date: 2021-07-21
        session: 1-1
        column: 两会·观察员
        author: 徐红燕
        people: [王爽, li-ming]
        topics: [交通出行]
        ---
        代表们围绕停车、看病等问题建言献策。

        <script>alert("x")</script>
        <p style="color:red" onclick="alert(1)">点我</p>
        <img src="/media/people/zhou.png" alt="周道杨" onerror="alert(2)">
        <a href="javascript:alert(3)">坏链接</a>
        <a href="data:text/html;base64,PHNjcmlwdD4=">数据链接</a>
        <div class="note">一段安全的原始 HTML。</div>

        议程见[会议议程](../../../media/docs/agenda.pdf)，报告见[工作报告](../../reports/work-report-2021.md)。

        ![会场全景](../../../media/照片/会场 全景.png)

        ## 第二部分

        第二部分的正文。
        """,
    "content/news/2022/hui-yi.md": """
        ---
        title: 第二次会议开幕
        date: 2022-01-10
        session: 1-2
        people: [周道杨]
        ---
        第二次会议今天开幕。
        """,
    "content/news/2022/bi-mu.md": """
        ---
        title: 第二次会议闭幕
        date: 2022-01-12
        session: 1-2
        author: 见习记者 王璐瑜
        ---
        第二次会议闭幕。
        """,
    "content/news/2021/preview.md": """
        ---
        title: 下届会议预告
        date: 2021-08-01
        session: 2-1
        ---
        下届会议尚未到日子，会议名称显示为普通文字。
        """,
    "content/news/2022/escape.md": """
        ---
        title: "标题里的 <script>alert(1)</script> 与 <b>标签</b> & 符号"
        date: 2022-01-11
        summary: "<img src=x onerror=alert(2)>摘要里的尖括号"
        ---
        front matter 里的文字由模板转义，不当作 HTML。
        """,
    "content/news/future.md": """
        ---
        title: 明年的新闻
        date: 2027-01-01
        ---
        还没有到日子。
        """,
    # -- pages ----------------------------------------------------------------------------------
    "content/pages/about.md": """
        ---
        title: 关于本站
        order: 1
        ---
        本站发布样例区人大的公开信息。
        """,
    "content/pages/联系我们.md": """
        ---
        title: 联系我们
        order: 2
        slug: contact
        ---
        电话：0571-00000000
        """,
    # a file saved by a Windows editor: BOM and CRLF line ends are fine
    "content/pages/guide.md": "\ufeff---\r\ntitle: 办事指南\r\n---\r\n来访请先预约，\r\n并带好身份证件。\r\n".encode("utf-8"),
    "media/people/zhou.png": tiny_png(1),
    "media/docs/agenda.pdf": b"%PDF-1.4 not really a document",
    "media/照片/会场 全景.png": tiny_png(2),
}

# Every published page of the site: URL -> its <h1>, which is the item's title (or name).
PUBLISHED = {
    "sessions/1-1/": "样例区第一届人民代表大会第一次会议",
    "sessions/1-2/": "样例区第一届人民代表大会第二次会议",
    "sessions/cwh-3/": "样例区人大常委会第三次会议",  # id from a file in a sub-folder
    "deputies/zhou-dao-yang/": "周道杨",  # Chinese id -> pinyin
    "deputies/li-ming/": "李明",  # ASCII id kept
    "deputies/wang-shuang/": "王爽",  # Chinese id in a sub-folder
    "deputies/zhang-hua-weiyuan/": "张华",  # explicit slug wins over the id
    "deputies/chen-hong-a/": "陈红",
    "deputies/chen-hong-b/": "陈红",
    "voices/zhou-yi-liao/": "让群众在家门口看好病",
    "voices/li-ming-jiao-tong/": "缓解学校门口的交通拥堵",
    "voices/zhou-dao-yang-jian-yan/": "没有专题的一条代表心声",  # 周道杨-建言: mixed id
    "voices/chen-hong-dai-biao/": "代表陈红谈教育",
    "voices/zhang-hua-jiao-yu/": "办好人民满意的教育",
    "voices/wei-lai-xue-xiao/": "办探索型未来学校",  # explicit slug
    "voices/citizen-li/": "市民李明说停车",
    "voices/citizen-chen/": "市民陈红说看病",
    "voices/links-to-unpublished/": "提到尚未发布内容的心声",
    "voices/qian-qi-voice/": "尚未公开的代表的心声",
    "voices/zhou-2022/": "加快区域医疗中心建设",
    "reports/work-report-2021/": "区人大常委会工作报告",
    "reports/2022-nian-gong-zuo-bao-gao/": "2022年区人大常委会工作报告",
    "news/guan-cha/": "代表委员带来基层声音",
    "news/hui-yi/": "第二次会议开幕",
    "news/bi-mu/": "第二次会议闭幕",
    "news/preview/": "下届会议预告",
    "news/escape/": "标题里的 <script>alert(1)</script> 与 <b>标签</b> & 符号",
    "about/": "关于本站",
    "contact/": "联系我们",
    "guide/": "办事指南",
}
# Kept out of the published site (draft, or dated after the build day), shown by --drafts.
UNPUBLISHED = {
    "voices/draft-voice/": ("草稿中的心声", "草稿"),
    "voices/future-dated/": ("日期在明年的心声", "尚未到发布日期"),  # its own date: 2027-03-01
    "voices/next-session/": ("下届会议的心声", "尚未到发布日期"),  # no date: its session's start, 2027-01-10
    "sessions/2-1/": ("样例区第二届人民代表大会第一次会议", "尚未到发布日期"),
    "deputies/qian-qi/": ("钱七", "草稿"),
    "news/future/": ("明年的新闻", "尚未到发布日期"),
}


@dataclass
class Built:
    site: Path
    out: Path
    drafts: Path
    stderr: str
    drafts_stderr: str

    def doc(self, url: str, drafts: bool = False):
        return parse(page(self.drafts if drafts else self.out, url))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("stranger")
    site = write_site(root / "site", FILES, SITE_YAML)
    with ThreadPoolExecutor(2) as pool:  # the two builds are independent: run them side by side
        plain = pool.submit(run_build, site, out=root / "public")
        drafts = pool.submit(run_build, site, "--drafts", out=root / "preview")
        plain_result, drafts_result = plain.result(), drafts.result()
    for result in (plain_result, drafts_result):
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    return Built(site, root / "public", root / "preview", plain_result.stderr, drafts_result.stderr)


# -- helpers ----------------------------------------------------------------------------------

def items(doc, page_url: str) -> list[str]:
    """URLs of the entries a list shows, in order: the links of its item titles."""
    return [site_url(page_url, a.get("href")) for a in main(doc).xpath(".//*[self::h2 or self::h3]/a[@href]")
            if not site_url(page_url, a.get("href")).startswith("topics/")]


def walk_pages(out: Path, first: str) -> tuple[list[str], list[str]]:
    """Follow rel=next from a list's first page to its last and rel=prev back: the URLs visited."""
    forward, url = [], first
    while url is not None and url not in forward:
        forward.append(url)
        nxt = parse(page(out, url)).xpath('//a[@rel="next"]/@href')
        url = site_url(url, nxt[0]) if nxt else None
    backward, url = [], forward[-1]
    while url is not None and url not in backward:
        backward.append(url)
        prev = parse(page(out, url)).xpath('//a[@rel="prev"]/@href')
        url = site_url(url, prev[0]) if prev else None
    return forward, backward


def list_items(out: Path, first: str) -> tuple[list[str], list[list[str]]]:
    pages, back = walk_pages(out, first)
    assert back == pages[::-1], "prev links must lead back the way next came"
    per_page = [items(parse(page(out, u)), u) for u in pages]
    return pages, per_page


# ---------------------------------------------------------------------------------------------
# The build, and what it wrote
# ---------------------------------------------------------------------------------------------

def test_every_published_page_is_there_with_its_title_as_the_one_h1(built):
    for url, title in PUBLISHED.items():
        doc = built.doc(url)
        h1s = doc.xpath("//h1")
        assert [text(h) for h in h1s] == [title], url


def test_every_page_has_exactly_one_h1_matching_its_title(built):
    for out in (built.out, built.drafts):
        for rel, path in html_files(out).items():
            doc = parse(path)
            h1s = doc.xpath("//h1")
            assert len(h1s) == 1, f"{rel}: {len(h1s)} <h1>"
            title = " ".join(doc.findtext(".//title").split())
            heading = text(h1s[0])
            if out == built.out:  # in a preview the 草稿 badge sits beside the title
                assert title == heading or title.startswith(heading + " - "), (rel, title, heading)


def test_unpublished_items_are_nowhere_in_the_published_site(built):
    for url in UNPUBLISHED:
        assert not page(built.out, url).exists(), url
    # not in any page, list, feed, sitemap or data file either
    secrets = ["草稿中的心声", "日期在明年的心声", "下届会议的心声", "明年的新闻", "draft-voice", "future-dated",
               "next-session", "qian-qi/", "news/future"]
    for path in built.out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".csv", ".txt"):
            data = path.read_text("utf-8")
            for secret in secrets:
                assert secret not in data, f"{path.relative_to(built.out)} mentions {secret}"


def test_drafts_option_publishes_both_visibly_marked(built):
    for url, (title, state) in UNPUBLISHED.items():
        doc = built.doc(url, drafts=True)
        heading = text(doc.xpath("//h1")[0])
        assert heading.startswith(title), url
        notice = text(main(doc))
        assert state in notice and "只在预览中出现" in notice, url
    for url, title in PUBLISHED.items():  # published pages carry no mark
        assert "只在预览中出现" not in text(main(built.doc(url, drafts=True))), url
    # and the preview's lists show the unpublished items with a badge
    voices = "".join(text(main(parse(page(built.drafts, u)))) for u in walk_pages(built.drafts, "voices/")[0])
    assert "草稿中的心声草稿" in voices and "日期在明年的心声未到发布日期" in voices
    # a preview put on a staging host is kept out of search engines; the published site is not
    for url in [*UNPUBLISHED, *PUBLISHED]:
        assert built.doc(url, drafts=True).xpath('//meta[@name="robots"]/@content') == ["noindex"], url
    for url in PUBLISHED:
        assert built.doc(url).xpath('//meta[@name="robots"]/@content') == [], url


def test_the_build_day_is_the_day_in_china():
    """A build at 23:00 UTC already publishes what is dated the next day: it is 07:00 in Beijing."""
    from generator.engine.inputs import CHINA, china_today

    assert CHINA.utcoffset(None) == dt.timedelta(hours=8)  # Asia/Shanghai, no summer time since 1991
    before = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()
    today = china_today()
    after = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()
    assert today in (before, after)


def test_a_voice_without_date_takes_its_sessions_start(built):
    assert "2021年7月19日" in text(main(built.doc("voices/zhou-yi-liao/")))  # session 1-1 opened 2021-07-19
    assert "2021年7月20日" in text(main(built.doc("voices/zhang-hua-jiao-yu/")))  # its own date
    assert "2027年1月10日" in text(main(built.doc("voices/next-session/", drafts=True)))  # session 2-1's start


def test_links_to_unpublished_pages_are_plain_text_with_a_warning(built):
    doc = built.doc("voices/links-to-unpublished/")
    body = main(doc).xpath('.//div[contains(@class, "prose")]')[0]
    assert "参见草稿心声和以后的会议。" in text(body)
    assert [t for t in body.xpath(".//a/text()")] == ["王爽代表"]  # the published target stays a link
    assert "下届会议的心声" not in text(body)
    # a draft speaker: the name as text; a future session: its title as text
    qian = main(built.doc("voices/qian-qi-voice/"))
    assert "钱七" in text(qian) and not [a for a in qian.iter("a") if "钱七" in text(a)]
    preview = main(built.doc("news/preview/"))
    assert "样例区第二届人民代表大会第一次会议" in text(preview)
    assert not [a for a in preview.iter("a") if "第二届" in text(a)]
    # each warned about, naming file, line and field
    warnings = built.stderr
    assert "content/voices/2021/links-to-unpublished.md:8: 警告: 正文中的链接指向的 content/voices/2021/draft-voice.md 是草稿" in warnings
    assert "content/voices/2021/links-to-unpublished.md:8: 警告: 正文中的链接指向的 content/sessions/2-1.md 是尚未到发布日期" in warnings
    assert "content/voices/2021/qian-qi-voice.md:5: 警告: 字段 speaker：指向的 content/deputies/qian-qi.md 是草稿" in warnings
    assert "content/news/2021/preview.md:4: 警告: 字段 session：指向的 content/sessions/2-1.md 是尚未到发布日期" in warnings
    # an unpublished page linking to an unpublished one is nobody's concern
    assert "next-session.md" not in warnings and "future-dated.md" not in warnings
    assert "警告 4 个" in run_summary(built)
    # in the preview everything is published: real links, no warnings
    drafts = built.doc("voices/links-to-unpublished/", drafts=True)
    assert link_to(drafts, "voices/links-to-unpublished/", "voices/draft-voice/") == ["草稿心声"]
    assert link_to(drafts, "voices/links-to-unpublished/", "sessions/2-1/") == ["以后的会议"]
    assert "警告" not in built.drafts_stderr


def run_summary(built: Built) -> str:
    """The build's summary line (stdout is not kept by the fixture: rebuild is free, nothing changed)."""
    result = run_build(built.site, out=built.out)
    assert result.returncode == 0
    return result.stdout


# ---------------------------------------------------------------------------------------------
# What each page shows
# ---------------------------------------------------------------------------------------------

def test_dates_are_shown_the_chinese_way(built):
    assert "2021年7月19日至23日" in text(main(built.doc("sessions/1-1/")))
    assert "2021年9月28日" in text(main(built.doc("sessions/cwh-3/")))
    assert "2021年7月21日" in text(main(built.doc("news/guan-cha/")))
    assert "2021年7月21日" in text(main(built.doc("reports/work-report-2021/")))
    assert "2022年1月11日" in text(main(built.doc("voices/zhou-2022/")))
    for url in PUBLISHED:  # no ISO date in what a reader sees
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text(main(built.doc(url)))), url


def test_session_fields_are_shown(built):
    s = text(main(built.doc("sessions/1-1/")))
    assert "区行政中心大会堂" in s and "人民代表大会" in s  # place; type by default
    assert "常委会会议" in text(main(built.doc("sessions/cwh-3/")))


def test_person_fields_and_photo_are_shown(built):
    doc = built.doc("deputies/zhou-dao-yang/")
    m = text(main(doc))
    for value in ("人大代表", "区人民医院副院长", "男", "汉族", "中共党员", "第三选区", "长期从事医疗卫生工作。"):
        assert value in m
    photos = [site_url("deputies/zhou-dao-yang/", src) for src in main(doc).xpath(".//img/@src")]
    assert "media/people/zhou.png" in photos
    assert (built.out / "media/people/zhou.png").read_bytes() == FILES["media/people/zhou.png"]
    assert "政协委员" in text(main(built.doc("deputies/zhang-hua-weiyuan/")))


def test_voice_fields_are_shown(built):
    m = text(main(built.doc("voices/zhou-yi-liao/")))
    assert "记者 张华颖" in m and "代表" in m
    lv = text(main(built.doc("voices/wei-lai-xue-xiao/")))
    assert "吕建生" in lv and "文思小学校长" in lv and "市民" in lv


def test_report_fields_are_shown(built):
    doc = built.doc("reports/work-report-2021/")
    m = text(main(doc))
    assert "2021年7月21日在样例区第一届人民代表大会第一次会议上" in m  # subtitle
    assert link_to(doc, "reports/work-report-2021/", "deputies/zhou-dao-yang/") == ["周道杨"]  # speaker by name
    assert link_to(doc, "reports/work-report-2021/", "sessions/1-1/") == ["样例区第一届人民代表大会第一次会议"]
    other = built.doc("reports/2022-nian-gong-zuo-bao-gao/")
    assert "路人甲" in text(main(other))  # a speaker nobody in deputies/ is called: text only
    assert not [a for a in main(other).iter("a") if "路人甲" in text(a)]


@pytest.mark.parametrize("author, shown", [
    ("徐红燕", "记者：徐红燕"), ("欧阳文静", "记者：欧阳文静"), ("阿依古丽·买买提", "记者：阿依古丽·买买提"),
    ("见习记者 王璐瑜", "见习记者 王璐瑜"), ("记者  周明\u3000李华", "记者 周明 李华"),
    ("区人大常委会办公室", "来源：区人大常委会办公室"), ("钱塘日报社", "来源：钱塘日报社"), ("Xinhua", "来源：Xinhua"),
])
def test_a_news_byline_credits_a_reporter_or_a_source(author, shown):
    from generator.model.models import News
    assert News(id="n", source="content/news/n.md", folder="news", title="新闻", slug="n", url="news/n/",
                author=author).byline == shown


def test_news_fields_are_shown(built):
    doc = built.doc("news/guan-cha/")
    m = text(main(doc))
    assert "两会·观察员" in m and "记者：徐红燕" in m
    closing = text(main(built.doc("news/bi-mu/")))
    assert "见习记者 王璐瑜" in closing and "记者：见习记者" not in closing  # a role already written: as it is
    assert link_to(doc, "news/guan-cha/", "sessions/1-1/")
    # people by name (王爽, whose file is in a sub-folder) and by id (li-ming)
    assert link_to(doc, "news/guan-cha/", "deputies/wang-shuang/") == ["王爽"]
    assert link_to(doc, "news/guan-cha/", "deputies/li-ming/") == ["李明"]


def test_pages_take_their_place_in_the_navigation_by_order(built):
    nav = [(t, u) for t, u in links(built.doc(""), "", built.doc("").xpath('//nav[@aria-label="主导航"]')[0])]
    assert ("关于本站", "about/") in nav and ("联系我们", "contact/") in nav
    assert nav.index(("关于本站", "about/")) < nav.index(("联系我们", "contact/"))
    assert "办事指南" not in [t for t, _ in nav]  # no order: not in the navigation


def test_a_file_with_bom_and_crlf_reads_like_any_other(built):
    m = main(built.doc("guide/"))
    assert text(m.xpath('.//div[contains(@class, "prose")]')[0]) == "来访请先预约，并带好身份证件。"
    assert "\ufeff" not in (built.out / "guide/index.html").read_text("utf-8")


# ---------------------------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("voice, speaker, linked", [
    ("voices/zhou-yi-liao/", "周道杨", "deputies/zhou-dao-yang/"),  # 代表 by name
    ("voices/li-ming-jiao-tong/", "李明", "deputies/li-ming/"),  # 代表 by id
    ("voices/zhang-hua-jiao-yu/", "张华", "deputies/zhang-hua-weiyuan/"),  # 委员, explicit slug
    ("voices/chen-hong-dai-biao/", "陈红", "deputies/chen-hong-a/"),  # two 陈红: the 人大代表 one
    ("voices/citizen-li/", "李明", "deputies/li-ming/"),  # 市民 named as exactly one person
    ("voices/citizen-chen/", "陈红", None),  # 市民 named as two people: no link
    ("voices/wei-lai-xue-xiao/", "吕建生", None),  # 市民 in nobody's file
])
def test_speakers_link_to_their_page(built, voice, speaker, linked):
    doc = built.doc(voice)
    header = main(doc).xpath(".//header")[0]
    people = [(t, u) for t, u in links(doc, voice, header) if u.startswith("deputies/")]
    assert people == ([(speaker, linked)] if linked else [])
    assert speaker in text(header)


def test_markdown_links_between_content_files_become_relative_page_urls(built):
    report = built.doc("reports/work-report-2021/")
    hrefs = dict(links(report, "reports/work-report-2021/", main(report).xpath('.//div[contains(@class,"prose")]')[0]))
    assert hrefs == {"会议新闻的第二部分": "news/guan-cha/#di-er-bu-fen", "关于本站": "about/",
                     "全部心声": "voices/", "网站首页": ""}
    raw = main(report).xpath('.//a[text()="会议新闻的第二部分"]/@href')[0]
    assert raw == "../../news/guan-cha/#di-er-bu-fen"  # relative: works under any sub-path
    # A link from the site's root (/voices/) is made relative too: the site may live under a sub-path.
    assert main(report).xpath('.//a[text()="全部心声"]/@href') == ["../../voices/"]
    assert main(report).xpath('.//a[text()="网站首页"]/@href') == ["../../"]
    news = built.doc("news/guan-cha/")
    assert link_to(news, "news/guan-cha/", "reports/work-report-2021/") == ["工作报告"]
    voice = built.doc("voices/links-to-unpublished/")
    assert link_to(voice, "voices/links-to-unpublished/", "deputies/wang-shuang/") == ["王爽代表"]  # 王爽.md
    assert "di-er-bu-fen" in {el.get("id") for el in main(news).iter() if isinstance(el.tag, str)}


def test_media_links_resolve_and_files_are_published_as_they_are(built):
    doc = built.doc("news/guan-cha/")
    assert link_to(doc, "news/guan-cha/", "media/docs/agenda.pdf") == ["会议议程"]  # ../../../media/…
    imgs = [site_url("news/guan-cha/", s) for s in main(doc).xpath('.//div[contains(@class,"prose")]//img/@src')]
    assert imgs == ["media/people/zhou.png", "media/zhao-pian/hui-chang-quan-jing.png"]  # /media/… from the site folder
    assert (built.out / "media/docs/agenda.pdf").read_bytes() == FILES["media/docs/agenda.pdf"]
    # a file an editor named in Chinese is published, bytes unchanged, at an ASCII (pinyin) path
    assert (built.out / "media/zhao-pian/hui-chang-quan-jing.png").read_bytes() == FILES["media/照片/会场 全景.png"]
    assert not [p for p in (built.out / "media").rglob("*") if not p.relative_to(built.out).as_posix().isascii()]


def test_front_matter_text_is_escaped_not_run(built):
    """Jinja autoescapes: a title or summary with markup in it shows the markup as text."""
    title = PUBLISHED["news/escape/"]
    for url in ("news/escape/", "news/", ""):
        doc = built.doc(url)
        assert not doc.xpath("//main//script | //main//b | //main//img[@onerror]"), url
        assert title in text(main(doc)), url
    assert "<img src=x onerror=alert(2)>摘要里的尖括号" in text(main(built.doc("news/")))
    raw = page(built.out, "news/escape/").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "<script>alert(1)" not in raw


def test_raw_html_in_a_news_item_is_sanitised(built):
    path = page(built.out, "news/guan-cha/")
    body = main(parse(path)).xpath('.//div[contains(@class,"prose")]')[0]
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag not in ("script", "style", "iframe")
        for name, value in el.attrib.items():
            assert not name.startswith("on"), (el.tag, name)
            assert name != "style", el.tag
            assert not value.strip().lower().startswith(("javascript:", "data:")), (el.tag, value)
    assert "alert" not in path.read_text("utf-8").split('id="main"')[1]
    assert body.xpath('.//div[@class="note"]') and "一段安全的原始 HTML。" in text(body)
    assert "坏链接" in text(body) and "点我" in text(body)  # the text stays, the danger goes


# ---------------------------------------------------------------------------------------------
# The session page and its index of voices
# ---------------------------------------------------------------------------------------------

def test_session_page_indexes_its_voices_by_kind_then_topic(built):
    index = voice_index(built.doc("sessions/1-1/"), "sessions/1-1/")
    shape = [(kind.split()[0].rstrip("0123456789 条"), topic, sorted(v[0] for v in voices))
             for kind, topic, voices in index]
    assert shape == [
        ("代表心声", "教育", ["voices/chen-hong-dai-biao/"]),
        ("代表心声", "医疗卫生", ["voices/zhou-yi-liao/"]),  # under each of its topics ...
        ("代表心声", "交通出行", ["voices/li-ming-jiao-tong/", "voices/links-to-unpublished/",
                             "voices/zhou-yi-liao/"]),  # ... in site.yaml's order
        ("代表心声", "其他", ["voices/qian-qi-voice/", "voices/zhou-dao-yang-jian-yan/"]),  # no topics
        ("委员心声", "教育", ["voices/zhang-hua-jiao-yu/"]),
        ("市民热议", "教育", ["voices/wei-lai-xue-xiao/"]),
        ("市民热议", "医疗卫生", ["voices/citizen-chen/"]),
        ("市民热议", "交通出行", ["voices/citizen-li/"]),
    ]


def test_each_indexed_voice_has_title_speaker_and_summary(built):
    index = voice_index(built.doc("sessions/1-1/"), "sessions/1-1/")
    cards = {url: (title, speaker, card) for _, _, voices in index for url, title, speaker, card in voices}
    for url, (title, speaker, card) in cards.items():
        assert title == PUBLISHED[url]
    assert cards["voices/zhou-yi-liao/"][1] == "deputies/zhou-dao-yang/"
    assert cards["voices/zhang-hua-jiao-yu/"][1] == "deputies/zhang-hua-weiyuan/"
    assert cards["voices/citizen-li/"][1] == "deputies/li-ming/"
    assert cards["voices/citizen-chen/"][1] is None and "陈红（社区居民）" in cards["voices/citizen-chen/"][2]
    assert cards["voices/wei-lai-xue-xiao/"][1] is None and "吕建生（文思小学校长）" in cards["voices/wei-lai-xue-xiao/"][2]
    assert cards["voices/qian-qi-voice/"][1] is None and "钱七" in cards["voices/qian-qi-voice/"][2]
    # summaries: the one written, else the first paragraph cut to about 120 characters
    assert "上下学高峰，校门口车多人多。" in cards["voices/li-ming-jiao-tong/"][2]
    assert "建议错峰放学" not in cards["voices/li-ming-jiao-tong/"][2]
    summary = re.search(r"(建议在老城区.*?…)", cards["voices/zhou-yi-liao/"][2]).group(1)
    assert 100 <= len(summary) <= 121 and LONG.startswith(summary[:-1])
    assert "第二段" not in cards["voices/zhou-yi-liao/"][2]


def test_session_page_lists_its_reports_and_news(built):
    one = built.doc("sessions/1-1/")
    assert link_to(one, "sessions/1-1/", "reports/work-report-2021/") == ["区人大常委会工作报告"]
    assert link_to(one, "sessions/1-1/", "news/guan-cha/") == ["代表委员带来基层声音"]
    assert not link_to(one, "sessions/1-1/", "news/hui-yi/")
    two = built.doc("sessions/1-2/")
    assert link_to(two, "sessions/1-2/", "reports/2022-nian-gong-zuo-bao-gao/")
    assert link_to(two, "sessions/1-2/", "news/hui-yi/") and link_to(two, "sessions/1-2/", "news/bi-mu/")
    assert [v[0] for _, _, vs in voice_index(two, "sessions/1-2/") for v in vs] == ["voices/zhou-2022/"]


# ---------------------------------------------------------------------------------------------
# Person pages, topic pages, lists
# ---------------------------------------------------------------------------------------------

def related(built: Built, url: str) -> list[str]:
    doc = built.doc(url)
    return [u for u in items(doc, url) if not u.startswith("sessions/")]


def test_person_page_lists_everything_naming_them_newest_first_across_sessions(built):
    zhou = related(built, "deputies/zhou-dao-yang/")
    assert zhou[:3] == ["voices/zhou-2022/", "news/hui-yi/", "reports/work-report-2021/"]  # 2022-01-11, -10, 2021-07-21
    assert sorted(zhou[3:]) == ["voices/zhou-dao-yang-jian-yan/", "voices/zhou-yi-liao/"]  # 2021-07-19
    li = related(built, "deputies/li-ming/")
    assert li[0] == "news/guan-cha/"  # people: [王爽, li-ming]; 2021-07-21
    assert sorted(li[1:]) == ["voices/citizen-li/", "voices/li-ming-jiao-tong/", "voices/links-to-unpublished/"]
    assert related(built, "deputies/wang-shuang/") == ["news/guan-cha/"]  # not the unpublished voices
    assert related(built, "deputies/chen-hong-a/") == ["voices/chen-hong-dai-biao/"]
    assert related(built, "deputies/chen-hong-b/") == []  # the citizen 陈红 is neither of them
    assert related(built, "deputies/zhang-hua-weiyuan/") == ["voices/zhang-hua-jiao-yu/"]


def test_topic_pages_list_everything_tagged_across_pages(built):
    expected = {
        "topics/jiao-yu/": {"voices/chen-hong-dai-biao/", "voices/zhang-hua-jiao-yu/", "voices/wei-lai-xue-xiao/"},
        "topics/yi-liao-wei-sheng/": {"voices/zhou-yi-liao/", "voices/citizen-chen/", "voices/zhou-2022/",
                                      "reports/work-report-2021/"},
        "topics/jiao-tong-chu-xing/": {"voices/zhou-yi-liao/", "voices/li-ming-jiao-tong/", "voices/citizen-li/",
                                       "voices/links-to-unpublished/", "news/guan-cha/"},
    }
    for first, want in expected.items():
        pages, per_page = list_items(built.out, first)
        assert all(len(p) <= 2 for p in per_page) and len(pages) == -(-len(want) // 2), first
        found = [u for p in per_page for u in p]
        assert sorted(found) == sorted(want), first
    topics = built.doc("topics/")
    assert [u for _, u in links(topics, "topics/") if u.startswith("topics/")] == list(expected)  # site.yaml order


@pytest.mark.parametrize("first, count", [("voices/", 11), ("news/", 5), ("reports/", 2), ("sessions/", 3),
                                          ("deputies/", 6)])
def test_lists_are_paginated_with_working_prev_and_next(built, first, count):
    pages, per_page = list_items(built.out, first)
    assert len(pages) == -(-count // 2)
    assert pages[0] == first and all(p == f"{first}page/{n}/" for n, p in enumerate(pages[1:], 2))
    if first != "deputies/":  # people are listed by role and name; the rest newest first
        found = [u for p in per_page for u in p]
        assert len(found) == count == len(set(found))
        assert all(len(p) == 2 for p in per_page[:-1])


def test_voice_list_runs_newest_first(built):
    _, per_page = list_items(built.out, "voices/")
    found = [u for p in per_page for u in p]
    assert found[0] == "voices/zhou-2022/"  # 2022-01-11
    assert found[1] == "voices/zhang-hua-jiao-yu/"  # 2021-07-20, then all of 2021-07-19


def test_people_list_shows_every_published_person(built):
    pages, _ = walk_pages(built.out, "deputies/")
    people = {u for p in pages for _, u in links(parse(page(built.out, p)), p) if u.startswith("deputies/")
              and u.count("/") == 2 and not u.startswith("deputies/page/")}
    assert people == {u for u in PUBLISHED if u.startswith("deputies/")}


def test_home_page_leads_to_the_current_session_and_every_section(built):
    doc = built.doc("")
    targets = {u for _, u in links(doc, "")}
    assert {"sessions/1-2/", "deputies/", "voices/", "reports/", "news/bi-mu/"} <= targets


def test_404_page_exists_and_links_from_the_sites_sub_path(built):
    doc = parse(built.out / "404.html")
    assert [text(h) for h in doc.xpath("//h1")] == ["页面不存在"]
    hrefs = [h for _, h in links_of(doc) if not h.startswith(("http:", "https:", "#"))]
    assert hrefs and all(h.startswith(BASE_PATH) for h in hrefs)  # served at any address


# ---------------------------------------------------------------------------------------------
# Whole-site checks: links, ASCII URLs, relative links, nothing written elsewhere
# ---------------------------------------------------------------------------------------------

def test_every_internal_link_resolves_to_a_file_of_the_output(built):
    assert broken_links(built.out, BASE_PATH) == []
    assert broken_links(built.drafts, BASE_PATH) == []


def test_every_url_is_ascii(built):
    assert non_ascii_urls(built.out) == []
    assert non_ascii_urls(built.drafts) == []


def test_internal_links_are_relative_so_the_site_works_under_any_path(built):
    rooted = []
    for rel, path in html_files(built.out).items():
        if rel == "404.html":
            continue
        for tag, url in links_of(parse(path)):
            if url.startswith("/") or url.startswith("https://www.example.org"):
                if tag != "link":  # canonical and feed links in <head> may be absolute
                    rooted.append(f"{rel}: <{tag}> {url}")
    assert rooted == []


def test_nothing_is_written_outside_the_output(built):
    written = {rel for rel in FILES} | {"site.yaml"}
    found = {p.relative_to(built.site).as_posix() for p in built.site.rglob("*") if p.is_file()}
    extra = {f for f in found - written if not f.startswith(".cache/")}  # the generator's own cache
    assert extra == set()
    beside = {p.name for p in built.out.parent.iterdir()}
    assert beside - {"site", "public", "preview"} <= {".public.lock", ".public.state", ".public.prev",
                                                      ".preview.lock", ".preview.state", ".preview.prev"}


# ---------------------------------------------------------------------------------------------
# The crawler itself must be able to fail
# ---------------------------------------------------------------------------------------------

def test_the_crawler_finds_broken_links_and_non_ascii_urls(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text(
        '<html><body><h1 id="t">t</h1><a href="../b/">b</a><a href="../">home</a><a href="#t">self</a>'
        '<a href="../a/#nope">frag</a><img src="../x.png"><a href="https://e.org/">out</a>'
        '<a href="../%E4%B8%AD/">中</a><a href="/qu/renda/a/">rooted</a><a href="/elsewhere/">off</a></body></html>',
        encoding="utf-8")
    (tmp_path / "index.html").write_text("<html><body><h1>home</h1></body></html>", encoding="utf-8")
    problems = broken_links(tmp_path, BASE_PATH)
    assert any("../b/" in p for p in problems)
    assert any("../x.png" in p for p in problems)
    assert any("#nope" in p for p in problems)
    assert any("/elsewhere/" in p for p in problems)
    assert not any(p.endswith("home") or "#t " in p or "/qu/renda/a/ " in p for p in problems)
    assert len(problems) == 5
    assert non_ascii_urls(tmp_path) == ["a/index.html: <a> ../%E4%B8%AD/"]


def test_the_table_of_contents_gives_headings_the_level_the_page_shows(built):
    """A body with its own `# 一级标题` is pushed down a level; its contents list follows."""
    report = built.doc("reports/work-report-2021/")
    prose = main(report).xpath('.//div[contains(@class,"prose")]')[0]
    shown = {h.get("id"): h.tag for h in prose.iter("h1", "h2", "h3", "h4", "h5", "h6") if h.get("id")}
    toc = [(li.get("class"), li.xpath("./a/@href")[0].lstrip("#")) for li in main(report).xpath('.//nav[@class="toc"]//li')]
    assert len(toc) >= 3
    assert [cls for cls, _ in toc] == [f"toc-{shown[ident][1]}" for _, ident in toc]
    assert toc[0][0] == "toc-2" and shown[toc[0][1]] == "h2"  # the body's own h1, as the page shows it
    nav = main(report).xpath('.//nav[@class="toc"]')[0]
    assert not nav.xpath(".//ol")  # the headings carry their own numbers (一、 （一）): no second numbering
    subs = nav.xpath('.//li[@class="toc-3"]')
    assert subs and all(li.getparent().getparent().get("class") == "toc-2" for li in subs)  # nested under their h2
    assert [li.get("class") for li in nav.xpath("./ul/li")] == ["toc-2"] * len(nav.xpath("./ul/li"))
    assert not report.xpath('//main//h1[position() > 1]') and len(report.xpath("//h1")) == 1


def test_home_leads_with_the_latest_plenary_session_and_its_own_report(tmp_path):
    """A standing-committee meeting held since the last plenary session does not become the
    home page's 当前会议, and the hero's report button is that session's report or none."""
    site = write_site(tmp_path / "site", {
        "content/sessions/1-1.md": "---\ntitle: 第一次会议\nstart: 2026-01-05\nend: 2026-01-08\n---\n会议。\n",
        "content/sessions/cwh-9.md": ("---\ntitle: 常委会第九次会议\nstart: 2026-06-25\nend: 2026-06-25\n"
                                      "type: 常委会会议\n---\n常委会。\n"),
        "content/reports/r-cwh.md": "---\ntitle: 执法检查报告\ndate: 2026-06-25\nsession: cwh-9\n---\n报告。\n",
        "content/reports/r-old.md": "---\ntitle: 2025年工作报告\ndate: 2025-01-06\n---\n报告。\n",
    })
    out = tmp_path / "public"
    result = run_build(site, out=out)
    assert result.returncode == 0, result.stderr
    hero = parse(out / "index.html").xpath('//section[@class="hero"]')[0]
    assert text(hero.xpath(".//h2")[0]) == "第一次会议"
    assert [a.get("href") for a in hero.xpath('.//a[contains(@class,"button")]')] == ["sessions/1-1/#voices"]
    (site / "content/reports/r-1.md").write_text("---\ntitle: 2026年工作报告\ndate: 2026-01-06\nsession: 1-1\n---\n报告。\n",
                                                 encoding="utf-8")
    assert run_build(site, out=out).returncode == 0
    hero = parse(out / "index.html").xpath('//section[@class="hero"]')[0]
    assert [a.get("href") for a in hero.xpath('.//a[contains(@class,"button")]')] == \
        ["sessions/1-1/#voices", "reports/r-1/"]
    (site / "content/sessions/1-1.md").unlink()  # no plenary session at all: the latest of any type
    (site / "content/reports/r-1.md").unlink()
    assert run_build(site, out=out).returncode == 0
    hero = parse(out / "index.html").xpath('//section[@class="hero"]')[0]
    assert text(hero.xpath(".//h2")[0]) == "常委会第九次会议"
