"""ARCHITECTURE.md's walk-throughs, done for real in a copy of the project: a content kind (讲话,
speeches) and a field of voices (venue, 地点).

The files edited here are exactly the ones each walk-through names (the first tests hold
them to each other); the copy then builds a site with one speech and one voice: the speech
gets its page, its list, its column and its place in the search index, the voice its venue.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

PROJECT = Path(__file__).resolve().parent.parent

# (file, the text the edit is anchored on, what goes in its place), in the walk-through's order
EDITS: list[tuple[str, str, str]] = [
    ("generator/read/content.py", '"resolutions", "appointments", "notices")',
     '"resolutions", "appointments", "notices", "speeches")'),
    ("generator/model/fields.py", '    "pages": (\n',
     '    "speeches": (\n        Field("title", "text", True, help="标题"),\n'
     '        Field("date", "date", True, help="日期 YYYY-MM-DD"),\n        Field("place", "text", help="地点"),\n'
     '    ),\n    "pages": (\n'),
    ("generator/model/kinds.py", '"notice": "notices"}', '"notice": "notices", "speech": "speeches"}'),
    ("generator/model/kinds.py", '"news": "新闻", ', '"news": "新闻", "speeches": "讲话", '),
    ("generator/model/models.py", "@dataclass(eq=False)\nclass Page(Entry):",
     "@dataclass(eq=False)\nclass Speech(Entry):\n    date: dt.date = dt.date.min\n    place: str = \"\"\n\n"
     "    @property\n    def sort_date(self) -> dt.date:\n        return self.date\n\n\n"
     "@dataclass(eq=False)\nclass Page(Entry):"),
    ("generator/model/models.py", "    notices: list[Notice] = field(default_factory=list)  # newest first\n",
     "    notices: list[Notice] = field(default_factory=list)  # newest first\n"
     "    speeches: list[Speech] = field(default_factory=list)  # newest first\n"),
    ("generator/model/models.py", "*self.appointments, *self.notices]", "*self.appointments, *self.notices, *self.speeches]"),
    ("generator/model/entries.py", "from .models import (Appointment, ", "from .models import (Appointment, Speech, "),
    ("generator/model/entries.py", '"news": News, ', '"news": News, "speeches": Speech, '),
    ("generator/model/listings.py", "from .models import Entry, ", "from .models import Speech, Entry, "),
    ("generator/model/listings.py", "    site.news = sorted(",
     "    site.speeches = sorted((e for e in shown if isinstance(e, Speech)), key=_newest)\n"
     "    site.news = sorted("),
    ("generator/model/urls.py", '    "news": "news",\n', '    "news": "news",\n    "speeches": "speeches",\n'),
    ("generator/pages/columns.py", '    ("news", "新闻"),\n', '    ("news", "新闻"),\n    ("speeches", "讲话"),\n'),
    ("generator/pages/columns.py", '"news": site.news, ', '"news": site.news, "speeches": site.speeches, '),
    ("generator/pages/routes.py", '"news": "news", "pages": ""}', '"news": "news", "pages": "", "speeches": "speeches"}'),
    ("generator/pages/routes.py", '"news": "news.html", ', '"news": "news.html", "speeches": "speech.html", '),
    ("generator/pages/routes.py", '    lists("news", site.news, "news_list.html")\n',
     '    lists("news", site.news, "news_list.html")\n    lists("speeches", site.speeches, "speech_list.html")\n'),
    ("generator/pages/routes.py", "*site.news, *site.pages]:", "*site.news, *site.pages, *site.speeches]:"),
    ("templates/speech.html", "",
     '{% extends "base.html" %}\n{% import "_macros.html" as m with context %}\n{% block main %}\n'
     '<article class="article">\n<header class="entry-header">\n  <h1>{{ entry.title }}</h1>\n'
     '  <p class="entry-meta"><span>{{ m.date(entry.date) }}</span><span class="place">{{ entry.place }}</span></p>\n'
     '</header>\n<div class="prose">{{ entry.html|safe }}</div>\n</article>\n{% endblock %}\n'),
    ("templates/speech_list.html", "", '{% extends "_list.html" %}\n{% set show_kind = False %}\n'),
]

# "To add a field to voices": its four steps
FIELD_EDITS: list[tuple[str, str, str]] = [
    ("generator/model/fields.py", '        Field("reporter", "text", help="记者，如 记者 张华颖"),\n',
     '        Field("reporter", "text", help="记者，如 记者 张华颖"),\n        Field("venue", "text", help="地点"),\n'),
    ("generator/model/models.py", '    reporter: str = ""\n', '    reporter: str = ""\n    venue: str = ""\n'),
    ("templates/voice.html", "  <h1>{{ entry.title|clauses }}</h1>\n",
     '  <h1>{{ entry.title|clauses }}</h1>\n  {% if entry.venue %}<p class="venue">{{ entry.venue }}</p>{% endif %}\n'),
    ("generator/pages/searchdocs.py", "out += [entry.speaker_title, entry.reporter]",
     "out += [entry.speaker_title, entry.reporter, entry.venue]"),
]

SITE_YAML = """title: 示例区人大
base_url: https://rd.example.gov.cn/
language: zh-CN
footer: {sponsor: 示例区人大常委会办公室, icp: 浙ICP备00000000号, site_code: "3300000000", police: 浙公网安备 33000000000000号}
"""
SESSION = """---
title: 示例区第一届人民代表大会第一次会议
start: 2021-09-26
end: 2021-09-28
---
"""
VOICE = """---
title: 把公园修到家门口
session: 1-1
kind: 市民
speaker: 王芳
venue: 市民中心广场
---

希望多建口袋公园。
"""
SPEECH = """---
title: 在区一届人大一次会议闭幕会上的讲话
date: 2021-09-28
place: 区行政中心
---

同志们，大会圆满完成了各项议程。
"""


def walkthrough_files(heading: str, steps: int = 99) -> list[str]:
    """The files the first `steps` steps of one of ARCHITECTURE.md's walk-throughs name, in order."""
    text = (PROJECT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    found = re.findall(r"^\d+\. (.+)$", section, re.M)[:steps]
    return list(dict.fromkeys(path for step in found for path in re.findall(r"`((?:generator|templates)/[^`]+)`", step)))


def test_the_walkthroughs_name_exactly_the_files_this_test_edits():
    assert walkthrough_files("To add a content kind") == list(dict.fromkeys(path for path, _, _ in EDITS))
    assert walkthrough_files("To add a field to voices") == [path for path, _, _ in FIELD_EDITS]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("project")
    for name in ("generator", "templates", "static"):
        shutil.copytree(PROJECT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "build.py", project / "build.py")
    for rel, anchor, replacement in EDITS + FIELD_EDITS:
        path = project / rel
        if not anchor:
            path.write_text(replacement, encoding="utf-8")
            continue
        text = path.read_text(encoding="utf-8")
        assert text.count(anchor) == 1, f"{rel}: the walk-through's anchor {anchor!r} is not there once"
        path.write_text(text.replace(anchor, replacement), encoding="utf-8")
    site = project / "site"
    (site / "content/speeches").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (site / "content/speeches/bi-mu.md").write_text(SPEECH, encoding="utf-8")
    for rel, text in (("sessions/1-1.md", SESSION), ("voices/gong-yuan.md", VOICE)):
        (site / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / "content" / rel).write_text(text, encoding="utf-8")
    run = subprocess.run([sys.executable, str(project / "build.py"), "build", "--site", str(site), "--out",
                          str(site / "public"), "--today", "2022-01-01"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    new = subprocess.run([sys.executable, str(project / "build.py"), "new", "speech", "开幕讲话", "--site", str(site),
                          "--today", "2022-01-02"], capture_output=True, text=True, timeout=120)
    assert new.returncode == 0, new.stdout + new.stderr
    return site


def test_the_new_kind_gets_its_page_list_column_and_search_entry(built):
    out = built / "public"
    page = lxml_html.fromstring((out / "speeches/bi-mu/index.html").read_bytes())
    assert page.findtext(".//h1") == "在区一届人大一次会议闭幕会上的讲话"
    assert page.xpath('string(//*[@class="place"])') == "区行政中心"
    assert "大会圆满完成了各项议程" in page.xpath("string(//div[@class='prose'])")
    listing = lxml_html.fromstring((out / "speeches/index.html").read_bytes())
    assert listing.findtext(".//h1") == "讲话"
    assert any(a.get("href", "").rstrip("/").endswith("bi-mu") for a in listing.iter("a"))
    home = lxml_html.fromstring((out / "index.html").read_bytes())
    assert "讲话" in [a.text_content().strip() for a in home.xpath("//nav//a")]
    index = " ".join(p.read_text(encoding="utf-8") for p in (out / "search").rglob("*.json"))
    assert "speeches/bi-mu/" in index


def test_the_new_kind_has_its_new_command(built):
    made = list((built / "content/speeches").glob("*.md"))
    assert len(made) == 2
    text = next(p for p in made if p.name != "bi-mu.md").read_text(encoding="utf-8")
    assert 'title: "开幕讲话"' in text and "date: 2022-01-02" in text and "place" in text


def test_the_new_voice_field_is_shown_on_its_page(built):
    page = lxml_html.fromstring((built / "public/voices/gong-yuan/index.html").read_bytes())
    assert page.xpath('string(//p[@class="venue"])') == "市民中心广场"


def test_the_new_voice_field_is_searchable(built):
    shards = [json.loads(p.read_text(encoding="utf-8")) for p in (built / "public/search/index/t").glob("*.json")]
    terms = {term for shard in shards for term in shard}
    assert {"心广", "广场"} <= terms  # 市民中心广场, which only the venue says
