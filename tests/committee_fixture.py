"""A stranger's site of the standing committee's work, written to content-format.md's
"Standing-committee work" only (tests/test_committee.py, tests/browser/test_committee_browser.py).

Built for the day conftest.TODAY (2026-11-27), under the sub-path /qu/renda/, with `paginate: 2`
so that every list by year has several years and a year several pages. It holds:

- a plenary session and standing-committee meetings (in a sub-folder), one still to come;
- resolutions over two years (one adopted at the plenary session, one with a Chinese file
  name, one draft, one dated after the build day), one linking to an appointment list;
- the contract's own appointment list verbatim, and lists using every action, `organ`,
  `person` by name and by id, so that 王爽 and 李明 each get a 任免记录 of two entries;
- notices: pinned and not, with and without `until`, one whose `until` is the build day
  (current today, archived tomorrow), archived ones over two years, one still to come;
- no voices, suggestions, reports or news: those columns must not appear at all.
"""

from __future__ import annotations

BASE_URL = "https://www.example.org/qu/renda/"
BASE_PATH = "/qu/renda/"

SITE_YAML = f"""\
title: 样例区人民代表大会常务委员会
base_url: {BASE_URL}
language: zh-CN
paginate: 2
topics: [民主法治, 财政预算]
footer:
  sponsor: 样例区人大常委会办公室
  icp: 浙ICP备12345678号
  site_code: "3301999001"
  police: 浙公网安备 33019902000001号
"""

FILES = {
    # -- meetings ----------------------------------------------------------------------------------
    "content/sessions/1-1.md": """
        ---
        title: 样例区第一届人民代表大会第一次会议
        start: 2021-07-19
        end: 2021-07-23
        ---
        会议选举产生了区人大常委会组成人员。
        """,
    "content/sessions/changwei/1-c2.md": """
        ---
        title: 区一届人大常委会第二次会议
        start: 2021-09-28
        end: 2021-09-28
        type: 常委会会议
        ---
        会议决定设立代表工作委员会。
        """,
    "content/sessions/changwei/1-c3.md": """
        ---
        title: 区一届人大常委会第三次会议
        start: 2021-10-28
        end: 2021-10-29
        type: 常委会会议
        place: 区行政中心
        ---
        会议审查批准了预算调整方案，表决通过了任免名单。
        """,
    "content/sessions/changwei/1-c5.md": """
        ---
        title: 区一届人大常委会第五次会议
        start: 2022-03-01
        end: 2022-03-01
        type: 常委会会议
        ---
        会议表决通过了人事任免事项。
        """,
    "content/sessions/changwei/2-c1.md": """
        ---
        title: 区二届人大常委会第一次会议
        start: 2027-02-01
        end: 2027-02-02
        type: 常委会会议
        ---
        尚未召开。
        """,
    # -- people ------------------------------------------------------------------------------------
    "content/deputies/xiasha/王爽.md": """
        ---
        name: 王爽
        role: 人大代表
        occupation: 下沙街道社区工作者
        ---
        下沙街道的区人大代表。
        """,
    "content/deputies/li-ming.md": """
        ---
        name: 李明
        role: 人大代表
        ---
        区人大代表。
        """,
    "content/deputies/zhang-hua.md": """
        ---
        name: 张华
        role: 政协委员
        ---
        政协委员，没有任免记录。
        """,
    # -- resolutions (决议决定) --------------------------------------------------------------------
    "content/resolutions/2021/yu-suan-tiao-zheng.md": """
        ---
        title: 关于批准2021年区级预算调整方案的决议
        meeting: 1-c3
        adopted: 2021-10-29
        number: 样例人大常〔2021〕12号
        topics: [财政预算]
        ---
        区一届人大常委会第三次会议听取了区人民政府关于2021年区级预算调整方案的报告，决定批准这一方案。

        会议要求区人民政府严格执行调整后的预算。
        """,
    "content/resolutions/2021/关于设立代表工作委员会的决定.md": """
        ---
        title: 关于设立区人大常委会代表工作委员会的决定
        meeting: 1-c2
        adopted: 2021-09-28
        ---
        为加强代表工作，决定设立区人大常委会代表工作委员会。
        """,
    "content/resolutions/2021/gong-zuo-bao-gao-jue-yi.md": """
        ---
        title: 关于区人大常委会工作报告的决议
        meeting: 1-1
        adopted: 2021-07-23
        topics: [民主法治]
        ---
        样例区第一届人民代表大会第一次会议批准区人大常委会工作报告。
        """,
    "content/resolutions/2022/ren-mian-jue-ding.md": """
        ---
        title: 关于接受王爽辞去区人大常委会委员职务的决定
        meeting: 1-c5
        adopted: 2022-03-01
        number: 样例人大常〔2022〕3号
        ---
        会议决定接受王爽辞去区人大常委会委员职务的请求，详见[任免名单](../../appointments/1-c5-ren-mian.md)。
        """,
    "content/resolutions/draft-resolution.md": """
        ---
        title: 尚在起草的决议
        meeting: 1-c5
        adopted: 2022-03-01
        draft: true
        ---
        草稿，不发布。
        """,
    "content/resolutions/future-resolution.md": """
        ---
        title: 下届常委会的决定
        meeting: 2-c1
        adopted: 2027-02-01
        ---
        通过日期在构建日之后。
        """,
    # -- appointments (人事任免) -------------------------------------------------------------------
    # the contract's own example, verbatim
    "content/appointments/1-c3-ren-mian.md": """
        ---
        title: 区一届人大常委会第三次会议任免名单
        meeting: 1-c3
        date: 2021-10-28
        entries:
          - {name: 张三, action: 任命, post: 区发展和改革局局长}
          - {name: 李四, action: 免去, post: 区教育局局长}
          - {name: 王爽, action: 任命, post: 区人大常委会委员, person: 王爽}
        ---
        （以上名单经区一届人大常委会第三次会议表决通过。）
        """,
    "content/appointments/1-c5-ren-mian.md": """
        ---
        title: 区一届人大常委会第五次会议任免名单
        meeting: 1-c5
        date: 2022-03-01
        entries:
          - name: 王爽
            action: 接受辞职
            post: 区人大常委会委员
            person: 王爽
          - {name: 周明, action: 决定任命, post: 副区长}
          - {name: 吴刚, action: 决定免去, post: 副区长}
          - {name: 郑洁, action: 批准任命, post: 检察长, organ: 区人民检察院}
          - {name: 李明, action: 任命, post: 审判员, organ: 区人民法院, person: li-ming}
          - {name: 冯强, action: 撤销职务, post: 区某局副局长职务}
        ---
        （以上任免事项经区一届人大常委会第五次会议表决通过。）
        """,
    "content/appointments/1-c2-ren-mian.md": """
        ---
        title: 区一届人大常委会第二次会议任免名单
        meeting: 1-c2
        date: 2021-09-28
        entries:
          - {name: 李明, action: 任命, post: 区人大常委会代表工作委员会主任, person: 李明}
        ---
        """,
    # -- notices (通知公告) ------------------------------------------------------------------------
    "content/notices/2026/li-fa-ji-hua.md": """
        ---
        title: 关于征集2027年区人大常委会立法计划项目的通知
        date: 2026-11-01
        number: 样例人大常办〔2026〕8号
        until: 2026-11-27
        ---
        现面向社会公开征集立法计划项目建议，截止到2026年11月27日。
        """,
    "content/notices/2026/zhi-ding.md": """
        ---
        title: 关于区人大常委会接待群众来访的公告
        date: 2026-10-01
        until: 2026-12-31
        pinned: true
        ---
        区人大常委会每月第一个星期三接待群众来访。
        """,
    "content/notices/2026/zui-xin.md": """
        ---
        title: 关于调整区人大常委会办公地点的通知
        date: 2026-11-20
        pinned: false
        ---
        区人大常委会办公室自即日起迁至区行政中心三号楼。
        """,
    "content/notices/2025/jiu-tong-zhi.md": """
        ---
        title: 关于2025年端午节放假安排的通知
        date: 2025-05-20
        until: 2025-06-02
        pinned: true
        ---
        端午节放假三天。
        """,
    "content/notices/2024/geng-jiu.md": """
        ---
        title: 关于征求代表建议办理工作意见的公告
        date: 2024-03-01
        until: 2024-03-15
        ---
        征求意见的期限已经结束。
        """,
    "content/notices/2026/wei-lai.md": """
        ---
        title: 关于召开区二届人大常委会第一次会议的公告
        date: 2026-12-01
        ---
        发布日期在构建日之后。
        """,
}

# Published entry pages: URL -> title (the one <h1>).
PAGES = {
    "resolutions/yu-suan-tiao-zheng/": "关于批准2021年区级预算调整方案的决议",
    "resolutions/guan-yu-she-li-dai-biao-gong-zuo-wei-yuan-hui-de-jue-ding/": "关于设立区人大常委会代表工作委员会的决定",
    "resolutions/gong-zuo-bao-gao-jue-yi/": "关于区人大常委会工作报告的决议",
    "resolutions/ren-mian-jue-ding/": "关于接受王爽辞去区人大常委会委员职务的决定",
    "appointments/1-c3-ren-mian/": "区一届人大常委会第三次会议任免名单",
    "appointments/1-c5-ren-mian/": "区一届人大常委会第五次会议任免名单",
    "appointments/1-c2-ren-mian/": "区一届人大常委会第二次会议任免名单",
    "notices/li-fa-ji-hua/": "关于征集2027年区人大常委会立法计划项目的通知",
    "notices/zhi-ding/": "关于区人大常委会接待群众来访的公告",
    "notices/zui-xin/": "关于调整区人大常委会办公地点的通知",
    "notices/jiu-tong-zhi/": "关于2025年端午节放假安排的通知",
    "notices/geng-jiu/": "关于征求代表建议办理工作意见的公告",
}
# Kept out: a draft and items dated after the build day.
UNPUBLISHED = ("resolutions/draft-resolution/", "resolutions/future-resolution/", "notices/wei-lai/",
               "sessions/2-c1/")
