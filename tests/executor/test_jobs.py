"""Job validation, limits from jobs, and the launcher's mount-staging arguments."""

import importlib
import os
from pathlib import Path

import pytest

import executor
from executor.config import ExecutorConfig, Limits, config_from_dict, config_to_dict
from executor.jobs import JobError, limits_of, validate_job
from executor.mounts import Mounts, blocked_ancestor, rewrite


def test_run_job_defaults_kind_and_normalises_language():
  job = validate_job({'id': 1, 'lang': 'Py', 'source': 'print(1)', 'inputs': ['a']})
  assert job['kind'] == 'run' and job['lang'] == 'python'


def test_unknown_field_is_named():
  with pytest.raises(JobError, match=r"job: unknown field\(s\) \['stdin'\]"):
    validate_job({'lang': 'c', 'source': '', 'stdin': 'x'})


def test_inputs_must_be_strings():
  with pytest.raises(JobError, match="'inputs' must be a list of strings"):
    validate_job({'lang': 'c', 'source': '', 'inputs': [1]})


def test_bad_limit_is_named():
  with pytest.raises(JobError, match='timeout'):
    validate_job({'lang': 'c', 'source': '', 'timeout': -1})


def test_limits_come_from_job_fields():
  limits = limits_of({'timeout': '2.5', 'memory_mb': 64}, base=Limits(processes=8))
  assert (limits.timeout, limits.memory_mb, limits.processes) == (2.5, 64, 8)
  assert limits.wall == 6.0


def test_config_round_trips_through_json_form(tmp_path):
  config = ExecutorConfig(cache_dir=tmp_path, sandbox='none', compile_limits=Limits(timeout=3.0))
  assert config_from_dict(config_to_dict(config)) == config
  with pytest.raises(ValueError, match='unknown field'):
    config_from_dict({'cache_dir': str(tmp_path), 'sandbx': 'none'})


def test_mounts_stage_sources_then_cover_blocked_dirs(tmp_path):
  mounts = Mounts(tmp_path / 'stage', privileged=True)
  prog = mounts.stage('/cache/prog')
  mounts.cover('/root', '/root/.pyenv/versions/3.11.7')
  mounts.chdir(prog)
  argv = mounts.argv()
  stage = str(tmp_path / 'stage')
  assert argv == [
    '6',
    'tmpfs',
    '-',
    stage,
    'bind',
    '/cache/prog',
    stage + '/0',
    'bind',
    '/root/.pyenv/versions/3.11.7',
    stage + '/1',
    'tmpfs',
    '-',
    '/root',
    'bind',
    stage + '/1',
    '/root/.pyenv/versions/3.11.7',
    'chdir',
    '-',
    stage + '/0',
  ]


def test_blocked_ancestor_is_the_outermost_dir_others_cannot_traverse(tmp_path):
  locked = tmp_path / 'locked'
  (locked / 'inner').mkdir(parents=True)
  locked.chmod(0o700)
  found = Path(blocked_ancestor(str(locked / 'inner')))
  assert found in (locked / 'inner').parents and not os.stat(found).st_mode & 0o001
  assert all(os.stat(p).st_mode & 0o001 for p in found.parents)
  assert blocked_ancestor('/usr/bin') is None


def test_sandbox_paths_are_rewritten_for_host_mode():
  rewrites = {'/prog': '/s/1', '/box': '/s/box'}
  assert [rewrite(a, rewrites) for a in ('/prog/main', '/prog', '/box/x', '/programs', '-O2')] == [
    '/s/1/main',
    '/s/1',
    '/s/box/x',
    '/programs',
    '-O2',
  ]


def test_unprivileged_mounts_use_paths_as_they_are(tmp_path):
  mounts = Mounts(tmp_path / 'stage', privileged=False)
  assert mounts.stage('/home/me/cache/prog') == '/home/me/cache/prog'
  mounts.cover('/root', '/root/x')
  assert mounts.argv() == ['0']


def test_public_measure_stays_a_function_after_importing_the_internals():

  importlib.import_module('executor.measuring')
  importlib.import_module('executor.jobs')
  assert callable(executor.measure) and callable(executor.compare)


@pytest.mark.parametrize(
  'extra, why',
  [
    ({'timeout': 'abc'}, "field 'timeout' must be a number, got str"),
    ({'timeout': True}, "field 'timeout' must be a number, got bool"),
    ({'memory_mb': 512.5}, "field 'memory_mb' must be an integer, got 512.5"),
    ({'repeats': '3'}, "field 'repeats' must be an integer, got '3'"),
    ({'repeats': 0}, "field 'repeats' must be >= 1, got 0"),
    ({'meter': 'wall'}, "field 'meter' must be one of auto, cpu, instructions, got 'wall'"),
  ],
)
def test_an_optional_field_of_the_wrong_type_is_named(extra, why):
  with pytest.raises(JobError, match=f'jobs.jsonl:4: {why}'):
    validate_job({'lang': 'python', 'source': 'print(1)', **extra}, where='jobs.jsonl:4')


@pytest.mark.parametrize(
  'job, why',
  [
    ({'lang': 'python'}, "missing field 'source'"),
    ({'lang': 'python', 'source': 3}, "field 'source' must be a string"),
    ({'kind': 'compare', 'lang': 'c', 'baseline': 'a'}, "missing field 'candidate'"),
    ({'kind': 'compare', 'lang': 'c', 'baseline': 'a', 'candidate': 'b', 'exact': 'yes'}, "field 'exact' must be"),
    ({'kind': 'measure', 'lang': 'c', 'sources': 'a'}, "field 'sources' must be a list of strings"),
    ({'kind': 'build', 'lang': 'c'}, "field 'kind' must be run, compare or measure"),
    ({'lang': 'cobol', 'source': ''}, "field 'lang': unknown language 'cobol'"),
    (['print(1)'], 'expected a JSON object, got list'),
  ],
)
def test_a_malformed_job_is_named_with_its_field(job, why):
  with pytest.raises(JobError, match=f'job: {why}'):
    validate_job(job)


def test_defaults_may_be_given_as_null_and_integral_floats_are_integers():
  job = validate_job({'lang': 'python', 'source': '', 'timeout': None, 'meter': None, 'memory_mb': 512.0})
  assert limits_of(job).memory_mb == 512
