"""mesh.invariant: the train step gives the same bits on every power-of-two mesh of data x fsdp devices.

The mesh comparisons run in a subprocess with 8 simulated CPU devices (XLA_FLAGS must be set before
jax is imported); the summation order and the layout rules are checked here directly.
"""

import json
import subprocess
import sys
import textwrap
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from bite_jax.train.invariant import check_layout, leaf_rows_for, tree_sum_scan
from tests.helpers import paths


def _halving_sum(items: list[np.ndarray]) -> np.ndarray:
  """The binary tree that halves the items (the reference order), in float32."""
  if len(items) == 1:
    return items[0]
  if len(items) & (len(items) - 1) == 0:
    half = len(items) // 2
    return np.float32(_halving_sum(items[:half]) + _halving_sum(items[half:]))
  # Other counts: complete power-of-two subtrees from the front, added smallest first.
  top = 1 << (len(items).bit_length() - 1)
  return np.float32(_halving_sum(items[top:]) + _halving_sum(items[:top]))


@pytest.mark.parametrize('count', [1, 2, 3, 4, 5, 7, 8, 16])
def test_tree_sum_scan_adds_in_the_halving_tree(count):
  rng = np.random.default_rng(count)
  # Magnitudes 1e-4 .. 1e4: any other grouping of these float32 sums rounds differently.
  xs = (rng.standard_normal((count, 33)) * 10.0 ** rng.integers(-4, 5, (count, 33))).astype(np.float32)
  got = jax.jit(lambda x: tree_sum_scan(lambda v: {'a': v, 'b': jnp.sum(v)}, x, count))(xs)
  expected = _halving_sum(list(xs))
  assert np.array_equal(np.asarray(got['a']), expected)
  assert np.isclose(float(got['b']), float(np.sum(xs.astype(np.float64))), rtol=1e-4, atol=1e-2)
  if count == 8:  # a block of 4 aligned at 4 is one subtree: two blocks' sums give the whole's bits
    blocks = [np.asarray(jax.jit(lambda x: tree_sum_scan(lambda v: v, x, 4))(xs[i : i + 4])) for i in (0, 4)]
    assert np.array_equal(blocks[0] + blocks[1], np.asarray(got['a']))


def test_leaf_rows_never_read_the_mesh_and_give_enough_leaves():
  assert leaf_rows_for(16, pass_rows=2, min_leaves=8) == 2
  assert leaf_rows_for(16, pass_rows=8, min_leaves=8) == 2  # at least 8 leaves
  assert leaf_rows_for(16, pass_rows=1, min_leaves=8) == 1  # memory asks for fewer rows
  assert leaf_rows_for(4, pass_rows=4, min_leaves=8) == 1  # fewer rows than leaves: one row each
  assert leaf_rows_for(24, pass_rows=4, min_leaves=8) == 3  # a divisor of the batch
  assert leaf_rows_for(12, pass_rows=5, min_leaves=2) == 4


def _mesh(data=1, fsdp=1, tensor=1):
  return types.SimpleNamespace(shape={'data': data, 'fsdp': fsdp, 'tensor': tensor})


def test_check_layout_names_what_cannot_be_shared():
  assert check_layout(_mesh(), batch_rows=6, leaf_rows=2) == 3  # one device sums any number of leaves
  assert check_layout(_mesh(data=2, fsdp=2), batch_rows=16, leaf_rows=2) == 2
  with pytest.raises(ValueError, match='mesh.tensor = 1'):
    check_layout(_mesh(tensor=2), batch_rows=16, leaf_rows=2)
  with pytest.raises(ValueError, match='16 rows per step make 2 leaves of 8 rows.*data x fsdp = 4'):
    check_layout(_mesh(data=4), batch_rows=16, leaf_rows=8)
  with pytest.raises(ValueError, match='data x fsdp = 2'):
    check_layout(_mesh(data=2), batch_rows=12, leaf_rows=2)  # 3 leaves per device: not a subtree
  with pytest.raises(ValueError, match='do not cut into leaves'):
    check_layout(_mesh(), batch_rows=10, leaf_rows=3)


_MESHES = textwrap.dedent("""
    import hashlib, json, os, sys
    os.environ['XLA_FLAGS'] = '--xla_force_host_platform_device_count=8'
    import jax, numpy as np, optax
    from flax import nnx
    from bite_jax import parallel
    from bite_jax.models import Decoder, get_preset
    from bite_jax.train.invariant import make_invariant_train_step
    from bite_jax.train.step import global_batch, init_opt_state, make_train_step, param_shardings, rows_sharding

    VOCAB, ROWS, LENGTH, CLIP = 64, 16, 32, 0.5

    def batch(seed):
      rng = np.random.default_rng(seed)
      return {'inputs': rng.integers(0, VOCAB, (ROWS, LENGTH)).astype(np.int32),
              'targets': rng.integers(0, VOCAB, (ROWS, LENGTH)).astype(np.int32),
              'mask': (rng.random((ROWS, LENGTH)) < 0.6).astype(np.int32)}

    def run(data, fsdp, invariant):
      mesh = parallel.make_mesh(data, fsdp, 1, devices=jax.devices()[: data * fsdp])
      config = get_preset('tiny').replace(vocab_size=VOCAB, dtype='float32', param_dtype='float32')
      model = Decoder(config, rngs=nnx.Rngs(0))
      parallel.shard_model(model, mesh)
      graphdef, params, rest = nnx.split(model, nnx.Param, ...)
      sh = param_shardings(params)
      if invariant:
        tx = optax.adamw(1e-2)
        opt_state, opt_sh = init_opt_state(tx, params, mesh)
        step = make_invariant_train_step(graphdef, rest, tx, mesh=mesh, params_sh=sh, opt_sh=opt_sh, leaf_rows=2,
                                         loss_chunk=8, batch_rows=ROWS, clip_norm=CLIP)
      else:
        tx = optax.chain(optax.clip_by_global_norm(CLIP), optax.adamw(1e-2))
        opt_state, opt_sh = init_opt_state(tx, params, mesh)
        step = make_train_step(graphdef, rest, tx, mesh=mesh, params_sh=sh, opt_sh=opt_sh, grad_accum=1,
                               loss_chunk=8, batch_rows=ROWS)
      out = []
      for s in range(3):
        params, opt_state, m = step(params, opt_state, global_batch(batch(s), rows_sharding(mesh, ROWS), ROWS))
        out.append({k: float(v) for k, v in m.items()})
      flat = np.concatenate([np.asarray(x, np.float32).ravel() for x in jax.tree.leaves(params)])
      return {'metrics': out, 'sha': hashlib.sha256(flat.tobytes()).hexdigest(), 'params': flat[:: 97].tolist()}

    results = {f'{d}x{f}': run(d, f, True) for d, f in [(1, 1), (2, 1), (4, 1), (8, 1), (2, 2), (1, 4)]}
    results['xla'] = run(1, 1, False)
    print(json.dumps(results))
""")


@pytest.fixture(scope='module')
def meshes():
  proc = subprocess.run(
    [sys.executable, '-c', _MESHES], capture_output=True, text=True, cwd=paths.REPO, timeout=600, check=False
  )
  assert proc.returncode == 0, proc.stderr[-3000:]
  return json.loads(proc.stdout.strip().splitlines()[-1])


def test_every_power_of_two_mesh_trains_the_same_bits(meshes):
  one = meshes.pop('1x1')
  xla = meshes.pop('xla')
  assert one['metrics'][0]['grad_norm'] > 0.5  # the clip acts: its norm must be the same on every mesh too
  for name, run in meshes.items():
    assert run['sha'] == one['sha'], name
    assert run['metrics'] == one['metrics'], name
  # The same maths as the ordinary step: only the order of the sums differs.
  np.testing.assert_allclose(one['params'], xla['params'], rtol=1e-4, atol=1e-5)
  for a, b in zip(one['metrics'], xla['metrics']):
    assert a['target_tokens'] == b['target_tokens']
    np.testing.assert_allclose([a['loss'], a['grad_norm']], [b['loss'], b['grad_norm']], rtol=1e-5)
