"""Shared fixtures for the geo tests: where the real (read-only) data lives beside the repo."""
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _shared_file(relative):
    path = SHARED_DATA / relative
    if not path.is_file():
        pytest.skip(f"real data {relative} not found at {path} (needs ../shared/data beside the repo)")
    return path


@pytest.fixture(scope="session")
def shared_file():
    """Function giving the path of a file in ../shared/data, skipping the test when it is absent."""
    return _shared_file
