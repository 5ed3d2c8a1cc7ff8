"""Entry point: `python build.py build|serve …` (see README)."""

import os
import sys

from generator.cli import main


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that nothing more is written to a closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # piped into a program that stopped reading (`| head`): no traceback
        _quiet_stdout()
        code = 1
    if sys.argv[1:2] == ["build"]:
        # Everything is written and closed by now: skip freeing the site model object by
        # object at interpreter exit (0.16 s of a 2,000-page build, more on bigger sites).
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
