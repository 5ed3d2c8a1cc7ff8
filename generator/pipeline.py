"""The build, as a recipe: read -> model -> routes -> render -> write.

Only the first step reads and only the last one writes; everything between
is pure, so each stage is tested without a disk (design: mkdocs build.py).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .config import load_config
from .content import discover_assets, read_documents
from .errors import BuildFailed, Problem, Problems
from .render import OutputFile, fingerprint, make_environment, render_site
from .routes import check_collisions, plan
from .site import BuildInput, build_site
from .writer import check_output_dir, output_lock, write_site

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHINA = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has had no DST since 1991


def china_today() -> dt.date:
    """The build day in China time: what decides whether a dated item is out yet."""
    return dt.datetime.now(CHINA).date()


@dataclass
class BuildResult:
    """What a build did, for the one-line summary."""

    out: Path
    counts: Counter = field(default_factory=Counter)
    files: int = 0
    changed: bool = True
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def theme_dirs(site_dir: Path, name: str) -> list[Path]:
    """The site's own folder first, then the generator's: overrides by file name."""
    dirs = [site_dir / name, PROJECT_DIR / name]
    unique: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def collect_static(site_dir: Path, problems: Problems) -> dict[str, Path]:
    """Theme assets (static/) with site overrides, and the site's media/, as published paths."""
    files: dict[str, Path] = {}
    for d in reversed(theme_dirs(site_dir, "static")):
        for rel, path in discover_assets(d.parent, d.name, problems).items():
            files[rel] = path
    files.update(discover_assets(site_dir, "media", problems))
    return files


def render(site_dir: Path, *, include_drafts: bool = False,
           today: dt.date | None = None) -> tuple[list[OutputFile], Counter, Problems]:
    """Everything up to the bytes of every page; raises BuildFailed on content errors."""
    problems = Problems()
    config, config_problems = load_config(site_dir)
    problems.extend(config_problems)
    documents = read_documents(site_dir, problems)
    static = collect_static(site_dir, problems)
    if config is None:
        raise BuildFailed(problems)
    media = frozenset(p for p in static if p.startswith("media/"))
    site = build_site(BuildInput(config, documents, today or china_today(), media, include_drafts), problems)
    routes = plan(site)
    check_collisions(routes, problems)
    if problems:
        raise BuildFailed(problems)
    assets = {rel: f"{rel}?v={fingerprint(path.read_bytes())}" for rel, path in static.items()
              if rel.startswith("static/")}
    env = make_environment(theme_dirs(site_dir, "templates"))
    pages = render_site(site, routes, env, assets, problems)
    if problems:
        raise BuildFailed(problems)
    files = pages + [OutputFile(rel, source=path) for rel, path in sorted(static.items())]
    counts = Counter(r.entry.folder if r.entry else "lists" for r in routes)
    return files, counts, problems


def build(site_dir: Path, out: Path | None = None, *, include_drafts: bool = False,
          today: dt.date | None = None) -> BuildResult:
    """Build a site folder into `out` (default: site_dir/public), all or nothing."""
    started = time.perf_counter()
    out = out or site_dir / "public"
    check_output_dir(out, site_dir)
    with output_lock(out):
        files, counts, problems = render(site_dir, include_drafts=include_drafts, today=today)
        changed = write_site(out, files)
    return BuildResult(out=out, counts=counts, files=len(files), changed=changed,
                       warnings=problems.warnings, seconds=time.perf_counter() - started)
