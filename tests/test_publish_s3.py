"""`python build.py publish` to a s3 target: every case of tests/publish_cases.py against
moto's standalone S3 server (its own process, IAM keys checked)."""

import pytest

from publish_cases import *  # noqa: F401,F403  (the cases and the servers' fixtures)


@pytest.fixture
def kind() -> str:
    return "s3"
