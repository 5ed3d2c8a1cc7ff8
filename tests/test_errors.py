"""Broken content: every kind of mistake gets a clear message, exit 1, and the site published
before stays exactly as it was.

A small valid site is built once; each case then breaks it in one way (and adds one harmless
news item, so that a build which published anyway could not go unnoticed), and builds it
with the real command line into a copy of that published output. The cases run side by side.
Each message must name the file (relative to the site), the line where it is known and the
field where there is one, say what is wrong in Chinese and what to do instead (改法).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PROJECT, TODAY, copy_output, run_build, snapshot, tiny_png, write_site

SITE_YAML = """\
title: 测试区人民代表大会常务委员会
base_url: https://www.example.gov.cn/renda/
language: zh-CN
topics: [医疗卫生, 交通出行, 教育]
footer:
  sponsor: 测试区人大常委会办公室
  icp: 浙ICP备00000000号
"""

SESSION = """\
---
title: 测试区第一届人民代表大会第一次会议
start: 2021-07-19
end: 2021-07-23
---
会议听取和审议了工作报告。
"""

VOICE = """\
---
title: 以优质医疗资源为引领
session: 1-1
kind: 代表
speaker: 周道杨
topics: [医疗卫生]
---
人大代表周道杨建议提升基层医疗水平。
"""

NEWS = """\
---
title: 区一届人大一次会议开幕
date: 2021-07-19
session: 1-1
people: [周道杨]
---
会议今天开幕。

详见[会议](../sessions/1-1.md)。
"""

BASE = {
    "content/sessions/1-1.md": SESSION,
    "content/deputies/周道杨.md": "---\nname: 周道杨\nrole: 人大代表\nphoto: people/zhou.png\n---\n医疗卫生工作者。\n",
    "content/deputies/li-ming.md": "---\nname: 李明\nrole: 人大代表\n---\n社区工作者。\n",
    "content/deputies/zhang-hua.md": "---\nname: 张华\nrole: 政协委员\n---\n政协委员。\n",
    "content/voices/2021/zhou.md": VOICE,
    "content/news/kai-mu.md": NEWS,
    "content/reports/work-report.md": "---\ntitle: 工作报告\ndate: 2021-07-21\nsession: 1-1\n---\n报告正文。\n",
    "content/pages/about.md": "---\ntitle: 关于本站\norder: 1\n---\n本站发布测试区人大的公开信息。\n",
    "media/people/zhou.png": tiny_png(1),
}
CANARY = {"content/news/canary.md": "---\ntitle: 新增的一条新闻\ndate: 2021-07-20\n---\n若网站被发布，这一页就会出现。\n"}


def voice(**change: str) -> str:
    """The base voice with some front-matter lines replaced (value None: line removed)."""
    return _replace(VOICE, change)


def news(**change: str) -> str:
    return _replace(NEWS, change)


def _replace(text: str, change: dict) -> str:
    lines = text.split("\n")
    out = []
    for line in lines:
        key = line.split(":", 1)[0]
        if key in change and ":" in line and not line.startswith(" "):
            if change[key] is not None:
                out.append(f"{key}: {change[key]}" if change[key] != "" else f"{key}:")
        else:
            out.append(line)
    return "\n".join(out)


@dataclass
class Case:
    """One way to break the site, and the message lines it must give: (file, line, field, texts)."""

    files: dict[str, str | bytes | None]
    # (file, line, field, texts); two files: either one named first, the other in the message
    expect: list[tuple[str | tuple[str, str], int | None, str | None, tuple[str, ...]]]
    site_yaml: str | None = None


V = "content/voices/2021/zhou.md"
N = "content/news/kai-mu.md"

S = "content/suggestions/2021/qi-ge.md"
SUGGESTION = "---\ntitle: 关于七格公园提升改造的建议\nsession: 1-1\ndeputies: [{who}]\n---\n建议正文。\n"
REPORT = "content/reports/work-report.md"
# PyYAML's own words: none may reach an editor
PARSER_WORDS = re.compile(r"\b(expected|found|while|scanning|parsing|mapping|token|could not|character|"
                          r"block|flow|scalar|document|stream|alias|anchor|simple key|node)\b", re.I)

# The mistakes an editor makes on a Chinese keyboard, and the ones the issue found published with exit 0.
# Each expects the line where the mistake is and the corrected line in the message.
SLIPS: dict[str, Case] = {
    "full-width-colon": Case({N: news(title=None).replace("---\n", "---\ntitle：区一届人大一次会议开幕\n", 1)},
                             [(N, 2, None, ("全角", "改为：title: 区一届人大一次会议开幕"))]),
    "full-width-colon-and-space": Case({N: news(session="1-1\nauthor： 王小编")},
                                       [(N, 5, None, ("全角", "改为：author: 王小编"))]),
    "no-space-after-colon": Case({V: voice(topics="[医疗卫生]\nreporter:记者 张华颖")},
                                 [(V, 7, None, ("冒号后面缺少空格", "改为：reporter: 记者 张华颖"))]),
    "no-space-after-colon-on-the-first-line": Case({N: news(title=None).replace("---\n", "---\ntitle:开幕\n", 1)},
                                                   [(N, 2, None, ("冒号后面缺少空格", "改为：title: 开幕"))]),
    "full-width-comma-in-a-list": Case({V: voice(topics="[医疗卫生，教育]")},
                                       [(V, 6, None, ("中文逗号", "改为：topics: [医疗卫生, 教育]"))]),
    "enumeration-comma-in-a-list": Case({N: news(people="[周道杨、李明]")},
                                        [(N, 5, None, ("“、”", "改为：people: [周道杨, 李明]"))]),
    "full-width-brackets": Case({V: voice(topics="【医疗卫生，教育】")},
                                [(V, 6, None, ("全角括号", "改为：topics: [医疗卫生, 教育]"))]),
    "ideographic-space-indent": Case({N: news(people="\n\u3000- 周道杨")},
                                     [(N, 6, None, ("全角空格", "改为（行首空 2 个半角空格）：- 周道杨"))]),
    "ideographic-space-before-a-field": Case({N: news(session="1-1\n\u3000\u3000author: 王小编")},
                                             [(N, 5, None, ("全角空格", "改为：author: 王小编"))]),
    "tab-after-the-colon": Case({N: news(session="1-1\nauthor:\t王小编")},
                                [(N, 5, None, ("Tab", "改为：author: 王小编"))]),
    "unclosed-quote": Case({N: news(title='"区一届人大一次会议开幕')},
                           [(N, 2, None, ("引号没有配对", '改为：title: "区一届人大一次会议开幕"'))]),
    "quote-around-part-of-a-value": Case({N: news(title='"两会"观察员看开幕')},
                                         [(N, 2, None, ("引号只包住了", """改为：title: '"两会"观察员看开幕'"""))]),
    "unclosed-bracket": Case({N: news(people="[周道杨")}, [(N, 5, None, ("方括号", "改为：people: [周道杨]"))]),
    # two slips in one file: both reported in one run
    "two-slips": Case({N: news(title="区一届人大一次会议开幕\nauthor：王小编", people="[周道杨，李明]")},
                      [(N, 3, None, ("全角", "改为：author: 王小编")), (N, 6, None, ("中文逗号", "people: [周道杨, 李明]"))]),
    # an unknown field is an error (it was a warning: the voice went out without its 记者 line)
    "misspelt-optional-field": Case({V: voice(topics="[医疗卫生]\nreportor: 记者 张华颖")},
                                    [(V, 7, "reportor", ("是不是想写 reporter", "改为：reporter: 记者 张华颖"))]),
    "field-written-in-chinese": Case({V: voice(topics="[医疗卫生]\n记者: 记者 张华颖")},
                                     [(V, 7, "记者", ("reporter", "改为：reporter: 记者 张华颖"))]),
    "unknown-field": Case({N: news(session="1-1\nweather: 晴")},
                          [(N, 5, "weather", ("weather", "title、date、session"))]),
    # did you mean: the nearest names by characters and by pinyin, with the line corrected
    "speaker-of-the-same-sound": Case({"content/deputies/li-ming-hua.md": "---\nname: 李明华\nrole: 人大代表\n---\n",
                                       V: voice(speaker="李明化")},
                                      [(V, 5, "speaker", ("是不是 李明华", "改为：speaker: 李明华"))]),
    "speaker-one-character-off": Case({V: voice(speaker="周道扬")},
                                      [(V, 5, "speaker", ("是不是 周道杨", "改为：speaker: 周道杨"))]),
    "person-in-a-list": Case({N: news(people="[周道杨, 李民]")},
                             [(N, 5, "people", ("是不是 李明", "改为：people: [周道杨, 李明]"))]),
    "person-in-a-list-one-per-line": Case({N: news(people="\n  - 周道杨\n  - 李民")},
                                          [(N, 7, "people", ("是不是 李明", "改为：- 李明"))]),
    "deputy-of-a-suggestion": Case({S: SUGGESTION.format(who="周到杨")},
                                   [(S, 4, "deputies", ("是不是 周道杨", "改为：deputies: [周道杨]"))]),
    # a date in another common form: the corrected date in the message
    "date-with-dots": Case({N: news(date="2021.7.19")}, [(N, 3, "date", ("2021.7.19", "改为：date: 2021-07-19"))]),
    "date-in-chinese": Case({N: news(date="2021年7月19日")}, [(N, 3, "date", ("2021年7月19日", "改为：date: 2021-07-19"))]),
    "date-of-a-report": Case({REPORT: BASE[REPORT].replace("2021-07-21", "2021/07/21")},
                             [(REPORT, 3, "date", ("改为：date: 2021-07-21",))]),
    # links only the finished site can judge: now refused by the build, as `check` refuses them
    "site-path-to-no-page": Case({N: NEWS + "\n见[周道杨代表](/deputies/zhou-dao-yan/)。\n"},
                                 [(N, 11, None, ("/deputies/zhou-dao-yan/", "没有这个页面", "改为 ../deputies/周道杨.md"))]),
    "site-path-to-a-voice": Case({N: NEWS + "\n见[心声](/voices/ye-jian-men-zhen/)。\n"},
                                 [(N, 11, None, ("/voices/ye-jian-men-zhen/", "没有这个页面"))]),
    "anchor-on-another-page": Case({REPORT: BASE[REPORT] + "\n## 一、主要工作\n\n## 二、存在的问题\n",
                                    N: NEWS + "\n见[报告](../reports/work-report.md#二、主要问题)。\n"},
                                   [(N, 11, None, ("#二、主要问题", "改为 ../reports/work-report.md#二、存在的问题"))]),
    "anchor-on-its-own-page": Case({N: NEWS + "\n## 一、开幕\n\n见[上文](#一、开幕式)。\n"},
                                   [(N, 13, None, ("#一、开幕式", "改为 #一、开幕"))]),
    "anchor-on-a-page-without-headings": Case({N: NEWS.replace("../sessions/1-1.md", "../sessions/1-1.md#议程")},
                                              [(N, 9, None, ("#议程", "没有小标题"))]),
    "anchor-on-a-site-path": Case({N: NEWS + "\n见[代表](/deputies/zhou-dao-yang/#lv-li)。\n"},
                                  [(N, 11, None, ("#lv-li", "不存在"))]),
}


CASES: dict[str, Case] = {
    # -- the classes of the issue -------------------------------------------------------------
    "missing-field": Case({V: voice(title=None)}, [(V, 1, "title", ("缺少必填字段 title",))]),
    "required-field-empty": Case({V: voice(title="")}, [(V, 2, "title", ("必填字段 title 是空的",))]),
    "unknown-speaker": Case({V: voice(speaker="王五")},
                            [(V, 5, "speaker", ("找不到", "王五", "人大代表", "市民"))]),
    "ambiguous-name": Case({"content/deputies/li-ming-2.md": "---\nname: 李明\nrole: 人大代表\n---\n",
                            V: voice(speaker="李明")},
                           [(V, 5, "speaker", ("2 位同名", "李明", "li-ming", "li-ming-2"))]),
    # 周道杨 is the id of 周道杨.md and also the name in zhou2.md: one value naming two people
    "id-is-another-persons-name": Case({"content/deputies/zhou2.md": "---\nname: 周道杨\nrole: 人大代表\n---\n"},
                                       [(V, 5, "speaker", ("既是", "周道杨.md", "周道杨、zhou2")),
                                        (N, 5, "people", ("既是", "周道杨.md", "周道杨、zhou2"))]),
    # a person's wrong role is said once, in their file, not again where a voice names them
    "wrong-role-in-the-persons-file": Case({"content/deputies/zhang-hua.md": "---\nname: 张华\nrole: 委员\n---\n",
                                            V: voice(kind="委员", speaker="张华")},
                                           [("content/deputies/zhang-hua.md", 3, "role", ("委员",))]),
    # media/会场.png is published as media/hui-chang.png (every URL ASCII): two files, one address
    "media-names-on-one-address": Case({"media/会场.png": tiny_png(1), "media/hui-chang.png": tiny_png(2)},
                                       [("media/会场.png", None, None, ("media/hui-chang.png", "同一个地址"))]),
    "unknown-topic": Case({V: voice(topics="[医疗卫生, 体育]")},
                          [(V, 6, "topics", ("体育", "没有在 site.yaml 中声明", "医疗卫生、交通出行、教育"))]),
    "bad-date-format": Case({N: news(date="2021/7/19")}, [(N, 3, "date", ("2021/7/19", "YYYY-MM-DD", "date: 2021-07-19"))]),
    "impossible-date": Case({N: news(date="2021-02-30")}, [(N, 3, "date", ("2021-02-30", "不是存在的日期"))]),
    "bad-yaml": Case({N: news(people="[周道杨")}, [(N, 5, None, ("YAML 格式有误", "方括号 [ ] 没有配对"))]),
    "bad-yaml-colon": Case({N: news(title="会议开幕: 代表报到")},
                           [(N, 2, None, ("YAML 格式有误", "含冒号的文字要整段加引号", 'title: "会议开幕: 代表报到"'))]),
    "yaml-tab-indent": Case({N: news(people="\n\t- 周道杨")}, [(N, 6, None, ("Tab", "改为（行首空 2 个半角空格）：- 周道杨"))]),
    "bad-yaml-tag": Case({N: news(date="!!int 二〇二一")}, [(N, 3, None, ("YAML 格式有误", "!!"))]),
    "no-front-matter": Case({N: "# 区一届人大一次会议开幕\n\n会议今天开幕。\n"}, [(N, 1, None, ("没有 front matter",))]),
    "unclosed-front-matter": Case({N: "---\ntitle: 开幕\ndate: 2021-07-19\n会议今天开幕。\n"},
                                  [(N, 1, None, ("没有结束的 ---",))]),
    "non-mapping-front-matter": Case({N: "---\n- 区一届人大一次会议开幕\n- 2021-07-19\n---\n正文\n"},
                                     [(N, 2, None, ("字段: 值",))]),
    "duplicate-url": Case({"content/deputies/王伟.md": "---\nname: 王伟\nrole: 人大代表\n---\n",
                           "content/deputies/wang-wei.md": "---\nname: 王伟\nrole: 政协委员\n---\n"},
                          [(("content/deputies/王伟.md", "content/deputies/wang-wei.md"), None, "slug",
                            ("/deputies/wang-wei/", "同一个网址"))]),
    "duplicate-url-by-slug": Case({"content/news/bi-mu.md": "---\ntitle: 闭幕\ndate: 2021-07-23\nslug: kai-mu\n---\n"},
                                  [("content/news/bi-mu.md", 4, "slug", ("/news/kai-mu/", "同一个网址", N))]),
    "broken-markdown-link": Case({N: NEWS.replace("../sessions/1-1.md", "../sessions/1-9.md")},
                                 [(N, 9, None, ("../sessions/1-9.md", "不存在"))]),
    "broken-media-link": Case({N: NEWS + "\n![照片](../../media/people/nobody.png)\n"},
                              [(N, 11, None, ("media/people/nobody.png", "不存在"))]),
    "media-link-from-the-wrong-folder": Case({N: NEWS + "\n[议程](../media/agenda.pdf)\n"},  # media/ is ../../ from here
                                             [(N, 11, None, ("content/media/agenda.pdf", "不是内容文件", "media/"))]),
    "link-to-a-page-url-instead-of-its-file": Case({N: NEWS.replace("../sessions/1-1.md", "../sessions/1-1/")},
                                                   [(N, 9, None, ("content/sessions/1-1", ".md"))]),
    "bad-encoding": Case({N: NEWS.encode("gbk")}, [(N, 2, None, ("UTF-8",))]),
    "bad-slug": Case({N: news(title="区一届人大一次会议开幕\nslug: Kai_Mu")},
                     [(N, 3, "slug", ("Kai_Mu", "小写英文字母、数字和连字符"))]),
    "chinese-slug": Case({N: news(title="区一届人大一次会议开幕\nslug: 开幕")}, [(N, 3, "slug", ("开幕",))]),
    # -- and the others the contract names ------------------------------------------------------
    "end-before-start": Case({"content/sessions/1-1.md": SESSION.replace("end: 2021-07-23", "end: 2021-07-18")},
                             [("content/sessions/1-1.md", 4, "end", ("2021-07-18", "早于", "2021-07-19"))]),
    "wrong-role-for-kind": Case({V: voice(kind="委员")},
                                [(V, 5, "speaker", ("周道杨", "人大代表", "不是政协委员", "kind 改为 代表"))]),
    "unknown-session": Case({V: voice(session="9-9")}, [(V, 3, "session", ("9-9", "1-1"))]),
    "unknown-site-key": Case({}, [("site.yaml", 4, "paginte", ("未知的键 paginte", "是不是想写 paginate"))],
                             site_yaml=SITE_YAML.replace("topics:", "paginte: 10\ntopics:", 1)),
    "unknown-footer-key": Case({}, [("site.yaml", 6, "footer.sponser", ("footer.sponser", "footer.sponsor"))],
                               site_yaml=SITE_YAML.replace("  sponsor:", "  sponser:")),
    "bad-base-url": Case({}, [("site.yaml", 2, "base_url", ("www.example.gov.cn", "https://"))],
                         site_yaml=SITE_YAML.replace("https://www.example.gov.cn/renda/", "www.example.gov.cn")),
    "bad-site-yaml": Case({}, [("site.yaml", 4, None, ("YAML 格式有误", "方括号 [ ] 没有配对", "topics: [医疗卫生, 交通出行]"))],
                          site_yaml=SITE_YAML.replace("[医疗卫生, 交通出行, 教育]", "[医疗卫生, 交通出行")),
    "duplicate-id-in-sub-folders": Case({"content/voices/2022/zhou.md": voice(title="另一条心声")},
                                        [("content/voices/2022/zhou.md", None, None, ("zhou", V, "重复"))]),
    # a link to the file that lost (it exists, it did not load): its own error says it all
    "duplicate-id-linked-to": Case({"content/voices/2022/zhou.md": voice(title="另一条心声"),
                                    N: NEWS.replace("../sessions/1-1.md", "../voices/2022/zhou.md")},
                                   [("content/voices/2022/zhou.md", None, None, ("zhou", V, "重复"))]),
    "page-slug-is-a-section": Case({"content/pages/news.md": "---\ntitle: 新闻页\n---\n"},
                                   [("content/pages/news.md", None, "slug", ("/news/", "栏目"))]),
    "page-explicit-slug-is-a-section": Case({"content/pages/about.md": "---\ntitle: 关于\nslug: voices\n---\n"},
                                            [("content/pages/about.md", 3, "slug", ("/voices/", "栏目"))]),
    "missing-photo": Case({"content/deputies/周道杨.md": BASE["content/deputies/周道杨.md"].replace("zhou.png", "nobody.jpg")},
                          [("content/deputies/周道杨.md", 4, "photo", ("people/nobody.jpg", "media/"))]),
    "list-where-text-expected": Case({N: news(title="[区一届人大, 一次会议开幕]")},
                                     [(N, 2, "title", ("应是一段文字", "列表"))]),
    "mapping-where-list-expected": Case({N: news(people="{代表: 周道杨}")}, [(N, 5, "people", ("不是文字",))]),
    "unknown-person-in-news": Case({N: news(people="[周道杨, 赵六]")}, [(N, 5, "people", ("赵六",))]),
    "bad-choice": Case({V: voice(kind="群众")}, [(V, 4, "kind", ("群众", "代表 或 委员 或 市民"))]),
    # ignored, a misspelt draft: true would publish what the editor held back: an error
    "misspelt-draft": Case({N: news(title="区一届人大一次会议开幕\ndarft: true")}, [(N, 3, "darft", ("draft", "草稿"))]),
    "capitalised-draft": Case({N: news(title="区一届人大一次会议开幕\nDraft: true")}, [(N, 3, "Draft", ("draft",))]),
    # opened from the site's address, these would run there: refused, a benign SVG is not
    "media-web-page": Case({"media/附件/说明.html": "<script>alert(1)</script>", "media/ok.svg": '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'},
                           [("media/附件/说明.html", None, None, ("网页和脚本文件",))]),
    "media-svg-with-script": Case({"media/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'},
                                  [("media/logo.svg", None, None, ("SVG", "脚本"))]),
    # YAML keeps the last of two equal keys without a word: both lines named
    "duplicate-key": Case({N: news(title="区一届人大一次会议开幕\ntitle: 重复标题")}, [(N, 3, None, ("title 写了两次", "第 2 行和第 3 行"))]),
    "duplicate-site-key": Case({}, [("site.yaml", 3, None, ("base_url 写了两次", "第 2 行和第 3 行"))],
                               site_yaml=SITE_YAML.replace("language:", "base_url: https://staging.example.cn/\nlanguage:", 1)),
    "link-above-the-site": Case({N: NEWS + "\n见[口令](../../../../etc/passwd)。\n"},
                                [(N, 11, None, ("../../../../etc/passwd", "网站文件夹之外"))]),
    # one broken file, one error: voices and news naming that person add none ("找不到" would be wrong)
    "person-file-that-does-not-load": Case({"content/deputies/周道杨.md": '---\nname: 周道杨\nrole: "人大代表\n---\n'},
                                           [("content/deputies/周道杨.md", 3, None, ("YAML 格式有误",))]),
    "session-file-that-does-not-load": Case({"content/sessions/1-1.md": "---\ntitle: [第一次会议\n---\n"},
                                            [("content/sessions/1-1.md", 2, None, ("YAML 格式有误",))]),
    "topics-without-brackets": Case({V: voice(topics="医疗卫生, 教育")},
                                    [(V, 6, "topics", ("写成了一段文字", "topics: [医疗卫生, 教育]"))]),
    "base-url-with-a-space": Case({}, [("site.yaml", 2, "base_url", ("空格、引号或中文",))],
                                  site_yaml=SITE_YAML.replace("https://www.example.gov.cn/renda/", "https://www.exa mple.gov.cn/renda/")),
    "language-not-a-tag": Case({}, [("site.yaml", 3, "language", ("中文", "zh-CN"))],
                               site_yaml=SITE_YAML.replace("language: zh-CN", "language: 中文")),
    "site-code-as-a-number": Case({}, [("site.yaml", 8, "footer.site_code", ("开头的 0", "加上引号"))],
                                  site_yaml=SITE_YAML + "  site_code: 0000000000\n  police: 浙公网安备 33000000000000号\n"),
    "bad-bool": Case({N: news(title="区一届人大一次会议开幕\ndraft: 是")}, [(N, 3, "draft", ("true 或 false",))]),
    # -- the slips of issue 19: each named on its own line, said in Chinese, shown corrected --------
    **SLIPS,
}


@dataclass
class Run:
    result: subprocess.CompletedProcess
    before: dict[str, bytes]
    stats: dict[str, tuple[int, int]]
    out: Path


def stats(folder: Path) -> dict[str, tuple[int, int]]:
    """mtime and inode of every file: proves not even an identical rewrite happened."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The good site, built once: the output every broken build must leave alone."""
    root = tmp_path_factory.mktemp("errors")
    site = write_site(root / "good", BASE, SITE_YAML)
    result = run_build(site, out=root / "public")
    assert result.returncode == 0, result.stderr
    return root / "public"


def make_case(root: Path, name: str, case: Case, cache: Path) -> Path:
    """The good site broken one way, with the cache its last good build left (as an editor's would be)."""
    files: dict[str, str | bytes] = {**BASE, **CANARY}
    for rel, data in case.files.items():
        if data is None:
            files.pop(rel, None)
        else:
            files[rel] = data
    site = write_site(root / name / "site", files, case.site_yaml or SITE_YAML)
    if cache.is_dir():
        shutil.copytree(cache, site / ".cache")
    return site


@pytest.fixture(scope="module")
def runs(published, tmp_path_factory) -> dict[str, Run]:
    root = tmp_path_factory.mktemp("broken")

    def one(name: str) -> tuple[str, Run]:
        site = make_case(root, name, CASES[name], published.parent / "good" / ".cache")
        out = root / name / "public"
        copy_output(published, out)
        before, st = snapshot(out), stats(out)
        return name, Run(run_build(site, out=out), before, st, out)

    with ThreadPoolExecutor(max(2, min(6, (os.cpu_count() or 2) * 2))) as pool:
        return dict(pool.map(one, CASES))


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": 错误: " in line]


@pytest.mark.parametrize("name", list(CASES))
def test_broken_content_is_reported_and_nothing_is_published(runs, name):
    run, case = runs[name], CASES[name]
    result = run.result
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stdout == ""
    errors = error_lines(result.stderr)
    assert len(errors) == len(case.expect), result.stderr
    for paths, line, fieldname, texts in case.expect:
        pairs = [(paths, "")] if isinstance(paths, str) else [(paths[0], paths[1]), (paths[1], paths[0])]
        found = []
        for path, other in pairs:
            head = (f"{path}:{line}: 错误: " if line else f"{path}: 错误: ") + (f"字段 {fieldname}：" if fieldname else "")
            found += [(head, e) for e in errors if e.startswith(head) and other in e[len(head):]]
        assert found, f"no line starting {head!r} in:\n{result.stderr}"
        head, message = found[0]
        for piece in texts:
            assert piece in message, f"{piece!r} not in {message!r}"
        assert re.search(r"[\u4e00-\u9fff]", message[len(head):])  # said in Chinese
        assert not PARSER_WORDS.search(message), message  # said in Chinese, with no parser's English
        assert " 改法：" in message  # and what would be right
    assert result.stderr.rstrip().endswith(f"发现 {len(case.expect)} 个错误，网站没有发布；原来发布的网站保持不变。")
    # the site published before is exactly as it was: bytes, and not even rewritten
    assert snapshot(run.out) == run.before
    assert stats(run.out) == run.stats
    assert not [p for p in run.out.parent.iterdir() if ".tmp-" in p.name]


def test_there_are_at_least_fifteen_kinds_of_broken_content():
    assert len(CASES) >= 15


def test_good_site_is_good(published):
    """The base every case breaks builds cleanly: the cases fail for their own reason alone."""
    assert (published / "news/kai-mu/index.html").is_file()
    assert (published / "deputies/zhou-dao-yang/index.html").is_file()
    assert not (published / "news/canary").exists()


def test_every_problem_is_reported_in_one_run(published, tmp_path):
    """Errors of every stage (site.yaml, reading, references, links, URLs) in different files, at once."""
    files = {
        **BASE,
        N: news(people="[周道杨"),  # YAML
        V: voice(speaker="王五"),  # unknown speaker
        "content/reports/work-report.md": "---\ntitle: 工作报告\ndate: 2021-07-21\nsession: 1-1\ntopics: [体育]\n---\n"
                                          "见[附件](../news/nope.md)。\n",  # unknown topic, broken link
        "content/pages/about.md": "---\ntitle: 关于本站\n---\n本站。\n".encode("gbk"),  # encoding
        "content/pages/news.md": "---\ntitle: 新闻\n---\n",  # a section's URL
        "content/sessions/1-1.md": SESSION.replace("end: 2021-07-23", "end: 2021-07-01"),  # end before start
    }
    site = write_site(tmp_path / "site", files, SITE_YAML.replace("language:", "langauge:"))
    # the real published output, built by this generator: manifest, spare folder and all
    before, st = snapshot(published), stats(published)
    beside = {p.name: p.read_bytes() for p in published.parent.iterdir() if p.is_file()}
    result = run_build(site, out=published)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = error_lines(result.stderr)
    expected = [
        "site.yaml:3: 错误: 字段 langauge：未知的键 langauge。 改法：是不是想写 language？",
        "content/news/kai-mu.md:5: 错误: front matter 的 YAML 格式有误",
        f"{V}:5: 错误: 字段 speaker：deputies/ 中找不到名为或 id 为“王五”的人大代表。",
        "content/reports/work-report.md:5: 错误: 字段 topics：专题“体育”没有在 site.yaml 中声明。",
        "content/reports/work-report.md:7: 错误: 链接 ../news/nope.md 指向的文件 content/news/nope.md 不存在。",
        "content/pages/about.md:2: 错误: 文件不是 UTF-8 编码",
        "content/pages/news.md: 错误: 字段 slug：网址 /news/ 与网站自带的栏目重名。",
        "content/sessions/1-1.md:4: 错误: 字段 end：闭幕日期 2021-07-01 早于开幕日期 2021-07-19。",
    ]
    for start in expected:
        assert any(e.startswith(start) for e in errors), f"{start!r} missing from:\n{result.stderr}"
    assert len(errors) == len(expected), result.stderr
    assert f"发现 {len(expected)} 个错误" in result.stderr
    assert snapshot(published) == before and stats(published) == st
    assert {p.name: p.read_bytes() for p in published.parent.iterdir() if p.is_file()} == beside


def test_a_first_build_with_errors_creates_no_output(tmp_path):
    site = write_site(tmp_path / "site", {**BASE, V: voice(session="9-9")}, SITE_YAML)
    result = run_build(site, out=tmp_path / "public")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "public").exists()


def test_a_site_path_link_an_anchor_and_a_theme_anchor_that_exist_build(tmp_path):
    """The links the build now checks, written right: a site path, a heading by its text, the theme's own ids."""
    files = {**BASE, REPORT: BASE[REPORT] + "\n## 一、主要工作\n\n正文。\n",
             N: NEWS + "\n见[代表](/deputies/zhou-dao-yang/)、[首页](/)、[订阅](/feeds/all.xml)、"
                       "[报告](../reports/work-report.md#一、主要工作)、[会议心声](../sessions/1-1.md#voices)"
                       "和[正文](#main)。\n"}
    site = write_site(tmp_path / "site", files, SITE_YAML)
    result = run_build(site, out=tmp_path / "public")
    assert result.returncode == 0, result.stderr
    assert "错误" not in result.stderr


def test_a_drafts_broken_link_is_a_warning(tmp_path):
    """A draft is not published: its broken site-path link does not hold back the others' publishing."""
    draft = news(title="区一届人大一次会议开幕\ndraft: true") + "\n见[心声](/voices/ye-jian/)。\n"
    site = write_site(tmp_path / "site", {**BASE, "content/news/draft.md": draft}, SITE_YAML)
    result = run_build(site, out=tmp_path / "public")
    assert result.returncode == 0, result.stderr
    assert "content/news/draft.md:12: 警告: （草稿，不会发布）链接 /voices/ye-jian/ 在网站上没有这个页面。" \
        in result.stderr


# ---------------------------------------------------------------------------------------------
# Usage errors: exit 2, in Chinese, never a traceback
# ---------------------------------------------------------------------------------------------

def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


@pytest.mark.parametrize("args", [
    (),  # no command
    ("publish",),  # no such command
    ("build", "--bogus"),
    ("build", "--today", "2021-13-01"),
    ("build", "--today"),
    ("new",),  # no kind, no name
    ("new", "speech", "讲话"),  # no such kind
])
def test_usage_errors_exit_2(args):
    result = cli(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith("用法错误：")]
    assert len(said) == 1, result.stderr
    assert not re.search(r"\b(argument|required|invalid|choose|expected|unrecognized)\b", said[0]), said[0]


def test_a_folder_without_site_yaml_is_a_usage_error(tmp_path):
    result = cli("build", "--site", str(tmp_path), "--out", str(tmp_path / "public"))
    assert result.returncode == 2
    assert "没有 site.yaml" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "public").exists()


def test_an_output_folder_that_is_the_site_itself_is_a_usage_error(tmp_path):
    site = write_site(tmp_path / "site", BASE, SITE_YAML)
    before = snapshot(site)
    for out in (site, tmp_path):  # the site itself, or a folder holding it
        result = run_build(site, out=out, today=TODAY)
        assert result.returncode == 2, result.stderr
        assert "用法错误" in result.stderr and "--out" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(site) == before


@pytest.mark.parametrize("inside", ["content", "content/pages", "media", "templates", "static/css", ".cache"])
def test_an_output_folder_inside_the_editors_folders_is_a_usage_error(tmp_path, inside):
    """--out site/content/pages would replace the editor's pages with the built site."""
    files = {**BASE, "media/photo.txt": "照片说明", "templates/page.html": "{% extends 'base.html' %}\n",
             "static/css/x.css": "p{}\n", ".cache/keep.txt": "x"}
    site = write_site(tmp_path / "site", files, SITE_YAML)
    before = snapshot(site)
    result = run_build(site, out=site / inside, today=TODAY)
    assert result.returncode == 2, result.stderr
    assert "用法错误" in result.stderr and "--out" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(site) == before


@pytest.mark.parametrize("what", ["someone's folder", "a link to a folder", "a file"])
def test_an_output_that_is_not_a_previous_output_is_a_usage_error(tmp_path, what):
    """--out at a folder of somebody's files: publishing would swap it out (and the next build
    delete it). Refused before anything is built, with nothing left beside it."""
    site = write_site(tmp_path / "site", BASE, SITE_YAML)
    theirs = tmp_path / "docs"
    write_site(theirs, {"important.txt": "重要文件", "notes/a.md": "笔记"}, None)
    out = theirs
    if what == "a link to a folder":
        out = tmp_path / "pub"
        out.symlink_to(theirs)
    elif what == "a file":
        out = theirs / "important.txt"
    before, around = snapshot(theirs), sorted(p.name for p in tmp_path.iterdir())
    result = run_build(site, out=out, today=TODAY)
    assert result.returncode == 2, result.stderr
    assert "用法错误" in result.stderr and "--out" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(theirs) == before and sorted(p.name for p in tmp_path.iterdir()) == around
    assert not (tmp_path / "site" / ".cache").exists()  # refused before the build began


def test_an_empty_folder_or_an_earlier_output_may_be_the_output(tmp_path):
    site = write_site(tmp_path / "site", BASE, SITE_YAML)
    out = tmp_path / "www"
    out.mkdir()
    assert run_build(site, out=out, today=TODAY).returncode == 0  # empty: fine
    (site / N).write_text(NEWS.replace("开幕", "隆重开幕"), encoding="utf-8")
    assert run_build(site, out=out, today=TODAY).returncode == 0  # its own output: rebuilt


@pytest.mark.parametrize("name", ["kai-mu.md.txt", "kai-mu.MD", "kai-mu.markdown", "kai-mu.txt"])
def test_a_content_file_under_another_extension_is_a_warning_naming_the_fix(tmp_path, name):
    """Windows hides the last extension: 开幕.md.txt looks like 开幕.md to its editor."""
    site = write_site(tmp_path / "site", {**BASE, f"content/news/{name}": NEWS}, SITE_YAML)
    result = run_build(site, out=tmp_path / "public", today=TODAY)
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "扩展名" in line]
    assert len(warned) == 1 and warned[0].startswith(f"content/news/{name}: 警告: "), result.stderr
    assert "改名为 kai-mu.md" in warned[0]


def test_output_piped_into_a_program_that_stops_reading_is_no_traceback(tmp_path):
    """`python build.py build | head -0`: the site is built; the closed pipe is not a crash."""
    read, write = os.pipe()
    os.close(read)  # nobody will read the summary line
    try:
        proc = subprocess.run([sys.executable, str(PROJECT / "build.py"), "build", "--out", str(tmp_path / "public"),
                               "--today", "2026-11-27"], stdout=write, stderr=subprocess.PIPE, text=True,
                              cwd=PROJECT, timeout=300)
    finally:
        os.close(write)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1
    assert (tmp_path / "public" / "index.html").is_file()


def test_a_misspelt_footer_key_is_one_error_not_also_the_missing_items(tmp_path):
    """`fotter:` is named with its fix; the items it holds are not also reported missing."""
    site = write_site(tmp_path / "site", BASE, SITE_YAML.replace("footer:", "fotter:"))
    result = run_build(site, out=tmp_path / "public", today=TODAY)
    assert result.returncode == 1
    assert "未知的键 fotter" in result.stderr and "是不是想写 footer？" in result.stderr, result.stderr
    assert "页脚缺少" not in result.stderr, result.stderr


def test_missing_footer_items_are_a_warning_naming_each(tmp_path):
    """The contract's footer items (all but contact and error_report) belong on every page."""
    site = write_site(tmp_path / "site", BASE, SITE_YAML)  # SITE_YAML gives sponsor and icp only
    result = run_build(site, out=tmp_path / "public", today=TODAY)
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "页脚缺少" in line]
    assert len(warned) == 2 and all(w.startswith("site.yaml:") for w in warned), result.stderr
    assert "字段 footer.police：页脚缺少“公安备案号”" in warned[0] and "字段 footer.site_code：页脚缺少“网站标识码”" in warned[1]
    assert all("改法：" in w and "不要填写占位" in w for w in warned)
    home = (tmp_path / "public" / "index.html").read_text(encoding="utf-8")  # left out, not shown empty
    assert "网站标识码" not in home and "beian.mps.gov.cn" not in home and "beian.miit.gov.cn" in home
    full = SITE_YAML + '  site_code: "0000000000"\n  police: 浙公网安备 33000000000000号\n'
    (site / "site.yaml").write_text(full, encoding="utf-8")
    result = run_build(site, out=tmp_path / "public", today=TODAY)
    assert result.returncode == 0 and "页脚缺少" not in result.stderr, result.stderr


def test_a_link_may_name_a_heading_by_its_text(tmp_path):
    """Heading ids are pinyin, but editors write the heading as they see it: #前期工作回顾 (another
    file's heading, or this page's own) links to the heading's id, with no warning; `check`
    still reports a heading that is not there, naming the ones that are."""
    report = ("---\ntitle: 工作报告\ndate: 2021-07-21\nsession: 1-1\n---\n报告正文，见[第二部分](#二、下一步打算)。\n\n"
              "## 一、前期工作回顾\n\n筹备工作。\n\n## 二、下一步打算\n\n继续。\n")
    news = NEWS.replace("详见[会议](../sessions/1-1.md)。",
                        "详见[会议](../sessions/1-1.md)和[回顾](../reports/work-report.md#一、前期工作回顾)。")
    site = write_site(tmp_path / "site", {**BASE, "content/reports/work-report.md": report, N: news}, SITE_YAML)
    result = run_build(site, out=tmp_path / "public", today=TODAY)
    assert result.returncode == 0, result.stderr
    assert "锚点" not in result.stderr, result.stderr
    page = (tmp_path / "public/reports/work-report/index.html").read_text(encoding="utf-8")
    assert 'id="yi-qian-qi-gong-zuo-hui-gu"' in page and 'id="er-xia-yi-bu-da-suan"' in page
    assert 'href="#er-xia-yi-bu-da-suan"' in page
    news_page = next(text for p in (tmp_path / "public/news").rglob("index.html")
                     if "回顾</a>" in (text := p.read_text(encoding="utf-8")))
    assert 'work-report/#yi-qian-qi-gong-zuo-hui-gu">回顾</a>' in news_page
    checked = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--site", str(site)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (site / N).write_text(news.replace("#一、前期工作回顾", "#前期工作"), encoding="utf-8")
    checked = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--site", str(site)],
                             capture_output=True, text=True)
    errors = [line for line in checked.stderr.splitlines() if ": 错误: " in line]
    assert checked.returncode == 1 and len(errors) == 1, checked.stderr
    assert errors[0].startswith(f"{N}:9: 错误: ") and "锚点 #前期工作 " in errors[0]
    # the headings the page has, as the editor sees them, and the link corrected (the build says it too)
    assert "一、前期工作回顾、二、下一步打算" in errors[0]
    assert errors[0].endswith("改为 ../reports/work-report.md#一、前期工作回顾")


def test_a_topic_named_qita_is_a_warning(tmp_path):
    """其他 is where the session index puts voices without a topic: a declared 其他 would sit beside it."""
    site = write_site(tmp_path / "site", BASE, SITE_YAML.replace("topics: [医疗卫生, 交通出行, 教育]",
                                                                 "topics: [医疗卫生, 交通出行, 教育, 其他]"))
    result = run_build(site, out=tmp_path / "public", today=TODAY)
    assert result.returncode == 0, result.stderr
    assert any(line.startswith("site.yaml:4: 警告: 字段 topics：专题“其他”") for line in result.stderr.splitlines()), \
        result.stderr


def test_a_full_disk_is_one_line_and_leaves_its_space_behind(tmp_path, monkeypatch, capsys):
    """No space left while the working folder fills: one Chinese line (no traceback), exit 1,
    the published site as it was, and the half-made working folder deleted, so that the
    space it took is there for the next build."""
    import errno

    from generator import cli
    from generator.engine import writer
    site = write_site(tmp_path / "site", BASE, SITE_YAML)
    out = tmp_path / "public"
    args = ["build", "--site", str(site), "--out", str(out), "--today", TODAY.isoformat()]
    assert cli.main(args) == 0
    (site / N).write_text(NEWS.replace("开幕", "隆重开幕"), encoding="utf-8")
    assert cli.main(args) == 0  # now there is a spare folder (.public.prev) to work in
    before = snapshot(out)
    (site / N).write_text(NEWS.replace("开幕", "胜利开幕"), encoding="utf-8")
    place = writer._place

    def full(f, target, *rest, **kw):
        if target.parent.name != "kai-mu" and target.name == "index.html":
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return place(f, target, *rest, **kw)

    monkeypatch.setattr(writer, "_place", full)
    capsys.readouterr()
    assert cli.main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("错误：无法读写文件（") and "磁盘空间不足。请清理磁盘后重试。" in err[0]
    assert err[0].endswith("网站没有发布；原来发布的网站保持不变。")
    assert snapshot(out) == before
    assert not (tmp_path / ".public.prev").exists() and not list(tmp_path.glob(".public.tmp-*"))
    monkeypatch.setattr(writer, "_place", place)
    assert cli.main(args) == 0
    assert "胜利开幕" in (out / "news/kai-mu/index.html").read_text(encoding="utf-8")
