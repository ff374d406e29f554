"""The sampler on a mesh of 4 simulated CPU devices gives the single-device samples."""

import json
import os
import subprocess
import sys

from tests.helpers import paths
from tests.helpers.checkpoints import make_qwen2_checkpoint

REPO = paths.REPO

# Runs in a fresh process: the device count is fixed when JAX starts.
_SCRIPT = r'''
import json, sys
import jax
from bite_jax import parallel
from bite_jax.models import from_pretrained
from bite_jax.sample import Sampler
assert jax.device_count() == 4, jax.devices()
directory = sys.argv[1]
prompts = [[5, 9, 11, 40, 7], [100, 3, 8], [31, 32] * 7]
kw = dict(length_buckets=(16, 32), batch_buckets=(4, 8))

def run(mesh):
  """{mode: tokens}, and the shard shape of the embedding table."""
  model = from_pretrained(directory, mesh=mesh)
  sampler = Sampler(model, mesh=mesh, max_batch=8, **kw)
  tokens = {}
  for name, sampling in (('sampled', dict(seed=3, top_p=0.9)), ('greedy', dict(greedy=True))):
    result = sampler.generate(prompts, num_samples=2, max_new_tokens=8, **sampling)
    tokens[name] = [[s.token_ids for s in samples] for samples in result]
  table = model.embed_tokens.embedding.get_value()
  return tokens, list(table.sharding.shard_shape(table.shape))

out = {'single': run(None), 'data4': run(parallel.make_mesh(data=4)),
       'data2_tensor2': run(parallel.make_mesh(data=2, tensor=2))}
print(json.dumps(out))
'''


def test_mesh_samples_equal_single_device_samples(tmp_path):
  directory = make_qwen2_checkpoint(tmp_path / 'ck', vocab=128, init_std=0.3)
  env = dict(os.environ, XLA_FLAGS='--xla_force_host_platform_device_count=4', JAX_PLATFORMS='cpu')
  proc = subprocess.run(
    [sys.executable, '-c', _SCRIPT, str(directory)], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
  )
  assert proc.returncode == 0, proc.stderr[-3000:]
  out = json.loads(proc.stdout.strip().splitlines()[-1])
  single, _ = out['single']
  data4, data4_shard = out['data4']
  tensor, tensor_shard = out['data2_tensor2']
  assert data4 == single
  # The tensor axis splits the vocabulary: other float sums, the same tokens on this model.
  assert tensor == single
  assert data4_shard == [128, 32] and tensor_shard == [64, 32]
