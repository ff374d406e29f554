"""Fixtures of the training tests."""

from pathlib import Path

import pytest

from tests.helpers.train import make_base


@pytest.fixture(scope='module')
def base(tmp_path_factory) -> Path:
  """A tiny random Qwen2 with a tokenizer (tests.helpers.train.make_base), one per test module."""
  return make_base(tmp_path_factory.mktemp('base') / 'qwen2')
