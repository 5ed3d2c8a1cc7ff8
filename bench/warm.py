"""The preview server's rebuild, timed: one Builder kept alive, one voice edited between builds.

    python bench/warm.py SITE VOICE RUNS   -> prints a JSON list of seconds per rebuild

As `python build.py serve` does it (generator/commands/serve/rebuild.py): Builder(site, include_drafts=True),
then build(changed) with the path the watcher reported.
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.engine.builder import Builder  # noqa: E402


def main() -> None:
    site, voice, runs = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), int(sys.argv[3])
    original = voice.read_bytes()
    builder = Builder(site, include_drafts=True)
    builder.build()
    times = []
    try:
        for run in range(runs):
            voice.write_bytes(original + f"\n预览中第{run + 1}次修改：代表们继续关注这件事。\n".encode("utf-8"))
            started = time.perf_counter()
            result = builder.build({voice})
            times.append(time.perf_counter() - started)
            assert result.rendered >= 1
    finally:
        voice.write_bytes(original)
    print(json.dumps(times))


if __name__ == "__main__":
    main()
