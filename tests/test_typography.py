"""Headlines' clauses (generator/model/typography.py `clauses`): a space between two Chinese
clauses is where a headline should break, so each clause is marked to stay whole; any other
space, and every character that must be escaped, is left as it was."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from generator.model.typography import clauses


@pytest.mark.parametrize("title, expected", [
    ("以优质医疗资源为引领 全面提升我区医疗卫生水平", ["以优质医疗资源为引领", "全面提升我区医疗卫生水平"]),
    ("优化产业结构\u3000打造钱塘产业金名片", ["优化产业结构", "打造钱塘产业金名片"]),
    ("关于“证照分离” 改革的决定", ["关于“证照分离”", "改革的决定"]),
    ("住得安心才能与钱塘共成长", []),  # one clause: no markup at all
    ("推进5G 基站建设", []),  # a space after a Latin word or a number is not between clauses
    ("PM2.5 治理", []),
])
def test_a_headline_is_cut_at_the_spaces_between_its_chinese_clauses(title, expected):
    out = str(clauses(title))
    found = [span.text_content() for span in lxml_html.fragment_fromstring(out, create_parent="div").find_class("clause")]
    assert found == expected
    assert lxml_html.fragment_fromstring(out, create_parent="div").text_content() == title  # the text is unchanged


def test_a_headline_is_escaped():
    out = str(clauses("<script>alert(1)</script> 标题 <b>加粗</b>"))
    assert "<script>" not in out and "<b>" not in out and "&lt;script&gt;" in out


def test_the_real_home_page_keeps_clauses_whole(real_site):
    home = lxml_html.fromstring((real_site / "index.html").read_bytes())
    titles = [[c.text_content() for c in a.find_class("clause")] for a in home.xpath("//*[@class='card-title']/a")]
    assert ["以优质医疗资源为引领", "全面提升我区医疗卫生水平"] in titles
