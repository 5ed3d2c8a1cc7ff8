"""Nightly fuzzing: the properties of tests/test_fuzz.py, with fresh random seeds and many more examples.

CI runs them deterministically with about 2,000 examples; this runs rounds of
`--scale` times as many, each round with a new seed, until `--minutes` have passed
(or a round fails), and reports how many examples were tried in all.

    python bench/fuzz_nightly.py [--scale 10] [--minutes 30] [--seed N] [-k front_matter]

A failure prints the property, the seed of its round and hypothesis's falsifying
example with its @reproduce_failure blob, and exits 1. The counts of every round go to
test-artifacts/fuzz-nightly.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
REPORT = PROJECT / "test-artifacts" / "fuzz-report.json"  # written by tests/test_fuzz.py after each run


def run_round(seed: int, scale: float, select: str | None) -> tuple[int, Counter, str]:
    """One pytest run of the fuzz module: (exit code, examples per property, output)."""
    REPORT.unlink(missing_ok=True)
    env = {**os.environ, "FUZZ_NIGHTLY": "1", "FUZZ_SCALE": str(scale), "CI": "1"}
    cmd = [sys.executable, "-m", "pytest", str(PROJECT / "tests" / "test_fuzz.py"), "-q", "-p", "no:cacheprovider",
           f"--hypothesis-seed={seed}", "-x"]
    if select:
        cmd += ["-k", select]
    proc = subprocess.run(cmd, cwd=PROJECT, env=env, capture_output=True, text=True)
    counts = Counter(json.loads(REPORT.read_text(encoding="utf-8"))) if REPORT.exists() else Counter()
    return proc.returncode, counts, proc.stdout + proc.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10, help="examples per property, times CI's (default 10)")
    parser.add_argument("--minutes", type=float, default=30, help="keep starting rounds until this much time has passed")
    parser.add_argument("--seed", type=int, default=None, help="the first round's seed (default: random)")
    parser.add_argument("-k", dest="select", default=None, help="only the properties pytest -k selects")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    started = time.monotonic()
    total: Counter = Counter()
    rounds = []
    code = 0
    while True:
        seed = args.seed if args.seed is not None and not rounds else rng.randrange(2**32)
        t0 = time.monotonic()
        code, counts, output = run_round(seed, args.scale, args.select)
        total.update(counts)
        rounds.append({"seed": seed, "seconds": round(time.monotonic() - t0, 1), "examples": dict(counts),
                       "passed": code == 0})
        print(f"round {len(rounds)}: seed {seed}, {sum(counts.values())} examples in "
              f"{rounds[-1]['seconds']} s — {'ok' if code == 0 else 'FAILED'}", flush=True)
        if code != 0:
            print(output[-20000:])
            print(f"reproduce: FUZZ_NIGHTLY=1 FUZZ_SCALE={args.scale} python -m pytest tests/test_fuzz.py "
                  f"--hypothesis-seed={seed} -x")
            break
        if time.monotonic() - started > args.minutes * 60:
            break
    summary = {"examples": sum(total.values()), "by_property": dict(total), "rounds": rounds}
    out = PROJECT / "test-artifacts" / "fuzz-nightly.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"examples fuzzed: {summary['examples']} in {len(rounds)} round(s) "
          f"({', '.join(f'{k} {v}' for k, v in sorted(total.items()))}); "
          f"{'no failure' if code == 0 else 'FAILED'} → {out.relative_to(PROJECT)}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
