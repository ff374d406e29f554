"""Fixtures shared by the whole test tree (each folder's conftest.py adds its own).

executor_config  session: executor settings whose compile cache lives under pytest's base temp dir,
                 shared by every test that runs programs (the default cache in the home dir is never touched)
executor_pool    module: a 2-worker executor.Pool on executor_config, closed at the end of the module
"""

import pytest

from executor import ExecutorConfig, Pool


@pytest.fixture(scope='session')
def executor_config(tmp_path_factory) -> ExecutorConfig:
  return ExecutorConfig(cache_dir=tmp_path_factory.getbasetemp() / 'executor-cache')


@pytest.fixture(scope='module')
def executor_pool(executor_config):
  with Pool(2, config=executor_config) as pool:
    yield pool
