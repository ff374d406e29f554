"""Fixtures of the executor tests.

Tests that need the bubblewrap sandbox skip without it, unless BITE_REQUIRE_SANDBOX=1 (CI sets it):
then they fail, so a run can never pass with no isolation tested.
"""

import os

import pytest

from executor import Executor


def sandbox_missing(reason: str) -> None:
  """Skip the calling test, or fail it where the sandbox is required (BITE_REQUIRE_SANDBOX=1)."""
  if os.environ.get('BITE_REQUIRE_SANDBOX') == '1':
    pytest.fail(f'{reason}, and BITE_REQUIRE_SANDBOX=1 requires the sandbox')
  pytest.skip(reason)


@pytest.fixture(scope='module')
def ex(executor_config):
  """An Executor on the session's cache, one per test module."""
  with Executor(executor_config) as e:
    yield e


@pytest.fixture(scope='module')
def bwrap_ex(ex):
  """The module's Executor, when it runs programs under bubblewrap."""
  if ex.sandbox.isolation()['sandbox'] != 'bwrap':
    sandbox_missing('bubblewrap sandbox unavailable here')
  return ex


@pytest.fixture(scope='session')
def bwrap_works(executor_config):
  """Requires bubblewrap's namespaces here (for tests that start their own executors)."""
  with Executor(executor_config) as e:
    if e.sandbox.isolation()['sandbox'] != 'bwrap':
      sandbox_missing('bubblewrap sandbox unavailable here')
