"""Pages and Markdown bodies made over the cores (parallel.py), in this process when few or when no pool starts.

The output is the same either way: the same function runs over the same items.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2

from ..errors import Problems
from ..model.markdown import MarkdownRenderer, Rendered
from ..model.urls import PINYIN_MEMO
from ..pages.render import make_environment, render_route
from ..pages.route import Route
from . import parallel
from .cache import generator_key
from .inputs import theme_dirs

def render_pages(env: jinja2.Environment, routes: list[Route], base: dict[str, Any], todo: list[int], done: int,
                 stage: Any, jobs: int, progress: Callable[[int, int], None] | None
                 ) -> Iterable[tuple[int, bytes | tuple[Path, str] | None, list]]:
    """(route number, bytes or staged file, problems) for every route in `todo`: over the cores when many.

    `stage` (writer.Stage): each page goes to a file there at once; `done`: pages already counted
    for `progress`. Stops after the first page that could not be rendered.
    """
    total = len(routes)

    def chunk(numbers: list[int]) -> list[tuple[int, bytes | tuple[Path, str] | None, list]]:
        out: list[tuple[int, bytes | tuple[Path, str] | None, list]] = []
        for number in numbers:
            local = Problems()
            data = render_route(env, routes[number], base, local)
            if data is not None and stage is not None:  # to a file at once: no page kept in memory
                out.append((number, stage.put(routes[number].path, data), local.items))
            else:
                out.append((number, data, local.items))
        return out

    results = None
    if len(todo) >= parallel.POOL_MIN and jobs > 1:
        for name in {routes[n].template for n in todo}:  # compiled once, here, before the fork
            try:
                env.get_template(name)
            except jinja2.TemplateError:
                pass  # render_route reports it
        results = parallel.run(chunk, parallel.chunked(todo, jobs), jobs)
    if results is None:
        results = _serial(chunk, todo)
    for part in results:
        for item in part:
            done += 1
            if progress is not None:
                progress(done, total)
            yield item
            if item[1] is None:
                return


def convert_bodies(bodies: list[str], jobs: int) -> list[tuple[list[Rendered], dict[str, str]]] | None:
    """Many bodies' Markdown over the cores: per chunk, the bodies as HTML and the heading slugs
    the worker computed; None where no pool starts (the caller converts them one by one)."""
    import markdown  # noqa: F401  (loaded once here, not once per worker)
    import pypinyin  # noqa: F401  (heading ids; the model needs it too)
    return parallel.run(_convert_chunk, parallel.chunked(bodies, jobs), jobs)


def _serial(chunk: Callable[[list[int]], list], todo: list[int]) -> Iterable[list]:
    for number in todo:
        yield chunk([number])


_WORKER_RENDERER: list[MarkdownRenderer] = []  # one per worker process, made on its first chunk


def _convert_chunk(bodies: list[str]) -> tuple[list[Rendered], dict[str, str]]:
    """In a worker: render bodies; also hand back the heading slugs it had to compute."""
    if not _WORKER_RENDERER:
        _WORKER_RENDERER.append(MarkdownRenderer())
    renderer = _WORKER_RENDERER[0]
    memo = PINYIN_MEMO["slug"]
    known = len(memo)
    rendered = [renderer.convert(body) for body in bodies]
    return rendered, dict(list(memo.items())[known:])


def jinja_environment(site_dir: Path, cache_dir: Path | None) -> jinja2.Environment:
    """The site's Jinja environment, its compiled templates kept in cache_dir between runs."""
    bytecode = None
    if cache_dir is not None:
        folder = cache_dir / f"jinja-{generator_key()[:12]}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for old in cache_dir.glob("jinja-*"):
                if old != folder:
                    _remove_tree(old)
            bytecode = jinja2.FileSystemBytecodeCache(str(folder))
        except OSError:
            bytecode = None
    return make_environment(theme_dirs(site_dir, "templates"), bytecode)


def _remove_tree(path: Path) -> None:
    import shutil
    shutil.rmtree(path, ignore_errors=True)
