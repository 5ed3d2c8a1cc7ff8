"""site.yaml -> a frozen SiteConfig, every key checked against a declared schema.

A misspelled key must never pass silently (MkDocs `config/base.py` teaches the
same), so unknown keys are errors that name the nearest known key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import Problems
from . import yamltext
from .keys import CONFIG_FILE, _text, _unknown_keys, nearest
from .publish_settings import parse_publish

TOP_KEYS = ("title", "base_url", "language", "description", "topics", "footer",
            "paginate", "suggestion_results", "publish")
FOOTER_KEYS = ("sponsor", "icp", "site_code", "police", "contact", "error_report")
REQUIRED_FOOTER = (("sponsor", "主办单位", "杭州市钱塘区人大常委会办公室"), ("icp", "ICP 备案号", "浙ICP备12345678号"),
                   ("site_code", "网站标识码", '"3301140001"'), ("police", "公安备案号", "浙公网安备 33011402000001号"))
RESULT_KEYS = ("code", "label", "solved")

DEFAULT_RESULTS = (
    ("A", "已解决或采纳", True),
    ("B", "列入计划逐步解决", False),
    ("C", "因条件限制留作参考", False),
)


@dataclass(frozen=True)
class Footer:
    """The items a Chinese government site shows at its foot."""

    sponsor: str = ""
    icp: str = ""
    site_code: str = ""
    police: str = ""
    contact: str = ""
    error_report: str = ""


@dataclass(frozen=True)
class ResultClass:
    """One class of a suggestion-result scheme (A/B/C, 甲/乙/丙 …)."""

    code: str
    label: str
    solved: bool = False


@dataclass(frozen=True)
class SiteConfig:
    """The validated settings of one site."""

    title: str
    base_url: str  # absolute, always ending in "/"
    language: str = "zh-CN"
    description: str = ""
    topics: tuple[str, ...] = ()
    footer: Footer = field(default_factory=Footer)
    paginate: int = 20
    suggestion_results: tuple[ResultClass, ...] = tuple(
        ResultClass(*r) for r in DEFAULT_RESULTS)
    # where `publish` sends the site; not part of what pages show (repr: the pages' fingerprint)
    publish: Any = field(default=None, repr=False, compare=False)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, e.g. "/renda/"."""
        return urlsplit(self.base_url).path or "/"

    @property
    def domain(self) -> str:
        return urlsplit(self.base_url).netloc


URL_SAFE = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def parse_config(text: str) -> tuple[SiteConfig | None, Problems]:
    """Validate site.yaml text; return the config (None if not YAML or not a mapping) and all problems."""
    problems = Problems()
    try:
        data, lines = yamltext.load(text)
    except yamltext.YamlSyntaxError as exc:
        for each in exc.all():
            problems.error(CONFIG_FILE, f"YAML 格式有误：{each.explain()}。", line=each.line,
                           fix=each.fix(0, "检查缩进、冒号后的空格和引号是否成对"))
        return None, problems
    if not isinstance(data, dict):
        problems.error(CONFIG_FILE, "site.yaml 应是“键: 值”的列表。", line=1,
                       fix="参照 README 中的 site.yaml 示例。")
        return None, problems

    _unknown_keys(data, TOP_KEYS, "", lines, (), problems)
    title = _text(data, "title", lines, (), problems, required=True)
    base_url = _base_url(_text(data, "base_url", lines, (), problems, required=True), lines, problems)
    language = _language(_text(data, "language", lines, (), problems) or "zh-CN", lines, problems)
    description = _text(data, "description", lines, (), problems)
    topics = _topics(data.get("topics"), lines, problems)
    # a misspelt `fotter:` is one error (its did-you-mean), not also the missing items it holds
    misspelt = "footer" not in data and any(nearest(str(k), TOP_KEYS) == "footer" for k in data if k not in TOP_KEYS)
    footer = _footer(data.get("footer"), lines, problems, gaps=not misspelt)
    paginate = _paginate(data.get("paginate", 20), lines, problems)

    # a bad scheme is reported; the default stands in so that the content can still be checked
    results = _parse_results(data.get("suggestion_results"), lines, problems) or \
        tuple(ResultClass(*r) for r in DEFAULT_RESULTS)

    publish = parse_publish(data.get("publish"), lines, problems)

    # With errors, the config is still returned (every bad value replaced by its default) so that
    # the same build goes on to report the content's problems too: all in one run. The errors
    # recorded here keep that build from publishing.
    return SiteConfig(title=title, base_url=base_url, language=language, description=description,
                      topics=tuple(topics), footer=footer, paginate=paginate,
                      suggestion_results=results, publish=publish), problems


def _base_url(base_url: str, lines: dict, problems: Problems) -> str:
    """A whole http(s) address in URL characters, ending with / (added where it does not)."""
    if base_url:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            problems.error(CONFIG_FILE, f"base_url “{base_url}” 不是完整的网址。",
                           line=lines.get(("base_url",)), field="base_url",
                           fix="写成 https://域名/ 或 https://域名/子路径/ 的形式。")
        elif not URL_SAFE.fullmatch(base_url):  # every URL of the site starts with it: ASCII, no spaces or quotes
            problems.error(CONFIG_FILE, f"base_url “{base_url}” 含有空格、引号或中文等不能直接用在网址中的字符。",
                           line=lines.get(("base_url",)), field="base_url",
                           fix="只用英文字母、数字和 - . / : 等网址字符；中文域名请写成 xn-- 开头的形式。")
        elif not base_url.endswith("/"):
            base_url += "/"
    return base_url


def _language(language: str, lines: dict, problems: Problems) -> str:
    if not LANGUAGE_TAG.fullmatch(language):
        problems.error(CONFIG_FILE, f"language “{language}” 不是语言代码。", line=lines.get(("language",)),
                       field="language", fix="简体中文写 zh-CN（繁体中文 zh-TW，英文 en）。")
        language = "zh-CN"
    return language


def _topics(raw_topics: Any, lines: dict, problems: Problems) -> list[str]:
    """The declared topics in order: each a text, each once."""
    topics: list[str] = []
    if raw_topics is not None:
        if not isinstance(raw_topics, list):
            problems.error(CONFIG_FILE, "topics 应是一个列表。", line=lines.get(("topics",)),
                           field="topics", fix="每行写一个“  - 专题名”。")
        else:
            for i, topic in enumerate(raw_topics):
                line = lines.get(("topics", i))
                if isinstance(topic, bool) or not isinstance(topic, (str, int)) or not str(topic).strip():
                    problems.error(CONFIG_FILE, f"第 {i + 1} 个专题不是文字。", line=line,
                                   field="topics", fix="专题名写成文字，如 医疗卫生。")
                elif str(topic).strip() in topics:
                    problems.error(CONFIG_FILE, f"专题“{topic}”重复声明。", line=line,
                                   field="topics", fix="删去重复的一行。")
                else:
                    topics.append(str(topic).strip())
                    if topics[-1] == "其他":  # the name the session index gives voices without a topic
                        problems.warn(CONFIG_FILE, "专题“其他”会与心声索引里自动归入“其他”（没有专题的心声）的一组同名。",
                                      line=line, field="topics", fix="换一个更具体的专题名，如 其他民生事项。")
    return topics


def _footer(raw_footer: Any, lines: dict, problems: Problems, gaps: bool = True) -> Footer:
    """The footer's items (a number YAML read as a number is refused: its zeros are lost), and a
    warning for each item a government site must show and this one lacks."""
    footer = Footer()
    if raw_footer is not None:
        if not isinstance(raw_footer, dict):
            problems.error(CONFIG_FILE, "footer 应是“键: 值”的列表。", line=lines.get(("footer",)),
                           field="footer", fix="参照 README 中的 footer 示例。")
        else:
            _unknown_keys(raw_footer, FOOTER_KEYS, "footer.", lines, ("footer",), problems)
            footer = Footer(**{k: _text(raw_footer, k, lines, ("footer",), problems,
                                        label=f"footer.{k}") for k in FOOTER_KEYS})
            for key in ("site_code", "icp", "police"):  # numbers YAML reads as numbers lose their zeros
                if isinstance(raw_footer.get(key), (int, float)) and not isinstance(raw_footer.get(key), bool):
                    problems.error(CONFIG_FILE, f"footer.{key} 写成了数字，开头的 0 会丢失（现在读作 {raw_footer[key]}）。",
                                   line=lines.get(("footer", key)), field=f"footer.{key}",
                                   fix=f'加上引号：{key}: "…"。')
            if footer.error_report and not re.match(r"https?://", footer.error_report):
                problems.error(CONFIG_FILE, "footer.error_report 应是 http(s) 网址。",
                               line=lines.get(("footer", "error_report")), field="footer.error_report",
                               fix="填写“我为政府网站找错”平台给本站的完整链接。")

    if gaps and (raw_footer is None or isinstance(raw_footer, dict)):
        _footer_gaps(footer, lines, problems)
    return footer


def _paginate(paginate: Any, lines: dict, problems: Problems) -> int:
    if isinstance(paginate, bool) or not isinstance(paginate, int) or paginate < 1:
        problems.error(CONFIG_FILE, f"paginate 应是正整数，现在是 {paginate!r}。",
                       line=lines.get(("paginate",)), field="paginate", fix="例如 paginate: 20")
        paginate = 20
    return paginate


def _footer_gaps(footer: Footer, lines: dict, problems: Problems) -> None:
    """One warning per item a government site's footer must show and site.yaml lacks. Pages leave
    a missing item out, so that no placeholder is ever published as the site's code."""
    for key, label, example in REQUIRED_FOOTER:
        if not getattr(footer, key):
            problems.warn(CONFIG_FILE, f"页脚缺少“{label}”：政府网站的每一页都应在页脚显示它，现在页面上没有这一项。",
                          line=lines.get(("footer",)), field=f"footer.{key}",
                          fix=f"拿到{label}后在 site.yaml 的 footer 下加上一行，如 {key}: {example}；在那之前不要填写占位内容。")


def _parse_results(raw: Any, lines: dict, problems: Problems) -> tuple[ResultClass, ...]:
    if raw is None:
        return tuple(ResultClass(*r) for r in DEFAULT_RESULTS)
    key = ("suggestion_results",)
    if not isinstance(raw, list) or not raw:
        problems.error(CONFIG_FILE, "suggestion_results 应是非空列表。", line=lines.get(key),
                       field="suggestion_results", fix="每项写成 {code: A, label: 已解决或采纳, solved: true}")
        return ()
    classes: list[ResultClass] = []
    for i, item in enumerate(raw):
        path = key + (i,)
        if not isinstance(item, dict):
            problems.error(CONFIG_FILE, f"suggestion_results 第 {i + 1} 项格式不对。", line=lines.get(path),
                           field="suggestion_results", fix="写成 {code: A, label: …, solved: true}")
            continue
        _unknown_keys(item, RESULT_KEYS, "suggestion_results.", lines, path, problems)
        code = _text(item, "code", lines, path, problems, required=True, label="suggestion_results.code")
        label = _text(item, "label", lines, path, problems, required=True, label="suggestion_results.label")
        solved = item.get("solved", False)
        if not isinstance(solved, bool):
            problems.error(CONFIG_FILE, "solved 只能是 true 或 false。", line=lines.get(path + ("solved",)),
                           field="suggestion_results.solved", fix="写 true 或 false。")
            solved = False
        if code in {c.code for c in classes}:
            problems.error(CONFIG_FILE, f"结果代码 {code} 重复。", line=lines.get(path),
                           field="suggestion_results.code", fix="每个代码只写一次。")
        classes.append(ResultClass(code, label, solved))
    return tuple(classes)


def load_config(site_dir: Path) -> tuple[SiteConfig | None, Problems]:
    """Read and validate `site.yaml` in a site folder."""
    path = site_dir / CONFIG_FILE
    problems = Problems()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.error(CONFIG_FILE, f"找不到 {path}。", fix="在网站文件夹中放一个 site.yaml，或用 --site 指向网站文件夹。")
        return None, problems
    except OSError as exc:
        problems.error(CONFIG_FILE, f"无法读取：{exc.strerror}。")
        return None, problems
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.error(CONFIG_FILE, "文件不是 UTF-8 编码。", fix="用编辑器另存为 UTF-8 编码。")
        return None, problems
    return parse_config(text.replace("\r\n", "\n").replace("\r", "\n"))
