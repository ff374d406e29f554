"""The same IFT run on 1 CPU device and on 8 simulated ones (fsdp=4 x tensor=2) gives the same losses.

Each run is its own process: XLA_FLAGS must be set before jax is imported.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from tests.helpers import paths

ROOT = paths.REPO

_RUN = textwrap.dedent("""
    import json, os, sys
    os.environ['XLA_FLAGS'] = '--xla_force_host_platform_device_count=' + sys.argv[1]
    from pathlib import Path
    import jax
    from bite_jax.train import train_ift
    from bite_jax.models.trained import load_trained_model
    from bite_jax import parallel
    from bite_jax.train.metrics import read_metrics
    from bite_jax.train.step import rows_sharding
    from tests.helpers.train import ift_config, synthetic_pairs
    config = ift_config(steps=3)
    config.mesh.fsdp, config.mesh.tensor = int(sys.argv[2]), int(sys.argv[3])
    out = Path(sys.argv[5])
    final = train_ift(config.ift, config.model, config.mesh, out, base_dir=sys.argv[4], pairs=synthetic_pairs(),
                      log=None)
    mesh = parallel.make_mesh(-1, config.mesh.fsdp, config.mesh.tensor)
    model = load_trained_model(final, mesh=mesh)
    spec = model.layers[0].mlp.gate_proj.kernel[...].sharding.spec
    print(json.dumps({'devices': jax.device_count(), 'gate_proj_spec': [str(s) for s in spec],
                      'rows_spec_4': list(rows_sharding(mesh, 4).spec), 'rows_spec_2': list(rows_sharding(mesh, 2).spec),
                      'losses': [r['loss'] for r in read_metrics(out / 'metrics.jsonl')]}))
""")


def _run(base: Path, out: Path, devices: int, fsdp: int, tensor: int) -> dict:
  proc = subprocess.run(
    [sys.executable, '-c', _RUN, str(devices), str(fsdp), str(tensor), str(base), str(out)],
    cwd=ROOT,
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
  assert eight['gate_proj_spec'] == ['fsdp', 'tensor']  # [embed, mlp] kernel sharded over both axes
  np.testing.assert_allclose(eight['losses'], one['losses'], rtol=1e-4)
  # 4 rows split over data x fsdp = 4 devices; 2 rows cannot be, so they are replicated instead.
  assert eight['rows_spec_4'] == [['data', 'fsdp']]
  assert eight['rows_spec_2'] == [None]
  assert len(one['losses']) == 3
