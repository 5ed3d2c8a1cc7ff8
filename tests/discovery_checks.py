"""Parser-based checks of a built site's feeds, sitemap, robots.txt and head metadata.

Each check returns a list of problems (empty when all is well), so that several tests share them.
"""

from __future__ import annotations

import json
import urllib.robotparser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from lxml import html as lxml_html

XSD = Path(__file__).resolve().parent / "sitemap.xsd"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "application/atom+xml"


def pages(out: Path) -> dict[str, Path]:
    """Every HTML page of a built site by site-relative URL ("" for home, "404.html")."""
    found = {}
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()
        found[rel[: -len("index.html")] if rel.endswith("index.html") else rel] = path
    return found


def head(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def jsonld(doc) -> list[dict]:
    """The JSON-LD objects of a page (the @graph flattened)."""
    out = []
    for script in doc.xpath('//script[@type="application/ld+json"]'):
        data = json.loads(script.text)
        out.extend(data.get("@graph", [data]))
    return out


def _urls_in(value, key: str = "") -> list[tuple[str, str]]:
    """(key, value) of every URL-valued field in JSON-LD."""
    if isinstance(value, dict):
        return [u for k, v in value.items() for u in _urls_in(v, k)]
    if isinstance(value, list):
        return [u for v in value for u in _urls_in(v, key)]
    if key in ("url", "item", "image", "mainEntityOfPage", "urlTemplate", "@id") and isinstance(value, str):
        return [(key, value)]
    return []


def check_heads(out: Path, base_url: str) -> list[str]:
    """Canonical, description, Open Graph, JSON-LD and feed links on every page."""
    problems: list[str] = []
    for url, path in pages(out).items():
        doc = head(path)
        where = f"/{url}"
        if doc.get("lang") != "zh-CN":
            problems.append(f"{where}: <html lang> is {doc.get('lang')!r}")
        canonical = doc.xpath('//link[@rel="canonical"]/@href')
        if url == "404.html":
            if canonical:
                problems.append(f"{where}: the 404 page has a canonical URL")
        elif canonical != [base_url + url]:
            problems.append(f"{where}: canonical {canonical}")
        desc = doc.xpath('//meta[@name="description"]/@content')
        if len(desc) != 1 or not desc[0].strip():
            problems.append(f"{where}: description {desc}")
        og = {m.get("property"): m.get("content") for m in doc.xpath("//meta[@property]")}
        for prop in ("og:title", "og:description", "og:type", "og:site_name", "og:locale"):
            if not og.get(prop):
                problems.append(f"{where}: no {prop}")
        if url != "404.html" and og.get("og:url") != base_url + url:
            problems.append(f"{where}: og:url {og.get('og:url')}")
        for prop, value in og.items():
            if prop in ("og:url", "og:image") and not value.startswith(base_url):
                problems.append(f"{where}: {prop} not absolute: {value}")
        try:
            objects = jsonld(doc)
        except ValueError as exc:
            problems.append(f"{where}: JSON-LD is not valid JSON: {exc}")
            continue
        if url != "404.html" and not objects:
            problems.append(f"{where}: no JSON-LD")
        for key, value in _urls_in(objects):
            if not value.startswith(base_url):
                problems.append(f"{where}: JSON-LD {key} not absolute: {value}")
        crumbs = doc.xpath('//nav[contains(@class,"crumbs")]//li')
        lists = [o for o in objects if o.get("@type") == "BreadcrumbList"]
        if crumbs and (len(lists) != 1 or len(lists[0]["itemListElement"]) != len(crumbs)):
            problems.append(f"{where}: BreadcrumbList does not match the {len(crumbs)} crumbs")
        feeds = doc.xpath(f'//link[@rel="alternate"][@type="{ATOM}"]/@href')
        if not feeds:
            problems.append(f"{where}: no feed link")
        for href in feeds:
            target = urljoin("http://h/" + url, href)
            rel = urlsplit(target).path.lstrip("/")
            if url == "404.html":
                rel = rel[len(urlsplit(base_url).path.lstrip("/")):]
            if not (out / rel).is_file():
                problems.append(f"{where}: feed link {href} points to nothing")
    return problems


def check_feeds(out: Path, base_url: str) -> tuple[list[str], dict[str, feedparser.FeedParserDict]]:
    """Every feed parses without warnings, with absolute URLs only."""
    problems: list[str] = []
    parsed = {}
    for path in sorted((out / "feeds").rglob("*.xml")):
        rel = path.relative_to(out).as_posix()
        feed = feedparser.parse(path.read_bytes())
        parsed[rel] = feed
        if feed.bozo:
            problems.append(f"{rel}: bozo {feed.bozo_exception!r}")
        if feed.feed.get("id") != base_url + rel:
            problems.append(f"{rel}: feed id {feed.feed.get('id')}")
        for entry in feed.entries:
            if not entry.link.startswith(base_url) or not entry.id.startswith(base_url):
                problems.append(f"{rel}: entry link {entry.link}")
            if not entry.get("published") or not entry.get("updated"):
                problems.append(f"{rel}: entry {entry.link} has no dates")
            body = lxml_html.fragment_fromstring(entry.content[0].value, create_parent="div")
            for attr in body.xpath("//@href | //@src"):
                if not urlsplit(attr).scheme:
                    problems.append(f"{rel}: relative link {attr} in {entry.link}")
    return problems, parsed


def sitemap_locs(out: Path, base_url: str) -> tuple[list[str], dict[str, str | None]]:
    """Validate sitemap.xml (and its parts) against tests/sitemap.xsd; return problems and loc -> lastmod."""
    problems: list[str] = []
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    locs: dict[str, str | None] = {}

    def load(rel: str):
        doc = etree.parse(str(out / rel))
        if not schema.validate(doc):
            problems.append(f"{rel}: {schema.error_log.last_error}")
        return doc.getroot()

    root = load("sitemap.xml")
    files = [root]
    if root.tag == SM + "sitemapindex":
        for loc in root.iter(SM + "loc"):
            rel = loc.text[len(base_url):]
            files.append(load(rel))
        files = files[1:]
    for urlset in files:
        if urlset.tag != SM + "urlset":
            problems.append(f"unexpected root {urlset.tag}")
            continue
        entries = urlset.findall(SM + "url")
        if len(entries) > 50_000:
            problems.append(f"a sitemap file lists {len(entries)} URLs, more than 50,000")
        for u in entries:
            loc = u.findtext(SM + "loc")
            if not loc.startswith(base_url):
                problems.append(f"sitemap loc not under base_url: {loc}")
            locs[loc] = u.findtext(SM + "lastmod")
    robots_text = (out / "robots.txt").read_text(encoding="utf-8")
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(robots_text.splitlines())
    if robots.site_maps() != [base_url + "sitemap.xml"]:
        problems.append(f"robots.txt Sitemap lines: {robots.site_maps()}")
    if not robots.can_fetch("*", base_url) or robots.can_fetch("*", base_url + "search/index/manifest.json"):
        problems.append("robots.txt should allow the site and keep crawlers out of search/index/")
    return problems, locs


def fragments(out: Path) -> dict[str, dict]:
    """The search index's record of every indexed page (search/index/d/*.json), by site-relative URL,
    with its id under "id"."""
    records = {}
    for path in sorted((out / "search" / "index" / "d").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        record["id"] = int(path.stem, 36)
        records[record["u"]] = record
    return records


def index_terms(out: Path) -> dict[str, dict[int, int]]:
    """Every term of the published index: term -> {page id: impact}."""
    from generator.outputs.searchcodec import decode_postings
    terms: dict[str, dict[int, int]] = {}
    for path in (out / "search" / "index" / "t").glob("*.json"):
        for term, text in json.loads(path.read_text(encoding="utf-8")).items():
            terms[term] = dict(decode_postings(text))
    return terms
