"""Reading built sites: a crawler (every internal link must lead to a file the output holds)
and helpers that read pages the way a visitor follows them.

Shared by tests/test_content_format.py and tests/test_real_site.py. The crawler reads the
output the way a plain static server would serve it: a link to a folder ("x/")
is served from x/index.html, and nothing outside the output exists. Relative
links are resolved against the page; a link from the host's root (404.html is
served at any address, so it links that way) must start with the site's base path.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

LINK_ATTRS = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src"),
              ("iframe", "src"), ("form", "action"))


def html_files(out: Path) -> dict[str, Path]:
    """Every HTML file of a built site by its path in the output."""
    return {p.relative_to(out).as_posix(): p for p in sorted(out.rglob("*.html"))}


def page(out: Path, url: str) -> Path:
    """The file a site-relative URL is served from ("voices/x/" -> voices/x/index.html)."""
    return out / (url + "index.html" if url == "" or url.endswith("/") else url)


def links_of(doc) -> list[tuple[str, str]]:
    """(tag, URL) of every link-like attribute of a parsed page."""
    found = []
    for tag, attr in LINK_ATTRS:
        for el in doc.iter(tag):
            value = el.get(attr)
            if value is not None:
                found.append((tag, value))
    return found


def target_of(page_path: str, url: str, base_path: str) -> tuple[str, str] | None:
    """(output path, fragment) a link on `page_path` leads to; None for links that leave the site."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        if not path.startswith(base_path):
            return ("<outside the base path> " + path, parts.fragment)
        joined = path[len(base_path):]
    elif path == "":
        joined = page_path
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), path))
        if path.endswith("/") and not joined.endswith("/"):
            joined += "/"
    if joined in (".", "./"):
        joined = ""
    if joined == "" or joined.endswith("/"):
        joined += "index.html"
    return joined, parts.fragment


def broken_links(out: Path, base_path: str = "/", check_fragments: bool = True) -> list[str]:
    """Every internal href/src on every page that does not lead to an output file (or anchor).

    Links to a page's #fragment must name an id that page has.
    """
    problems: list[str] = []
    ids: dict[str, set[str]] = {}

    def ids_of(rel: str) -> set[str]:
        if rel not in ids:
            doc = lxml_html.fromstring((out / rel).read_bytes())
            ids[rel] = {el.get("id") for el in doc.iter() if isinstance(el.tag, str) and el.get("id")}
        return ids[rel]

    for rel, path in html_files(out).items():
        doc = lxml_html.fromstring(path.read_bytes())
        for tag, url in links_of(doc):
            target = target_of(rel, url, base_path)
            if target is None:
                continue
            where, fragment = target
            if where.startswith("../") or where.startswith("<") or not (out / where).is_file():
                problems.append(f"{rel}: <{tag}> {url} -> {where} (missing)")
            elif check_fragments and fragment and where.endswith(".html") and fragment not in ids_of(where):
                problems.append(f"{rel}: <{tag}> {url} -> {where}#{fragment} (no such id)")
    return problems


def non_ascii_urls(out: Path) -> list[str]:
    """Output paths and internal link URLs with anything but ASCII in them."""
    bad = [rel for rel in (p.relative_to(out).as_posix() for p in out.rglob("*")) if not rel.isascii()]
    for rel, path in html_files(out).items():
        doc = lxml_html.fromstring(path.read_bytes())
        for tag, url in links_of(doc):
            parts = urlsplit(url)
            if not (parts.scheme or parts.netloc) and not unquote(parts.path + "#" + parts.fragment).isascii():
                bad.append(f"{rel}: <{tag}> {url}")
    return bad


# -- reading pages ---------------------------------------------------------------------------

def text(el) -> str:
    """An element's visible text, whitespace collapsed."""
    return " ".join(el.text_content().split())


def main(doc):
    """The page's own content: <main id="main">, without header, navigation and footer."""
    return doc.get_element_by_id("main")


def site_url(page_url: str, href: str, base_path: str = "/") -> str:
    """The site-relative URL ("voices/x/", "" for home) a link on the page at `page_url` leads to."""
    where, fragment = target_of(page_url + "index.html" if page_url.endswith("/") or not page_url
                                else page_url, href, base_path)
    url = where[: -len("index.html")] if where.endswith("index.html") else where
    return url + (f"#{fragment}" if fragment else "")


def links(doc, page_url: str, scope=None) -> list[tuple[str, str]]:
    """(text, site-relative URL) of every <a href> in the page's main part (or in `scope`)."""
    root = main(doc) if scope is None else scope
    return [(text(a), site_url(page_url, a.get("href"))) for a in root.iter("a") if a.get("href") is not None]


def link_to(doc, page_url: str, target: str, scope=None) -> list[str]:
    """Texts of the links in the page's main part (or in `scope`) that lead to `target`."""
    return [t for t, u in links(doc, page_url, scope) if u == target]


def voice_index(doc, page_url: str) -> list[tuple[str, str, list[tuple[str, str, str | None, str]]]]:
    """A session page's index of voices, read by its headings, whatever its classes:
    (kind heading <h3>, topic heading <h4>, [(voice URL, title, speaker URL or None, card text)])."""
    section = doc.get_element_by_id("voices")
    groups: list = []
    kind = None
    for el in section.iter("h3", "h4", "li"):
        if el.tag == "h3":
            kind = text(el)
        elif el.tag == "h4":
            groups.append((kind, text(el), []))
        else:
            card = links(doc, page_url, el)
            voice = next((c for c in card if c[1].startswith("voices/")), None)
            if voice is None or not groups:
                continue
            speaker = next((u for _, u in card if u.startswith("deputies/")), None)
            groups[-1][2].append((voice[1], voice[0], speaker, text(el)))
    return groups
