"""Entry point: `.venv/bin/python build.py build|serve|new|check …` (see docs/编辑指南.md)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SET_UP = "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"
NEEDED = ("jinja2", "markdown", "yaml")  # what every command but a no-change build imports


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that nothing more is written to a closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _missing(exc: ModuleNotFoundError) -> int:
    """Run without its packages (a bare `python build.py`): one line saying how to set up, no traceback."""
    name = (exc.name or "").split(".")[0] or "?"
    if os.path.exists(os.path.join(HERE, ".venv", "bin", "python")) and not sys.prefix.startswith(HERE):
        how = "请用 .venv/bin/python build.py build（或 serve、check、new）运行，不要直接用 python 或 python3"
    else:
        how = f"请先在 {HERE} 中运行一次：{SET_UP}，然后用 .venv/bin/python build.py build（或 serve、check、new）运行"
    print(f"错误：缺少运行所需的软件包 {name}。{how}。", file=sys.stderr)
    return 2


def _run() -> int:
    sys.path.insert(0, HERE)  # also under `python -I` / `-P`, which leave the script's folder out
    import importlib.util
    for name in NEEDED:  # looked up, not imported: a build with nothing to do never loads them
        if importlib.util.find_spec(name) is None:
            return _missing(ModuleNotFoundError(name=name))
    try:
        from generator.cli import main
        return main()
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] in ("generator", ""):
            raise  # our own code is missing: a broken checkout, not a missing set-up
        return _missing(exc)


if __name__ == "__main__":
    try:
        code = _run()
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
