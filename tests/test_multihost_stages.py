"""The BITE stages on two local JAX processes (CPU, 127.0.0.1, gloo) through `python -m bite_jax.main`:
the trees, the curriculum and the evaluation split their roots and tasks over the processes, and the
editors they train (the tiny config's mesh.invariant), the trees they grow and the candidates they
generate (its sample.invariant) are those of a single-process run from scratch (exact verdicts: the instructions meter). No file is written by two
processes (every write is recorded through Python's audit hooks), and a run whose second process is
killed while growing trees resumes on a rerun without losing or duplicating a node."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import paths
from tests.test_stages import SMALL

ROOT = paths.REPO
CONFIG = ROOT / 'configs' / 'tiny.py'
# The pipeline of tests/test_stages.py, smaller still, with exact verdicts (instruction counts), in the
# three languages of the demo, and with the baselines (three systems to generate and score).
COMMON = [
  *[
    f for f in SMALL if not f.startswith(('--config.tree.max_roots', '--config.data.languages', '--config.evaluate.b'))
  ],
  '--config.executor.meter=instructions',
  '--config.executor.workers=1',
  '--config.evaluate.limit=3',
]
FLAGS = [
  *COMMON,
  '--config.data.languages=c,cpp,python',
  '--config.tree.max_roots=5',
  '--config.evaluate.baselines=True',
]


def _free_port() -> int:
  with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    return s.getsockname()[1]


def _env(audit: Path | None = None) -> dict:
  env = dict(os.environ, XLA_FLAGS='--xla_force_host_platform_device_count=1', JAX_PLATFORMS='cpu')
  if audit is not None:
    env['BITE_WRITE_AUDIT'] = str(audit)
  return env


def _start(workdir: Path, processes: int, *extra, audit_dir: Path | None = None) -> list[subprocess.Popen]:
  """Starts `processes` runs of main on `workdir` (several: one JAX cluster on 127.0.0.1)."""
  port = _free_port()
  procs = []
  for k in range(processes):
    cluster = []
    if processes > 1:
      cluster = [
        f'--config.mesh.coordinator=127.0.0.1:{port}',
        f'--config.mesh.num_processes={processes}',
        f'--config.mesh.process_id={k}',
      ]
    audit = None if audit_dir is None else audit_dir / f'p{k}.jsonl'
    log = open(workdir.parent / f'{workdir.name}.p{k}.log', 'a')  # noqa: SIM115 (closed by the child's exit)
    procs.append(
      subprocess.Popen(
        [sys.executable, '-m', 'tests.helpers.audited_main' if audit else 'bite_jax.main', f'--config={CONFIG}']
        + [f'--workdir={workdir}', *FLAGS, *cluster, *extra],
        cwd=ROOT,
        env=_env(audit),
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
      )
    )
  return procs


def _finish(workdir: Path, procs: list[subprocess.Popen], timeout: float = 900) -> None:
  deadline = time.monotonic() + timeout
  try:
    for proc in procs:
      proc.wait(timeout=max(1.0, deadline - time.monotonic()))
  finally:
    for proc in procs:
      if proc.poll() is None:
        proc.kill()
  logs = ''.join((workdir.parent / f'{workdir.name}.p{k}.log').read_text()[-3000:] for k in range(len(procs)))
  assert all(p.returncode == 0 for p in procs), logs


def _run(workdir: Path, processes: int, *extra, audit_dir: Path | None = None) -> None:
  _finish(workdir, _start(workdir, processes, *extra, audit_dir=audit_dir))


def _nodes(path: Path) -> list[dict]:
  return [json.loads(line) for line in path.read_text().splitlines()]


def _by_id(path: Path) -> dict[str, tuple]:
  nodes = _nodes(path)
  ids = [n['node_id'] for n in nodes]
  assert len(ids) == len(set(ids)), f'{path}: a node is recorded twice'
  return {n['node_id']: (n['code'], n['kept'], n['reason'], n['depth']) for n in nodes}


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
  """The whole pipeline from scratch on one process and on two: the tiny config trains with
  mesh.invariant, so the two processes' editors, and hence their trees, are the one process's."""
  base = tmp_path_factory.mktemp('runs')
  single, multi, audits = base / 'single', base / 'multi', base / 'audit'
  audits.mkdir()
  for workdir in (single, multi):
    workdir.mkdir()
  _run(single, 1)
  _run(multi, 2, audit_dir=audits)
  return single, multi, audits


def test_two_processes_train_the_editors_one_process_trains(runs):
  single, multi, _ = runs
  for editor in ('optimizer', 'degrader'):
    one, two = (_nodes(w / 'editors' / editor / 'metrics.jsonl') for w in (single, multi))
    assert len(one) == 2
    assert [(r['step'], r['loss']) for r in two] == [(r['step'], r['loss']) for r in one]


def test_two_processes_grow_the_trees_one_process_grows(runs):
  single, multi, _ = runs
  for name in ('opt', 'degr'):
    one, two = _by_id(single / 'trees' / f'{name}.jsonl'), _by_id(multi / 'trees' / f'{name}.jsonl')
    assert sum(depth == 0 for *_, depth in one.values()) == 5
    assert sum(depth == 1 for *_, depth in one.values()) == 5 * 2
    assert two == one
    done = json.loads((multi / 'trees' / f'{name}.done').read_text())
    assert done['roots'] == 5 and done['summary']['nodes'] == len(one)
    # each process grew the trees of its own share of the roots (every other root)
    roots = [n['node_id'] for n in _nodes(single / 'trees' / f'{name}.jsonl') if n['depth'] == 0]
    for k in range(2):
      shard = multi / 'trees' / 'shards' / f'{name}.p{k}of2.jsonl'
      assert {n['root_id'] for n in _nodes(shard)} == set(roots[k::2])


def test_every_later_stage_completes_on_two_processes(runs):
  single, multi, _ = runs
  for level in ('easy', 'medium', 'hard'):
    assert (multi / 'curriculum' / f'{level}.jsonl').read_text() == (
      single / 'curriculum' / f'{level}.jsonl'
    ).read_text()
  one, two = (json.loads((w / 'curriculum' / 'levels.json').read_text()) for w in (single, multi))
  assert {k: two[k] for k in ('roots', 'pairs', 'missing')} == {k: one[k] for k in ('roots', 'pairs', 'missing')}
  assert [d['root_id'] for d in two['details']] == [d['root_id'] for d in one['details']]
  for k in (1, 2, 3):
    assert (multi / 'pkac' / f'stage{k}' / 'final' / 'params').is_dir()
  metrics = json.loads((multi / 'metrics.json').read_text())
  assert set(metrics['overall']) >= {'AP', 'OPT', 'SP', 'COR'}
  results = _nodes(multi / 'evaluate' / 'bite-direct' / 'results.jsonl')
  assert sorted(r['task_id'] for r in results) == sorted(
    r['task_id'] for r in _nodes(single / 'evaluate' / 'bite-direct' / 'results.jsonl')
  )
  assert len(results) == 3  # evaluate.limit tasks
  # the tiny config's sample.invariant: every candidate is the one process's, PKAC model's included
  for system in ('bite-direct', 'pie-ift', 'base-direct'):
    assert (multi / 'evaluate' / system / 'candidates.jsonl').read_text() == (
      single / 'evaluate' / system / 'candidates.jsonl'
    ).read_text()
    assert (
      json.loads((multi / 'evaluate' / system / 'metrics.json').read_text())['overall']
      == json.loads((single / 'evaluate' / system / 'metrics.json').read_text())['overall']
    )
  assert '## Trees' in (multi / 'report.md').read_text()


def test_no_file_is_written_by_both_processes(runs):
  _, _, audits = runs
  writers = {}
  for k in range(2):
    for line in (audits / f'p{k}.jsonl').read_text().splitlines():
      writers.setdefault(json.loads(line)['path'], set()).add(k)
  assert writers, 'the audit recorded nothing'
  both = sorted(path for path, who in writers.items() if len(who) > 1)
  assert both == []
  assert any(path.startswith('trees/shards/') for path, who in writers.items() if who == {1})


def test_a_killed_process_resumes_its_share_without_losing_or_duplicating_nodes(runs, tmp_path):
  single, _, _ = runs
  workdir = tmp_path / 'w'
  workdir.mkdir()
  for name in ('config.json', 'base', 'editors'):  # the workdir as the editors stage left it
    copy = shutil.copytree if (single / name).is_dir() else shutil.copyfile
    copy(single / name, workdir / name)
  procs = _start(workdir, 2, '--config.stage=trees', '--config.sample.batch_size=1')
  shard = workdir / 'trees' / 'shards' / 'opt.p1of2.jsonl'
  deadline = time.monotonic() + 600
  while time.monotonic() < deadline:
    if shard.exists() and _nodes_safe(shard):  # its roots are measured and written; no child is sampled yet
      break
    assert all(p.poll() is None for p in procs), 'a process ended before it could be killed'
    time.sleep(0.05)
  os.kill(procs[1].pid, signal.SIGKILL)
  assert not (workdir / 'trees' / 'shards' / 'opt.p1of2.done').exists(), 'the share finished before the kill'
  procs[0].kill()  # its peer is gone: the run cannot finish; a rerun resumes both
  for proc in procs:
    proc.wait(timeout=60)
  before = {n['node_id'] for n in _nodes_safe(shard)}
  assert before
  _run(workdir, 2, '--config.stage=trees')
  assert before <= {n['node_id'] for n in _nodes(shard)}
  for name in ('opt', 'degr'):
    assert _by_id(workdir / 'trees' / f'{name}.jsonl') == _by_id(single / 'trees' / f'{name}.jsonl')
    for k in range(2):
      _by_id(workdir / 'trees' / 'shards' / f'{name}.p{k}of2.jsonl')  # no node twice in a shard


def _nodes_safe(path: Path) -> list[dict]:
  """The complete lines of a file another process is appending to."""
  out = []
  for line in path.read_text().splitlines(keepends=True):
    if line.endswith('\n'):
      out.append(json.loads(line))
  return out
