"""YAML that remembers where each key stands, so errors can name a line.

`yaml.safe_load` forgets positions; composing the node tree first keeps the
line of every mapping key, which is what an editor needs to find a mistake.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .yamlslips import close_quote, find_slips

KeyPath = tuple[Any, ...]


class YamlSyntaxError(Exception):
    """The text is not YAML; carries a 1-based line and a Chinese explanation.

    `corrected`: that line written right, where it can be told; `more`: further lines
    written wrong in the same text (every slip is reported in one run).
    """

    def __init__(self, line: int | None, detail: str, earlier: int | None = None,
                 corrected: str | None = None, hint: str = ""):
        super().__init__(detail)
        self.line = line
        self.detail = detail
        self.earlier = earlier  # a line the detail names too ({earlier}, {line}): a key written twice
        self.corrected = corrected
        self.hint = hint  # what to do, where it is known and no corrected line can be shown
        self.more: list[YamlSyntaxError] = []

    def all(self) -> list["YamlSyntaxError"]:
        """This error and the others found with it, in line order."""
        return [self, *self.more]

    def fix(self, offset: int = 0, general: str = "") -> str:
        """What to do: the line written right where it is known (last, with no full stop
        after it to be copied with it), else this error's hint or `general`."""
        if self.corrected is None or self.line is None:
            return (self.hint or general) + "。"
        indent = len(self.corrected) - len(self.corrected.lstrip(" "))
        where = f"（行首空 {indent} 个半角空格）" if indent else ""  # leading spaces cannot be seen in a message
        return f"把第 {self.line + offset} 行改为{where}：{self.corrected.strip()}"

    def explain(self, offset: int = 0) -> str:
        """The detail, with the lines it names counted as the file counts them (`offset` lines above the YAML)."""
        if self.earlier is None or self.line is None:
            return self.detail
        return self.detail.format(earlier=self.earlier + offset, line=self.line + offset)


# Hostile or broken YAML must fail fast with a message, never eat the machine:
MAX_DEPTH = 50  # front matter and site.yaml nest a few levels; both composers recurse once per level
MAX_NODES = 50_000  # values counted with every alias (*name) followed: stops "billion laughs" and loops
TOO_DEEP = f"嵌套超过 {MAX_DEPTH} 层（方括号、花括号或缩进套得太深）"
TOO_BIG = (f"展开后超过 {MAX_NODES} 个值：用 & 定义、用 * 引用的别名层层套用或互相引用"
           "（可能是恶意的“YAML 炸弹”）")


# What an escape in a double-quoted scalar ("\f", "\x01", "\ud800") can make and no page may hold:
# control characters are not allowed in XML (feeds), a lone surrogate cannot even be written as UTF-8.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _walk(node: yaml.Node, lines: dict[KeyPath, int], escapes: bool = True) -> None:
    """Record the line of every key and item, before construction, within MAX_NODES.

    Aliases are followed (a key reached through one is still named), so the count is
    that of the values the data would expand to: an alias bomb or a loop (`&a [*a]`)
    is refused here, before the constructor or anything after it walks the data.
    Iterative, so that no nesting depth can exhaust the stack. With `escapes` (the text
    has a backslash), scalars are checked for UNWRITABLE characters.
    """
    todo: list[tuple[yaml.Node, KeyPath]] = [(node, ())]
    seen = 0
    while todo:
        node, path = todo.pop()
        seen += 1
        if seen > MAX_NODES:
            raise YamlSyntaxError(node.start_mark.line + 1, TOO_BIG)
        if len(path) > MAX_DEPTH:  # nesting made by aliases (a loop: `&a [*a]`), past _check_depth
            raise YamlSyntaxError(node.start_mark.line + 1, TOO_DEEP)
        children: list[tuple[yaml.Node, KeyPath]] = []
        if isinstance(node, yaml.ScalarNode) and escapes:
            _check_scalar(node)
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if escapes and isinstance(key_node, yaml.ScalarNode):
                    _check_scalar(key_node)
                line = key_node.start_mark.line + 1
                if key is not None and key != "<<" and key in first:  # YAML keeps the last one, silently
                    said = str(key).replace("{", "{{").replace("}", "}}")
                    raise YamlSyntaxError(line, said + " 写了两次（第 {earlier} 行和第 {line} 行），只会用后一个",
                                          earlier=first[key], hint="删去不要的那一行")
                first.setdefault(key, line)
                lines[path + (key,)] = line
                children.append((value_node, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[path + (index,)] = item.start_mark.line + 1
                children.append((item, path + (index,)))
        todo.extend(reversed(children))  # in document order, as the recursive walk went


def _check_scalar(node: yaml.ScalarNode) -> None:
    bad = UNWRITABLE.search(node.value)
    if bad:
        raise YamlSyntaxError(node.start_mark.line + 1,
                              f"有用转义写出的不允许字符 U+{ord(bad.group()):04X}（如 \\f、\\x01、\\ud800），页面和订阅中不能有它")


def _check_depth(text: str, loader: type) -> None:
    """Refuse nesting deeper than MAX_DEPTH before composing, with the parser alone (iterative).

    libyaml's composer recurses in C and kills the process (SIGSEGV) some 10,000 levels
    down; the Python one raises RecursionError. Every level needs one of [ { : ? -,
    so text with fewer of them than MAX_DEPTH (all usual front matter) is not parsed twice.
    """
    if sum(text.count(c) for c in "[{:?-") <= MAX_DEPTH:
        return
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlSyntaxError(event.start_mark.line + 1, TOO_DEEP)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


# PyYAML's words for the usual slips, as an editor would say them (no English reaches an editor),
# and whether the mistake is where the construct began (context_mark) rather than where PyYAML stopped.
EXPLAINED = (
    ("found character '\\t'", "用了 Tab；只能用半角空格", False),
    ("mapping values are not allowed here", "这一行多了“冒号+空格”，或缩进不对；含冒号的文字要整段加引号", False),
    ("while parsing a flow sequence", "方括号 [ ] 没有配对", True),
    ("while parsing a flow mapping", "花括号 { } 没有配对", True),
    ("while scanning a quoted scalar", "引号没有配对：这一行的引号开始后没有结束", True),
    ("that cannot start any token", "以 `、@ 等符号开头的文字要加引号", False),
    ("found undefined alias", "以 * 开头的文字要加引号", False),
    ("expected <block end>", "缩进不一致，或“字段: 值”中间混进了以 - 开头的列表行", False),
    ("while scanning a simple key", "这一行不是“字段: 值”的写法：缺少英文冒号和空格，或上一行的引号没有配对", True),
    ("could not find expected ':'", "缺少“冒号+空格”，或上一行的引号没有配对", False),
    ("while scanning an alias", "以 * 开头的文字要加引号", False),
    ("while scanning an anchor", "以 & 开头的文字要加引号", False),
    ("while scanning a block scalar", "| 或 > 后面只能写在行末，文字写在下一行并缩进", False),
    ("did not find expected key", "缩进不一致，或这一行不是“字段: 值”的写法", False),
    ("did not find expected node content", "这里缺少内容，或多了逗号、冒号", False),
    ("expected ',' or ']'", "方括号中的各项之间要用英文逗号分隔，且方括号要配对", True),
    ("expected ',' or '}'", "花括号中的各项之间要用英文逗号分隔，且花括号要配对", True),
)
UNKNOWN = "这一行附近的写法不符合格式"


def _explain(context: str | None, problem: str | None) -> tuple[str, bool]:
    """A YAML parser's English problem said in Chinese, and whether to blame where the construct began."""
    detail = " ".join(x for x in (context, problem) if x)
    return next(((chinese, at_start) for english, chinese, at_start in EXPLAINED if english in detail),
                (UNKNOWN, False))


def _marked(exc: yaml.MarkedYAMLError, text: str) -> YamlSyntaxError:
    """PyYAML's error on the line where the mistake is, in Chinese, with that line corrected where it can be."""
    said, at_start = _explain(exc.context, exc.problem)
    mark = (exc.context_mark if at_start and exc.context_mark is not None else exc.problem_mark) or exc.context_mark
    line = mark.line + 1 if mark else None
    corrected = None
    if line is not None and at_start:
        source = text.split("\n")[line - 1] if line <= text.count("\n") + 1 else ""
        if "quoted scalar" in (exc.context or ""):
            corrected = close_quote(source)
        elif "flow sequence" in (exc.context or "") and source.count("[") > source.count("]"):
            corrected = source.rstrip() + "]"
        elif "flow mapping" in (exc.context or "") and source.count("{") > source.count("}"):
            corrected = source.rstrip() + "}"
    return YamlSyntaxError(line, said, corrected=corrected)


def _date_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date YAML cannot build (2021-13-01) stays text: fields.py then names its field and line."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


class _SafeLoader(yaml.SafeLoader):
    """safe_load's loader, except that an impossible date is not a crash."""


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_or_text)
_CSafeLoader = None
if getattr(yaml, "CSafeLoader", None) is not None:
    class _CSafeLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """libyaml's safe loader, with the same date rule."""

    _CSafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_or_text)


def load(text: str) -> tuple[Any, dict[KeyPath, int]]:
    """Parse YAML safely; return the data and a map from key path to 1-based line.

    Lines written in one of the usual wrong ways (yamlslips.py) are errors even where
    YAML would take them (`[医疗卫生，教育]` is one item to YAML): each names its own
    line and shows it corrected; the corrected text is then parsed for what else is wrong.
    """
    slips = find_slips(text)
    if not slips:
        return _load(text)
    errors = [YamlSyntaxError(s.line, s.what, corrected=s.corrected) for s in slips]
    lines = text.split("\n")
    for s in slips:
        lines[s.line - 1] = s.corrected
    try:
        _load("\n".join(lines))
    except YamlSyntaxError as exc:
        errors += [e for e in exc.all() if e.line not in {s.line for s in slips}]
    first = errors[0]
    first.more = errors[1:]
    raise first


def _load(text: str) -> tuple[Any, dict[KeyPath, int]]:
    """libyaml (yaml.CSafeLoader) does the work when it is there, ~8x faster; text it
    refuses is parsed again by the pure-Python loader, whose messages editors see.
    """
    fast = _CSafeLoader
    if fast is not None:
        loader = fast(text)
        lines: dict[KeyPath, int] = {}
        try:
            _check_depth(text, fast)
            node = loader.get_single_node()
            if node is not None:
                _walk(node, lines, "\\" in text)  # before construct_document: it would expand an alias bomb
            data = loader.construct_document(node) if node is not None else None
        except (yaml.YAMLError, RecursionError, ValueError, TypeError):
            pass  # the slow loader below gives the message
        else:
            return data, lines
        finally:
            loader.dispose()
    return _load_python(text)


def _load_python(text: str) -> tuple[Any, dict[KeyPath, int]]:
    try:
        loader = _SafeLoader(text)  # its reader refuses control characters before anything is parsed
    except yaml.reader.ReaderError as exc:
        line = text[:exc.position].count("\n") + 1 if isinstance(exc.position, int) else None
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise YamlSyntaxError(line, f"有不允许的控制字符 {char}（通常是从别处复制来的不可见字符，删去即可）") from None
    lines: dict[KeyPath, int] = {}
    try:
        _check_depth(text, _SafeLoader)
        node = loader.get_single_node()
        if node is None:
            return None, {}
        _walk(node, lines, "\\" in text)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise _marked(exc, text) from None
    except yaml.YAMLError:
        raise YamlSyntaxError(None, UNKNOWN) from None
    except RecursionError:
        raise YamlSyntaxError(None, "嵌套太深") from None
    except (ValueError, TypeError):  # e.g. `!!int abc`: a value its tag cannot hold
        tagged = next((n for n, line in enumerate(text.split("\n"), 1) if "!!" in line), None)
        raise YamlSyntaxError(tagged, "有按 !! 标明的类型无法解读的值（如 !!int 后面不是整数）",
                              hint="一般不需要写 !!：删去 !! 和类型名") from None
    finally:
        loader.dispose()
    return data, lines
