"""Stage 3, the Site -> Routes (every page, its template and context) -> each page's bytes."""
