"""`build.py serve`: the live preview."""
