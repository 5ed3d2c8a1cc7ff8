"""Static-site generator for district People's Congress public-information sites."""

__version__ = "0.1.0"
RUN = ".venv/bin/python build.py"  # the command as the README's set-up makes it work, in every message
