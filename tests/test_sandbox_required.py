"""Model-written programs run sandboxed, or not at all unless the user allows it; the reports say which."""

import json
import os
import subprocess
import sys

import pytest

import executor
from bite_jax import report
from bite_jax.evaluate.cli import export_tasks
from tests.helpers import paths
from tests.helpers.toy_tasks import SUM_EXPERT, sum_task

BROKEN_BWRAP = '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n'


@pytest.fixture
def no_sandbox_env(tmp_path):
  """An environment whose PATH finds a bubblewrap that refuses to start."""
  bin_dir = tmp_path / 'fakebin'
  bin_dir.mkdir()
  fake = bin_dir / 'bwrap'
  fake.write_text(BROKEN_BWRAP)
  fake.chmod(0o755)
  return dict(os.environ, PATH=f'{bin_dir}:{os.environ["PATH"]}')


def _run(args, env, cwd=paths.REPO):
  return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def test_require_sandbox_refuses_host_mode_unless_allowed():
  host = executor.ExecutorConfig(sandbox='none')
  with pytest.raises(executor.SandboxRequiredError, match='allow_unsandboxed'):
    executor.require_sandbox(host)
  assert executor.require_sandbox(host, allow_unsandboxed=True)['sandbox'] == 'none'


def test_require_sandbox_reports_the_namespaces_where_bubblewrap_works():
  isolation = executor.require_sandbox()
  assert isolation['sandbox'] == 'bwrap' and 'net' in isolation['namespaces']


@pytest.fixture
def candidates(tmp_path):
  benchmark = f'tasks:{export_tasks([sum_task()], tmp_path / "tasks.jsonl")}'
  cands = tmp_path / 'cands.jsonl'
  cands.write_text(json.dumps({'task_id': 'toy/sum/python', 'code': SUM_EXPERT}) + '\n')
  return benchmark, cands


def test_evaluate_cli_stops_before_running_any_candidate_without_a_sandbox(tmp_path, candidates, no_sandbox_env):
  benchmark, cands = candidates
  out = tmp_path / 'out'
  proc = _run(
    ['-m', 'bite_jax.evaluate', f'--benchmark={benchmark}', f'--candidates={cands}', f'--out={out}', '--quiet'],
    no_sandbox_env,
  )
  assert proc.returncode == 3, proc.stderr
  assert 'cannot isolate programs' in proc.stderr and '--allow_unsandboxed' in proc.stderr
  assert 'Traceback' not in proc.stderr
  assert not (out / 'results.jsonl').exists()


def test_evaluate_cli_runs_unsandboxed_when_allowed_and_says_so(tmp_path, candidates, no_sandbox_env):
  benchmark, cands = candidates
  out = tmp_path / 'out'
  proc = _run(
    [
      '-m',
      'bite_jax.evaluate',
      f'--benchmark={benchmark}',
      f'--candidates={cands}',
      f'--out={out}',
      '--quiet',
      '--allow_unsandboxed',
      '--repeats=1',
    ],
    no_sandbox_env,
  )
  assert proc.returncode == 0, proc.stderr
  assert 'unsandboxed' in (out / 'report.md').read_text()
  assert json.loads((out / 'metrics.json').read_text())['run']['isolation'].startswith('unsandboxed')


def test_trees_stage_stops_before_anything_runs_without_a_sandbox(tmp_path, no_sandbox_env):
  workdir = tmp_path / 'w'
  proc = _run(
    ['-m', 'bite_jax.main', f'--config={paths.CONFIGS / "tiny.py"}', f'--workdir={workdir}', '--config.stage=trees'],
    no_sandbox_env,
  )
  assert proc.returncode == 3, proc.stderr
  assert 'cannot isolate programs' in proc.stderr and 'allow_unsandboxed=True' in proc.stderr
  assert not (workdir / 'trees').exists()


def test_trees_stage_with_allow_unsandboxed_records_the_isolation(tmp_path, no_sandbox_env):
  workdir = tmp_path / 'w'
  proc = _run(
    [
      '-m',
      'bite_jax.main',
      f'--config={paths.CONFIGS / "tiny.py"}',
      f'--workdir={workdir}',
      '--config.stage=trees',
      '--config.executor.allow_unsandboxed=True',
    ],
    no_sandbox_env,
  )
  # It gets past the sandbox check and stops at the next missing piece: no trained editors here.
  assert proc.returncode != 0 and 'editor is not trained' in proc.stderr
  assert json.loads((workdir / 'isolation.json').read_text())['sandbox'] == 'none'


def test_run_report_names_the_isolation():
  sandboxed = report.isolation_lines({'sandbox': 'bwrap', 'namespaces': ['user', 'net']})
  assert sandboxed[0].startswith('Sandbox: bubblewrap, namespaces user/net')
  assert 'unsandboxed' in report.isolation_lines({'sandbox': 'none', 'namespaces': []})[0]
  assert report.isolation_lines(None) == []
