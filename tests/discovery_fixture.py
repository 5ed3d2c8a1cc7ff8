"""A small Chinese site for the discovery tests (search, feeds, sitemap, structured data, open data).

Shared by tests/test_discovery.py and tests/browser/test_search.py. Built for the day
conftest.TODAY (2026-11-27), under the sub-path /renda/. It holds what each feature must
tell apart: a draft and a future-dated voice (never indexed, never in feeds or the
sitemap), a decoy page holding 王, 大 and 祝 apart (a search for 王大祝 must not rank it
first), a name ICU and jieba split differently (吕建生), a compound the two disagree on
(七格公园), a link between content files (absolute in feeds), and a citizen speaker.
"""

from __future__ import annotations

BASE_URL = "https://example.gov.cn/renda/"

SITE_YAML = f"""\
title: 测试区人民代表大会常务委员会
description: 测试区人大公开信息：会议、报告、代表委员、心声与新闻。
base_url: {BASE_URL}
language: zh-CN
topics: [医疗卫生, 交通出行, 养老服务, 社区治理]
footer:
  sponsor: 测试区人大常委会办公室
  icp: 浙ICP备00000000号
  site_code: "0000000000"
  police: 浙公网安备 33000000000000号
"""

FILES = {
    "content/sessions/2-1.md": """
        ---
        title: 测试区第二届人民代表大会第一次会议
        start: 2026-01-10
        end: 2026-01-14
        place: 区行政中心大会堂
        ---
        会议听取和审议了区人大常委会工作报告。
        """,
    "content/sessions/2-2.md": """
        ---
        title: 测试区第二届人民代表大会第二次会议
        start: 2027-01-10
        end: 2027-01-14
        ---
        尚未召开的会议。
        """,
    "content/deputies/王大祝.md": """
        ---
        name: 王大祝
        role: 人大代表
        occupation: 企业职工
        gender: 男
        ---
        长期关注交通出行。
        """,
    "content/deputies/li-ming.md": """
        ---
        name: 李明
        role: 人大代表
        occupation: 社区工作者
        ---
        社区工作者。
        """,
    "content/deputies/zhang-hua.md": """
        ---
        name: 张华
        role: 政协委员
        ---
        政协委员。
        """,
    "content/deputies/zhao-liu.md": """
        ---
        name: 赵六
        role: 人大代表
        draft: true
        ---
        草稿中的代表。
        """,
    "content/voices/2026/wang-da-zhu-ting-che.md": """
        ---
        title: 因地制宜增停车位
        session: 2-1
        kind: 代表
        speaker: 王大祝
        topics: [交通出行]
        reporter: 记者 张三
        ---
        人大代表王大祝在建议中说，老旧小区停车难问题亟待解决，建议新建一批停车位。

        详见[会议新闻](../../news/hui-yi-xin-wen.md)。
        """,
    "content/voices/2026/decoy.md": """
        ---
        title: 社区里的新鲜事
        session: 2-1
        kind: 代表
        speaker: 李明
        topics: [社区治理]
        ---
        王师傅说，大家一起祝贺社区新开了食堂。王阿姨说大伙儿都来了，老人们互相祝福。王大爷、大妈、大叔，祝愿社区越来越好，王家的孩子大声说祝你们健康。
        """,
    "content/voices/2026/qi-ge-gong-yuan.md": """
        ---
        title: 关于七格公园的提升改造
        session: 2-1
        kind: 代表
        speaker: li-ming
        topics: [社区治理, 交通出行]
        ---
        在七格公园增设停车位和步道，方便附近居民。
        """,
    "content/voices/2026/zhang-hua-yang-lao.md": """
        ---
        title: 让老人在家门口安享晚年
        session: 2-1
        kind: 委员
        speaker: 张华
        topics: [养老服务, 医疗卫生]
        ---
        政协委员张华建议，加快建设社区养老服务中心，推动医疗和养老结合。
        """,
    "content/voices/2026/lv-jian-sheng.md": """
        ---
        title: 办好家门口的学校
        session: 2-1
        kind: 市民
        speaker: 吕建生
        speaker_title: 文思小学校长
        ---
        我是文思小学的校长吕建生，希望继续办好教育。
        """,
    "content/voices/2026/draft-secret.md": """
        ---
        title: 草稿中的心声
        session: 2-1
        kind: 代表
        speaker: 王大祝
        draft: true
        ---
        这是尚未发布的草稿，含有独特的词：蓝鲸灯塔。
        """,
    "content/voices/2026/future.md": """
        ---
        title: 明年才发布的心声
        session: 2-1
        kind: 代表
        speaker: 李明
        date: 2026-12-25
        ---
        这条心声日期在构建日之后，含有独特的词：银杏书院。
        """,
    "content/reports/work-2026.md": """
        ---
        title: 测试区人大常委会工作报告
        subtitle: 二〇二六年一月十日在测试区第二届人民代表大会第一次会议上
        date: 2026-01-10
        session: 2-1
        speaker: 周志辉
        topics: [社区治理]
        ---
        今后五年，坚持依法治区，推动共同富裕。

        ## 主要工作

        加强代表工作。
        """,
    "content/news/hui-yi-xin-wen.md": """
        ---
        title: 代表委员带来基层声音
        date: 2026-01-11
        session: 2-1
        column: 两会·观察员
        author: 徐红燕
        people: [王大祝]
        topics: [交通出行]
        ---
        代表们围绕停车、养老等问题建言献策，小区加装电梯也受到关注。
        """,
    "content/pages/about.md": """
        ---
        title: 关于本站
        order: 1
        ---
        本站发布测试区人大的公开信息。
        """,
}

# (query, URL of the page that must be among the first three results)
QUERIES = (
    ("王大祝", "deputies/wang-da-zhu/"),
    ("停车", "voices/wang-da-zhu-ting-che/"),
    ("七格公园", "voices/qi-ge-gong-yuan/"),
    ("吕建生", "voices/lv-jian-sheng/"),
    ("文思小学", "voices/lv-jian-sheng/"),
    ("养老", "voices/zhang-hua-yang-lao/"),
    ("加装电梯", "news/hui-yi-xin-wen/"),
    ("共同富裕", "reports/work-2026/"),
)
# Published pages: (URL, the JSON-LD @type of the page's main entity)
ENTRY_TYPES = {
    "sessions/2-1/": "Event",
    "deputies/wang-da-zhu/": "Person",
    "deputies/li-ming/": "Person",
    "deputies/zhang-hua/": "Person",
    "voices/wang-da-zhu-ting-che/": "Article",
    "voices/decoy/": "Article",
    "voices/qi-ge-gong-yuan/": "Article",
    "voices/zhang-hua-yang-lao/": "Article",
    "voices/lv-jian-sheng/": "Article",
    "reports/work-2026/": "Report",
    "news/hui-yi-xin-wen/": "NewsArticle",
    "about/": "WebPage",
}
UNPUBLISHED = ("sessions/2-2/", "deputies/zhao-liu/", "voices/draft-secret/", "voices/future/")
