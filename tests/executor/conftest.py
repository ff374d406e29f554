"""Fixtures of the executor tests."""

import pytest

from executor import Executor


@pytest.fixture(scope='module')
def ex(executor_config):
  """An Executor on the session's cache, one per test module."""
  with Executor(executor_config) as e:
    yield e
