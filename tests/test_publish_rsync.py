"""`python build.py publish` to a rsync target: every case of tests/publish_cases.py against
sshd and the system's rsync, a temporary host key and user key."""

import pytest

from publish_cases import *  # noqa: F401,F403  (the cases and the servers' fixtures)


@pytest.fixture
def kind() -> str:
    return "rsync"
