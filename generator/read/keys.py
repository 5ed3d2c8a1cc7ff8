"""What every section of site.yaml checks alike: a key nobody knows (naming the nearest), a text value.

Apart from config.py so that the `publish:` section (publish_settings.py) checks its keys the
same way without importing config, which reads it.
"""

from __future__ import annotations

import difflib

from ..errors import Problems

CONFIG_FILE = "site.yaml"


def nearest(word: str, known: tuple[str, ...]) -> str | None:
    """The known key an editor most likely meant."""
    match = difflib.get_close_matches(word, known, n=1, cutoff=0.5)
    return match[0] if match else None


def _unknown_keys(data: dict, known: tuple[str, ...], prefix: str,
                  lines: dict, path: tuple, problems: Problems) -> None:
    for key in data:
        if key not in known:
            guess = nearest(str(key), known)
            fix = f"是不是想写 {prefix}{guess}？" if guess else f"可用的键：{'、'.join(known)}"
            problems.error(CONFIG_FILE, f"未知的键 {prefix}{key}。", line=lines.get(path + (key,)),
                           field=f"{prefix}{key}", fix=fix)


def _text(data: dict, key: str, lines: dict, path: tuple, problems: Problems,
          *, required: bool = False, label: str | None = None) -> str:
    value = data.get(key)
    name = label or key
    if value is None:
        if required:
            problems.error(CONFIG_FILE, f"缺少必填的键 {name}。", line=1, field=name,
                           fix=f"在 site.yaml 中加上一行 {key}: …")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problems.error(CONFIG_FILE, f"{name} 应是一段文字。", line=lines.get(path + (key,)),
                       field=name, fix="写成一行文字，必要时加引号。")
        return ""
    return str(value).strip()
