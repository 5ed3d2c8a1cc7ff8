"""What `build.py` runs: build, serve, check, new, import (docx/), publish; each drives the stages."""
