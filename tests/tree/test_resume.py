"""A kill during tree growth followed by a rerun neither loses nor duplicates nodes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bite_jax.tree import read_tree
from tests.helpers import paths

REPO = paths.REPO


def grow(out: Path, cache: Path, *extra: str) -> subprocess.Popen:
  """Starts `python -m tests.helpers.tree_fakes` (a small optimization tree) in its own process group."""
  return subprocess.Popen(
    [sys.executable, '-m', 'tests.helpers.tree_fakes', '--out', str(out), '--cache', str(cache), *extra],
    cwd=REPO,
    stdout=subprocess.PIPE,
    stderr=subprocess.PIPE,
    text=True,
    start_new_session=True,
  )


def finish(proc: subprocess.Popen) -> str:
  out, err = proc.communicate(timeout=300)
  assert proc.returncode == 0, err
  return out


def children_on_disk(path: Path) -> int:
  return sum(1 for n in read_tree(path) if n['depth'] > 0) if path.exists() else 0


def summary(path: Path) -> dict:
  return {n['node_id']: (n['depth'], n['kept'], n['reason'], n['code']) for n in read_tree(path)}


def test_a_kill_mid_level_then_a_rerun_gives_the_uninterrupted_tree(tmp_path):
  cache = tmp_path / 'executor-cache'
  killed = tmp_path / 'killed' / 'opt.jsonl'
  # The editor of this run never yields its second batch: the kill lands inside level 1.
  proc = grow(killed, cache, '--hang-after-batches', '1')
  deadline = time.monotonic() + 120
  while children_on_disk(killed) < 1:
    assert proc.poll() is None, proc.communicate()[1]
    assert time.monotonic() < deadline, 'no child node reached the disk in 120 s'
    time.sleep(0.05)
  os.killpg(proc.pid, signal.SIGKILL)  # the grower, its executor workers and their programs
  proc.wait()
  proc.stdout.close()
  proc.stderr.close()
  before = killed.read_bytes()
  assert not (killed.parent / 'opt.done').exists()
  with killed.open('ab') as f:  # a node write cut short, as a kill during write() leaves it
    f.write(b'{"node_id": "sum/a:1", "root_id": "su')

  finish(grow(killed, cache))
  resumed = read_tree(killed)
  assert killed.read_bytes().startswith(before)  # what was on disk is kept as it was
  ids = [n['node_id'] for n in resumed]
  assert len(ids) == len(set(ids))
  assert (killed.parent / 'opt.done').exists()

  full = tmp_path / 'full' / 'opt.jsonl'
  finish(grow(full, cache))
  assert summary(killed) == summary(full)
  assert len(before.splitlines()) < len(ids) == 2 + 2 * 4 + 2 * 4
  assert sorted(i for i, n in summary(full).items() if n[1] and n[0] == 2) == ['sum/a:0.0', 'sum/b:0.0']
