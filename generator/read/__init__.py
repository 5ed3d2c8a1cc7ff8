"""Stage 1, the site folder -> SiteConfig and Documents: the only code that parses what editors write."""
