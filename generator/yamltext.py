"""YAML that remembers where each key stands, so errors can name a line.

`yaml.safe_load` forgets positions; composing the node tree first keeps the
line of every mapping key, which is what an editor needs to find a mistake.
"""

from __future__ import annotations

from typing import Any

import yaml

KeyPath = tuple[Any, ...]


class YamlSyntaxError(Exception):
    """The text is not YAML; carries a 1-based line and a Chinese explanation."""

    def __init__(self, line: int | None, detail: str):
        super().__init__(detail)
        self.line = line
        self.detail = detail


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _walk(item, path + (index,), lines)


def load(text: str) -> tuple[Any, dict[KeyPath, int]]:
    """Parse YAML safely; return the data and a map from key path to 1-based line."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = " ".join(x for x in (exc.context, exc.problem) if x)
        raise YamlSyntaxError(line, detail or str(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, str(exc)) from None
    except RecursionError:
        raise YamlSyntaxError(None, "嵌套太深") from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    _walk(node, (), lines)
    return data, lines
