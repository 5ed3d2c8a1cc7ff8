"""Static-site generator for district People's Congress public-information sites."""

__version__ = "0.1.0"
