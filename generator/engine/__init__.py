"""Stage 5, the machinery: the incremental Builder, caches, worker processes and the writer (the only code that writes the output)."""
