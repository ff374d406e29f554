"""The same DPO run on 1 CPU device and on 8 simulated ones (fsdp=4 x tensor=2) gives the same losses.

Each run is its own process: XLA_FLAGS must be set before jax is imported.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from tests.helpers import paths

_RUN = textwrap.dedent("""
    import json, os, sys
    os.environ['XLA_FLAGS'] = '--xla_force_host_platform_device_count=' + sys.argv[1]
    from pathlib import Path
    import jax
    from bite_jax.train.dpo import train_dpo
    from bite_jax.train.metrics import read_metrics
    from tests.helpers.dpo import dpo_config, synthetic_preferences
    config = dpo_config(steps=3, loss_chunk=64)
    config.mesh.fsdp, config.mesh.tensor = int(sys.argv[2]), int(sys.argv[3])
    out = Path(sys.argv[5])
    train_dpo(config.dpo, config.model, config.mesh, out, base_dir=sys.argv[4], records=synthetic_preferences(),
              log=None)
    rows = read_metrics(out / 'metrics.jsonl')
    print(json.dumps({'devices': jax.device_count(), **{k: [r[k] for r in rows] for k in ('loss', 'reward_margin')}}))
""")


def _run(base: Path, out: Path, devices: int, fsdp: int, tensor: int) -> dict:
  proc = subprocess.run(
    [sys.executable, '-c', _RUN, str(devices), str(fsdp), str(tensor), str(base), str(out)],
    cwd=paths.REPO,
    capture_output=True,
    text=True,
    timeout=600,
  )
  assert proc.returncode == 0, proc.stderr[-3000:]
  return json.loads(proc.stdout.strip().splitlines()[-1])


def test_eight_devices_fsdp4_tensor2_match_one_device(base, tmp_path):
  one = _run(base, tmp_path / 'one', devices=1, fsdp=1, tensor=1)
  eight = _run(base, tmp_path / 'eight', devices=8, fsdp=4, tensor=2)
  assert one['devices'] == 1 and eight['devices'] == 8
  assert len(one['loss']) == 3 and one['loss'][-1] < one['loss'][0]
  np.testing.assert_allclose(eight['loss'], one['loss'], rtol=1e-5)
  np.testing.assert_allclose(eight['reward_margin'], one['reward_margin'], rtol=1e-4, atol=1e-5)
