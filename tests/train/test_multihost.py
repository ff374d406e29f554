"""Two local JAX processes (CPU, the gloo collectives that parallel.initialize_distributed relies on, not
set by the test) train as one: each reads its half of every global batch, checkpoints hold one
data-iterator state per process, a rerun resumes, and the losses equal a single-process run on the
same global batches."""

import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from tests.helpers import paths

ROOT = paths.REPO

_PROCESS = textwrap.dedent("""
    import json, os, sys
    os.environ['XLA_FLAGS'] = '--xla_force_host_platform_device_count=1'
    from pathlib import Path
    import jax
    coordinator, num_processes, process_id, base, out, steps = sys.argv[1:7]
    if int(num_processes) > 1:
      from bite_jax import parallel
      parallel.initialize_distributed(coordinator, int(num_processes), int(process_id))
    from bite_jax.train import train_ift
    from tests.helpers.train import ift_config, synthetic_pairs
    config = ift_config(steps=int(steps), checkpoint_every=2)
    seen = []
    import bite_jax.train.loop as loop_module  # train_ift's module: the name it calls global_batch by
    assemble = loop_module.global_batch
    def recording_global_batch(local, sharding, rows):
      seen.append(local['inputs'].tolist())  # this process's rows of the step
      return assemble(local, sharding, rows)
    loop_module.global_batch = recording_global_batch
    train_ift(config.ift, config.model, config.mesh, Path(out), base_dir=base, pairs=synthetic_pairs(), log=None)
    print(json.dumps({'process': jax.process_index(), 'count': jax.process_count(), 'local_batches': seen}))
""")


def _free_port() -> int:
  with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    return s.getsockname()[1]


def _launch(base: Path, out: Path, steps: int, num_processes: int) -> list[dict]:
  coordinator = f'127.0.0.1:{_free_port()}'
  procs = [
    subprocess.Popen(
      [sys.executable, '-c', _PROCESS, coordinator, str(num_processes), str(i), str(base), str(out), str(steps)],
      cwd=ROOT,
      stdout=subprocess.PIPE,
      stderr=subprocess.PIPE,
      text=True,
    )
    for i in range(num_processes)
  ]
  results = []
  try:
    for proc in procs:
      stdout, stderr = proc.communicate(timeout=300)
      assert proc.returncode == 0, stderr[-3000:]
      results.append(json.loads(stdout.strip().splitlines()[-1]))
  finally:
    for proc in procs:
      if proc.poll() is None:
        proc.kill()
  return results


def _losses(out: Path) -> list[float]:
  return [json.loads(line)['loss'] for line in (out / 'metrics.jsonl').read_text().splitlines()]


def test_two_processes_split_the_batch_checkpoint_and_resume(base, tmp_path):
  single = _launch(base, tmp_path / 'single', steps=4, num_processes=1)[0]
  first = _launch(base, tmp_path / 'multi', steps=2, num_processes=2)
  assert sorted(r['process'] for r in first) == [0, 1] and all(r['count'] == 2 for r in first)
  data_dir = tmp_path / 'multi' / 'checkpoints' / '2' / 'data'
  assert sorted(p.name for p in data_dir.iterdir() if p.suffix == '.json') == [
    'process_0-of-2.json',
    'process_1-of-2.json',
  ]
  second = _launch(base, tmp_path / 'multi', steps=4, num_processes=2)

  # Each process read 2 of the 4 rows of every global batch; together they are the single run's rows.
  for step in range(4):
    runs = first if step < 2 else second
    local = [r['local_batches'][step % 2] for r in sorted(runs, key=lambda r: r['process'])]
    assert all(len(rows) == 2 for rows in local)
    assert sorted(local[0] + local[1]) == sorted(single['local_batches'][step])
    assert local[0] != local[1]

  assert [json.loads(x)['step'] for x in (tmp_path / 'multi' / 'metrics.jsonl').read_text().splitlines()] == [
    1,
    2,
    3,
    4,
  ]
  np.testing.assert_allclose(_losses(tmp_path / 'multi'), _losses(tmp_path / 'single'), rtol=1e-5)
  assert (tmp_path / 'multi' / 'final' / 'params').is_dir()
