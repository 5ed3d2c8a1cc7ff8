"""The content kinds by name: constants only, so that the command line can offer them
without importing the model, YAML or Word libraries (a no-change build stays light)."""

from __future__ import annotations

# `build.py new KIND` and `import --kind KIND` name a kind; its files live in this content folder.
KINDS = {"session": "sessions", "deputy": "deputies", "voice": "voices", "report": "reports",
         "news": "news", "page": "pages", "suggestion": "suggestions",
         "resolution": "resolutions", "appointment": "appointments", "notice": "notices"}
# How pages and summaries name each folder's kind.
KIND_LABEL = {"sessions": "会议", "deputies": "代表委员", "voices": "心声", "reports": "工作报告",
              "news": "新闻", "pages": "页面", "suggestions": "代表建议",
              "resolutions": "决定决议", "appointments": "人事任免", "notices": "通知公告"}
# The kinds a Word document can become (`build.py import`).
IMPORT_KINDS = ("report", "news", "voice", "suggestion", "page")
