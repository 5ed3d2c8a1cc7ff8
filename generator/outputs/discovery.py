"""The files that help readers and machines find pages: feeds, sitemap, robots.txt, open data.

One call for the pipeline (and the preview server): Site -> OutputFiles, pure.
The search index is made beside them (searchindex); the preview server patches it
(searchupdate.LiveIndex) when the search page asks for it after a save.
"""

from __future__ import annotations

from ..model.models import Site
from ..pages.render import OutputFile
from ..pages.route import Route
from ..pages.routes import plan
from .feeds import feed_files
from .opendata import opendata_files
from .sitemap import sitemap_files


def discovery_files(site: Site, routes: list[Route] | None = None) -> list[OutputFile]:
    """Atom feeds, sitemap.xml and robots.txt, and the open-data downloads of a built Site.

    `routes`: the site's planned pages, if the caller has them (BuildOutput.routes).
    """
    return feed_files(site) + sitemap_files(site, routes or plan(site)) + opendata_files(site)
