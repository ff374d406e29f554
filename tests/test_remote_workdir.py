"""A workdir given as a URL of a file system that is not local: `python -m bite_jax.main --workdir=objtest://...`
runs every stage against an object store (tests/helpers/objfs.py: no append, no rename, whole-object
writes, offline), through a local mirror (bite_jax.storage). The bucket ends up holding every output; a
rerun on a fresh host (an empty mirror cache) finds every stage complete in the bucket; and two JAX
processes with a mirror each run every stage against one bucket."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import fsspec
import pytest

from tests.helpers import objfs, paths
from tests.test_multihost_stages import COMMON, _by_id, _free_port

ROOT = paths.REPO
CONFIG = ROOT / 'configs' / 'tiny.py'
URL = 'objtest://bucket/run'
FLAGS = [*COMMON, '--config.data.languages=c,python', '--config.tree.max_roots=5', '--config.evaluate.baselines=False']


def _env(store: Path, cache: Path) -> dict:
  return dict(
    os.environ,
    BITE_OBJTEST_ROOT=str(store),
    BITE_CACHE_DIR=str(cache),
    XLA_FLAGS='--xla_force_host_platform_device_count=1',
    JAX_PLATFORMS='cpu',
  )


def _main(store: Path, cache: Path, *extra, url: str = URL) -> subprocess.CompletedProcess:
  proc = subprocess.run(
    [sys.executable, '-m', 'tests.helpers.run_main_objfs', f'--config={CONFIG}', f'--workdir={url}', *FLAGS, *extra],
    cwd=ROOT,
    env=_env(store, cache),
    capture_output=True,
    text=True,
    timeout=900,
  )
  assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
  return proc


def _objects(store: Path, prefix: str) -> dict[str, bytes]:
  os.environ[objfs.ROOT_ENV] = str(store)
  fs = fsspec.filesystem(objfs.PROTOCOL)
  return {key[len(prefix) + 1 :]: fs.cat_file(key) for key in fs.find(prefix)}


@pytest.fixture(scope='module')
def remote_run(tmp_path_factory):
  base = tmp_path_factory.mktemp('remote')
  store = base / 'store'
  store.mkdir()
  proc = _main(store, base / 'cache1')
  return base, store, proc


def test_every_stage_writes_its_outputs_to_the_bucket(remote_run):
  base, store, proc = remote_run
  objects = _objects(store, 'bucket/run')
  for key in (
    'config.json',
    'base/BASE_DONE',
    'editors/optimizer/final/config.json',
    'trees/opt.jsonl',
    'trees/opt.done',
    'trees/degr.done',
    'trees/stats.json',
    'curriculum/levels.json',
    'curriculum/hard.jsonl',
    'pkac/stage3/final/train_info.json',
    'metrics.json',
    'report.md',
  ):
    assert key in objects, key
  for stage in ('editors', 'pkac'):
    assert any(k.startswith(f'{stage}/') and '/params/' in k for k in objects), stage
  assert not any(k.endswith('.tmp') for k in objects)
  mirror = next((base / 'cache1').iterdir())
  for key in ('trees/opt.jsonl', 'curriculum/easy.jsonl', 'metrics.json'):
    assert (mirror / key).read_bytes() == objects[key]
  assert set(json.loads(objects['metrics.json'])['overall']) >= {'AP', 'OPT', 'SP', 'COR'}
  assert 'local mirror' in proc.stdout


def test_a_fresh_host_finds_every_stage_complete_in_the_bucket(remote_run):
  base, store, _ = remote_run
  before = _objects(store, 'bucket/run')
  proc = _main(store, base / 'cache2')  # an empty cache: everything comes from the bucket
  for stage in ('editors', 'curriculum', 'pkac', 'evaluate'):
    assert f'{stage}: complete, skipped' in proc.stdout
  assert proc.stdout.count('complete, skipped') >= 6  # both trees too
  after = _objects(store, 'bucket/run')
  assert {k: v for k, v in after.items() if k.endswith('.jsonl')} == {
    k: v for k, v in before.items() if k.endswith('.jsonl')
  }


def test_an_unknown_protocol_is_a_usage_error_naming_the_workdir(tmp_path):
  proc = subprocess.run(
    [sys.executable, '-m', 'bite_jax.main', f'--config={CONFIG}', '--workdir=nosuchfs://b/run', *FLAGS],
    cwd=ROOT,
    env=_env(tmp_path / 'store', tmp_path / 'cache'),
    capture_output=True,
    text=True,
    timeout=300,
  )
  assert proc.returncode == 2
  assert '--workdir' in proc.stderr and 'nosuchfs' in proc.stderr


def test_two_processes_with_a_mirror_each_share_one_bucket(remote_run, tmp_path):
  """Each host has its own mirror: shards and merged files reach the others through the bucket alone.
  The editors and PKAC models come from the first run (same editors, so the same trees): Orbax's
  multi-host saves need a directory every host sees, which objtest:// is not (hosts.orbax_dir)."""
  base, store, _ = remote_run
  objects = _objects(store, 'bucket/run')
  fs = fsspec.filesystem(objfs.PROTOCOL)
  for key, data in objects.items():
    if key.startswith(('editors/', 'base/', 'pkac/')) or key == 'config.json':
      fs.pipe_file(f'bucket/two/{key}', data)
  port = _free_port()
  procs = []
  for k in range(2):
    cluster = [
      f'--config.mesh.coordinator=127.0.0.1:{port}',
      '--config.mesh.num_processes=2',
      f'--config.mesh.process_id={k}',
    ]
    procs.append(
      subprocess.Popen(
        [sys.executable, '-m', 'tests.helpers.run_main_objfs', f'--config={CONFIG}', '--workdir=objtest://bucket/two']
        + [*FLAGS, *cluster],
        cwd=ROOT,
        env=_env(store, tmp_path / f'cache{k}'),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
      )
    )
  outs = []
  try:
    for proc in procs:
      outs.append(proc.communicate(timeout=900)[0])
  finally:
    for proc in procs:
      if proc.poll() is None:
        proc.kill()
  assert all(p.returncode == 0 for p in procs), '\n'.join(o[-3000:] for o in outs)
  two = _objects(store, 'bucket/two')
  one = _objects(store, 'bucket/run')
  for name in ('opt', 'degr'):
    shutil.rmtree(tmp_path / 'cmp', ignore_errors=True)
    (tmp_path / 'cmp').mkdir()
    (tmp_path / 'cmp' / 'a.jsonl').write_bytes(one[f'trees/{name}.jsonl'])
    (tmp_path / 'cmp' / 'b.jsonl').write_bytes(two[f'trees/{name}.jsonl'])
    assert _by_id(tmp_path / 'cmp' / 'b.jsonl') == _by_id(tmp_path / 'cmp' / 'a.jsonl')
    assert f'trees/shards/{name}.p1of2.jsonl' in two
  for key in ('curriculum/levels.json', 'curriculum/shards/p1of2/levels.json', 'metrics.json', 'report.md'):
    assert key in two, key
  assert two['curriculum/easy.jsonl'] == one['curriculum/easy.jsonl']
