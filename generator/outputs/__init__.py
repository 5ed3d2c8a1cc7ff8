"""Stage 4, the other files a site publishes: feeds, sitemap, robots.txt, open data, the search index."""
