"""Atom feeds (RFC 4287) for the whole site, each session and each topic. Pure: Site -> OutputFiles.

Every URL is absolute (urls.absolute); entry dates come from content, as
China-time midnight; the content is the full sanitised body with its links
made absolute, so a feed reader shows it as the page does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_module
import re
from typing import Iterable, Sequence
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from ..memo import Memo
from ..model.models import Appointment, Entry, News, Notice, Page, Person, Report, Session, Site, Suggestion, Voice
from ..model.urls import NOTICES_FEED_URL, absolute, feed_url, list_url
from ..pages.render import OutputFile
from ..pages.structured import iso_day

FEED_SIZE = 50  # newest entries per feed; the sitemap lists every page
EPOCH = dt.date(1970, 1, 1)  # `updated` of a feed with nothing dated in it


# (page URL, digest of the HTML) -> the result: an entry is in several feeds, and unchanged
# between runs; the Builder keeps this memo in the site's .cache (memo.Memo).
_ABSOLUTE = Memo("feeds.absolute_links")


def absolute_links(html: str, page_url: str) -> str:
    """The same sanitised HTML with every href/src resolved against the page's absolute URL."""
    key = (page_url, hashlib.sha1(html.encode("utf-8", "surrogatepass")).hexdigest())
    hit = _ABSOLUTE.get(key)
    if hit is None:
        hit = _ABSOLUTE[key] = _absolute_links(html, page_url)
    return hit


def _content(html: str, page_url: str) -> str:
    """An entry's <content>: its HTML with absolute links, escaped for XML (memoised like them)."""
    key = ("content", page_url, hashlib.sha1(html.encode("utf-8", "surrogatepass")).hexdigest())
    hit = _ABSOLUTE.get(key)
    if hit is None:
        hit = _ABSOLUTE[key] = escape(_absolute_links(html, page_url))
    return hit


# An href or src in HTML that nh3 has written (markdown.finalize): double-quoted, & " and NBSP escaped
LINK_ATTRIBUTE = re.compile(r'(<[a-zA-Z][^>]*?\s)(href|src)="([^"]*)"')


def _absolute_links(html: str, page_url: str) -> str:
    """Every href/src of sanitised HTML resolved against the page's absolute URL.

    A substitution, not a second pass of nh3: the HTML is nh3's own output (safe already, its
    attributes quoted one way), and the feeds of an edit are made in its update in place.
    """
    def absolute_url(match: re.Match) -> str:
        url = urljoin(page_url, html_module.unescape(match[3]))
        return f'{match[1]}{match[2]}="{url.replace("&", "&amp;").replace(chr(34), "&quot;").replace(chr(160), "&nbsp;")}"'

    return LINK_ATTRIBUTE.sub(absolute_url, html)


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    """A stable order across kinds: date, then folder, title and id."""
    return sorted(entries, key=lambda e: (-e.sort_date.toordinal(), e.folder, e.title, e.id))


def _author(site: Site, e: Entry) -> tuple[str, str]:
    """(name, absolute URL or "") of who an entry is by."""
    base = site.config.base_url
    person: Person | None = None
    name = ""
    if isinstance(e, (Voice, Report)) and e.speaker_name:
        name, person = e.speaker_name, e.speaker
    elif isinstance(e, News) and e.author:
        name = e.author
    elif isinstance(e, Suggestion) and e.deputies:
        name, person = e.deputies[0].name, e.deputies[0]
    if not name:
        return site.config.footer.sponsor or site.config.title, base
    return name, absolute(person.url, base) if person is not None and person.published else ""


def _entry_xml(site: Site, e: Entry) -> str:
    base = site.config.base_url
    url = absolute(e.url, base)
    date = e.sort_date if e.sort_date.year > 1 else EPOCH
    name, uri = _author(site, e)
    parts = [
        "<entry>",
        f"<title>{escape(e.title)}</title>",
        f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>',
        f"<id>{escape(url)}</id>",
        f"<published>{iso_day(date)}</published>",
        f"<updated>{iso_day(date)}</updated>",
        "<author><name>" + escape(name) + "</name>" + (f"<uri>{escape(uri)}</uri>" if uri else "") + "</author>",
    ]
    parts += [f"<category term={quoteattr(t.name)} scheme={quoteattr(absolute(t.url, base))}/>" for t in e.topics]
    if e.summary:
        parts.append(f'<summary type="text">{escape(e.summary)}</summary>')
    parts.append(f'<content type="html">{_content(_full_html(e), url)}</content>')
    parts.append("</entry>")
    return "\n".join(parts)


def _full_html(e: Entry) -> str:
    """An entry's whole content: an appointment list's entries (as its page reads them) before its note."""
    if not isinstance(e, Appointment):
        return e.html
    lists = "".join(f"<h2>{escape(action)}：</h2><ul>" + "".join(f"<li>{escape(a.name + a.phrase)}</li>" for a in people)
                    + "</ul>" for action, people in e.groups)
    return lists + e.html


def atom(site: Site, url: str, title: str, page_url: str, entries: Sequence[Entry], subtitle: str = "") -> bytes:
    """One Atom feed document at site-relative `url` for the page at `page_url`."""
    cfg = site.config
    shown = newest_first(entries)[:FEED_SIZE]
    dates = [e.sort_date for e in shown if e.sort_date.year > 1]
    updated = max(dates) if dates else EPOCH
    self_url = absolute(url, cfg.base_url)
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(cfg.language)}>',
        f"<title>{escape(title)}</title>",
    ]
    if subtitle:
        head.append(f"<subtitle>{escape(subtitle)}</subtitle>")
    head += [
        f"<id>{escape(self_url)}</id>",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(absolute(page_url, cfg.base_url))}/>',
        f"<updated>{iso_day(updated)}</updated>",
        f"<author><name>{escape(cfg.footer.sponsor or cfg.title)}</name><uri>{escape(cfg.base_url)}</uri></author>",
    ]
    body = [_entry_xml(site, e) for e in shown]
    return ("\n".join(head + body + ["</feed>"]) + "\n").encode("utf-8")


def feed_files(site: Site, only: set[str] | None = None) -> list[OutputFile]:
    """The whole site's feed, one per published session and one per declared topic.

    `only`: the feeds wanted (their paths), where not all are (an update in place).
    """
    cfg = site.config
    files = []
    if only is None or feed_url() in only:
        everything = [e for e in [*site.sessions, *site.voices, *site.reports, *site.news, *site.suggestions,
                                  *site.resolutions, *site.appointments, *site.notices] if e.published]
        files.append(OutputFile(feed_url(), atom(site, feed_url(), cfg.title, "", everything, cfg.description)))
    notices = [n for n in site.notices if n.published]
    if notices and (only is None or NOTICES_FEED_URL in only):  # the notices' own feed, current and archived
        files.append(OutputFile(NOTICES_FEED_URL, atom(site, NOTICES_FEED_URL, f"通知公告 - {cfg.title}",
                                                       list_url("notices"), notices)))
    for s in site.sessions:
        if isinstance(s, Session) and s.published and (only is None or feed_url("sessions", s.slug) in only):
            items = [s] + [e for e in site.session_items(s) if e.published]
            files.append(OutputFile(feed_url("sessions", s.slug),
                                    atom(site, feed_url("sessions", s.slug), f"{s.title}：心声、报告与新闻 - {cfg.title}",
                                         s.url, items)))
    for t in site.topics:
        if only is None or feed_url("topics", t.slug) in only:
            items = [e for e in site.topic_items(t) if e.published]
            files.append(OutputFile(feed_url("topics", t.slug),
                                    atom(site, feed_url("topics", t.slug), f"专题“{t.name}” - {cfg.title}",
                                         t.url or list_url(f"topics/{t.slug}"), items)))
    return files


def feeds_of(entry: Entry) -> set[str]:
    """The feeds an entry can be in: the site's, its session's, its topics', the notices'."""
    if isinstance(entry, (Person, Page)):
        return set()
    if isinstance(entry, Notice):
        return {feed_url(), NOTICES_FEED_URL} | {feed_url("topics", t.slug) for t in entry.topics}
    session = entry if isinstance(entry, Session) else getattr(entry, "session", None)
    found = {feed_url()} | {feed_url("topics", t.slug) for t in entry.topics}
    if isinstance(session, Session):
        found.add(feed_url("sessions", session.slug))
    return found
