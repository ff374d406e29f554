"""Fixtures of the benchmark tests: the scripts under benchmarks/ import each other as siblings
(benchmarks/ is not a package), so that folder is put on sys.path for the tests that import them."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / 'benchmarks'
if str(BENCHMARKS) not in sys.path:
  sys.path.insert(0, str(BENCHMARKS))


@pytest.fixture(scope='session')
def benchmarks_dir() -> Path:
  """The benchmarks/ folder of this checkout."""
  return BENCHMARKS
