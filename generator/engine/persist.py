"""The Builder's work kept between runs, in the site's .cache/ (through cache.Store).

Per-document work (the parsed file, its rendered Markdown, the model's checked
fields and finished HTML) is split over SHARDS files by the document's path, so
a run that changed one file rewrites one shard, not the whole cache. What is
not per document (pinyin, asset and template digests, the memos of modules
such as feeds.py) sits in `common`. A shard that is missing, stale or damaged
simply loads as nothing: its documents are parsed and converted again, and the
shard is written afresh at the end of the run.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from ..memo import MEMOS, PENDING
from ..model.urls import PINYIN_MEMO
from .cache import Store

SHARDS = 32


def shard_of(key: str) -> int:
    """The shard a document (by path) or a Markdown body (by digest) belongs to."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % SHARDS


class Tracked(dict):
    """A dict that remembers which keys were stored since `touched` was last cleared."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.touched: set[Any] = set()

    def __setitem__(self, key: Any, value: Any) -> None:
        self.touched.add(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        self.touched.add(key)
        super().__delitem__(key)


def _owner(key: Any) -> str:
    """The document a model-memo key belongs to: the model's passes key them (kind, path); others stay in memory."""
    if isinstance(key, tuple) and key and isinstance(key[-1], str):
        return key[-1]
    return repr(key)


class WorkCache:
    """Loads a Builder's caches from `folder` and writes back only the shards that changed."""

    def __init__(self, folder: Path):
        self.store = Store(folder)
        self._parsed: dict[str, Any] = {}  # as loaded (or last saved): to see what changed
        self._markdown: set[str] = set()
        self._bad: set[int] = set()  # shards that did not load: written afresh
        self._common: Any = None

    @property
    def discarded(self) -> list[str]:
        return self.store.discarded

    def load(self, parsed: dict, markdown: dict, model: Tracked, assets: dict, chains: dict) -> None:
        common = self.store.load("common")
        if isinstance(common, dict):
            for kind, memo in common["pinyin"].items():
                PINYIN_MEMO[kind].update(memo)
            for name, memo in common["memos"].items():
                if name in MEMOS:
                    MEMOS[name].load(memo)
                else:
                    PENDING[name] = memo
            assets.update(common["assets"])
            chains.update(common["chains"])
            self._common = self._common_key(assets, chains)
        for i in range(SHARDS):
            shard = self.store.load(f"docs-{i:02d}")
            if not isinstance(shard, dict):
                self._bad.add(i)
                continue
            parsed.update(shard["parsed"])
            markdown.update(shard["markdown"])
            dict.update(model, shard["model"])
        self._parsed = dict(parsed)
        self._markdown = set(markdown)
        model.touched.clear()

    @staticmethod
    def _common_key(assets: dict, chains: dict) -> tuple:
        return (len(PINYIN_MEMO["slug"]), len(PINYIN_MEMO["sort"]), repr(sorted(assets.items())),
                repr(sorted((k, v[:2]) for k, v in chains.items())))

    def save(self, parsed: dict, markdown: dict, used: set[str], body_keys: dict[str, str],
             model: Tracked, assets: dict, chains: dict) -> None:
        """Write what this run changed; Markdown not used by it and work on deleted files are dropped."""
        dirty = set(self._bad)
        for rel, item in parsed.items():
            if self._parsed.get(rel) is not item:
                dirty.add(shard_of(rel))
        for rel in self._parsed.keys() - parsed.keys():
            dirty.add(shard_of(rel))
        for key in [k for k in model if _owner(k).endswith(".md") and _owner(k) not in parsed]:
            dict.__delitem__(model, key)  # work on a deleted file
            dirty.add(shard_of(_owner(key)))
        for key in model.touched:
            if _owner(key) in parsed or _owner(key) in self._parsed:
                dirty.add(shard_of(_owner(key)))
        home = {key: rel for rel, key in body_keys.items()}  # a body's Markdown lives with its file
        kept = {k: v for k, v in markdown.items() if k in used}
        for key in kept.keys() ^ self._markdown:
            dirty.add(shard_of(home.get(key, key)))
        if dirty:
            shards: dict[int, dict[str, dict]] = {i: {"parsed": {}, "markdown": {}, "model": {}} for i in dirty}
            for rel, item in parsed.items():
                s = shards.get(shard_of(rel))
                if s is not None:
                    s["parsed"][rel] = item
            for key, item in kept.items():
                s = shards.get(shard_of(home.get(key, key)))
                if s is not None:
                    s["markdown"][key] = item
            for key, item in model.items():
                owner = _owner(key)
                s = shards.get(shard_of(owner)) if owner in parsed else None  # per-file work only
                if s is not None:
                    s["model"][key] = item
            for i, shard in sorted(shards.items()):
                self.store.save(f"docs-{i:02d}", shard)
        common = self._common_key(assets, chains)
        memos = {name: memo.export() for name, memo in MEMOS.items()}
        if common != self._common or any(memo.changed for memo in MEMOS.values()):
            self.store.save("common", {"pinyin": PINYIN_MEMO, "assets": assets, "chains": chains,
                                       "memos": memos})
            for memo in MEMOS.values():
                memo.changed = False
            self._common = common
        self._parsed = dict(parsed)
        self._markdown = set(kept)
        self._bad = set()
        model.touched.clear()
        markdown.clear()
        markdown.update(kept)
