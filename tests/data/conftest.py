"""Fixtures of the data tests."""

import pytest

from tests.helpers.checkpoints import save_tiny_tokenizer


@pytest.fixture(scope='module')
def tokenizer(tmp_path_factory):
  """The tiny byte-level BPE tokenizer of tests.helpers.checkpoints (</s> = 2), one per test module."""
  return save_tiny_tokenizer(tmp_path_factory.mktemp('tok'))
