"""Paths the tests use, independent of how deep a test module sits."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Data files read by the tests (the tiny benchmark copies under tests/fixtures/).
FIXTURES = REPO / 'tests' / 'fixtures'
# Real datasets shared between checkouts (optional: tests that need them skip without them).
SHARED_DATA = REPO.parent / 'shared' / 'data'
CONFIGS = REPO / 'configs'
