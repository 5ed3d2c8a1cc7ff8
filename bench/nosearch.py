"""`python build.py` without the search-index step, for like-for-like timings (bench/run.py).

Pelican and Hugo build no search index; our build runs Pagefind on every
changed site. This runs the real command line in one process, with only the
Pagefind hook (generator.search.index_step) replaced by nothing.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import cli, search  # noqa: E402

search.index_step = lambda *_, **__: None

if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[1:]))
