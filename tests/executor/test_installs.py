"""Python programs run, sandboxed, whichever interpreter or virtualenv the executor is installed in."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from executor.mounts import rewrite
from tests.helpers.paths import REPO

# prints the answer, whether site ran, the stdlib's home, and whether the repository is visible
PROGRAM = (
  'import os, sys, json\n'
  'n = int(input())\n'
  f'print(json.dumps([n * 2, sys.flags.no_site, os.__file__, os.path.exists({str(REPO)!r})]))\n'
)


def _install(kind: str, where: Path) -> Path:
  """An interpreter with the package importable: a venv (.pth to the repository) or the system Python."""
  if kind == 'system':
    if not os.path.exists('/usr/bin/python3'):
      pytest.skip('no system interpreter at /usr/bin/python3')
    return Path('/usr/bin/python3')
  flags = ['--copies'] if kind == 'venv-copies' else []
  subprocess.run([sys.executable, '-m', 'venv', '--without-pip', *flags, str(where)], check=True, timeout=120)
  python = where / 'bin' / 'python'
  purelib = subprocess.run(
    [str(python), '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
    capture_output=True,
    text=True,
    check=True,
  ).stdout.strip()
  Path(purelib, 'bite_jax_repo.pth').write_text(f'{REPO}\n')
  return python


def _batch(python: Path, tmp_path: Path, cache: Path, sandbox: str) -> dict:
  jobs = tmp_path / 'jobs.jsonl'
  jobs.write_text(json.dumps({'id': 'j', 'lang': 'python', 'source': PROGRAM, 'inputs': ['21\n']}) + '\n')
  env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'VIRTUAL_ENV', 'PYTHONHOME')}
  if python == Path('/usr/bin/python3'):
    env['PYTHONPATH'] = str(REPO)  # the executor needs nothing but the standard library
  proc = subprocess.run(
    [str(python), '-m', 'executor', 'batch', str(jobs), '--workers', '1', '--cache-dir', str(cache)]
    + ['--sandbox', sandbox],
    capture_output=True,
    text=True,
    cwd=tmp_path,  # not the repository: the package must come from the install
    env=env,
    timeout=300,
  )
  assert proc.returncode == 0, proc.stderr[-3000:]
  return json.loads(proc.stdout)


@pytest.mark.parametrize('kind', ['venv', 'venv-copies', 'system'])
def test_batch_runs_python_sandboxed_from_any_install(kind, tmp_path, executor_config, bwrap_works):
  python = _install(kind, tmp_path / 'venv')
  result = _batch(python, tmp_path, executor_config.cache_dir, 'bwrap')
  run = result['runs'][0]
  assert result['status'] == 'ok', run['stderr']
  doubled, no_site, stdlib, sees_repo = json.loads(run['stdout'])
  assert doubled == 42 and no_site == 0 and not sees_repo
  assert not stdlib.startswith(str(tmp_path))  # the base interpreter's standard library, not the venv's
  iso = result['isolation']
  assert iso['sandbox'] == 'bwrap' and iso['network'] == 'isolated' and iso['syscall_filter'] == 'seccomp'


@pytest.mark.parametrize('kind', ['venv', 'venv-copies'])
def test_host_mode_runs_python_from_a_venv_under_tmp(kind, tmp_path, executor_config):
  if not str(tmp_path).startswith('/tmp/'):
    pytest.skip(f'the test dir {tmp_path} is not under /tmp here')
  python = _install(kind, tmp_path / 'venv')
  result = _batch(python, tmp_path, executor_config.cache_dir, 'none')
  run = result['runs'][0]
  assert result['status'] == 'ok', run['stderr']
  assert json.loads(run['stdout'])[:2] == [42, 0]
  assert result['isolation']['sandbox'] == 'none' and result['isolation']['syscall_filter'] == 'seccomp'


def test_host_mode_rewrites_only_the_programs_own_paths():
  rewrites = {'/box': '/s/box', '/tmp': '/s/box/.tmp', '/prog': '/s/prog'}
  toolchains = ['/tmp/venv', '/opt/go']
  assert rewrite('/tmp/venv/bin/python', rewrites, toolchains) == '/tmp/venv/bin/python'
  assert rewrite('/tmp/venvx/data', rewrites, toolchains) == '/s/box/.tmp/venvx/data'
  assert [rewrite(p, rewrites, toolchains) for p in ('/prog/main.py', '/box', '/tmp', '/usr/bin/x')] == [
    '/s/prog/main.py',
    '/s/box',
    '/s/box/.tmp',
    '/usr/bin/x',
  ]
