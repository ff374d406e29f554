"""The jitted IFT step: gradient accumulation equals the big batch, only response targets count,
bfloat16 compute keeps float32 master weights."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from bite_jax import parallel, tuning
from bite_jax.models import Decoder, get_preset
from bite_jax.train.step import (
  choose_loss_chunk,
  choose_row_passes,
  global_batch,
  init_opt_state,
  lm_head_parts,
  make_train_step,
  opt_state_shardings,
  param_shardings,
  rows_sharding,
)

VOCAB, ROWS, LENGTH = 64, 4, 16


@functools.lru_cache(maxsize=None)
def _setup(grad_accum=1, loss_chunk=4, dtype='float32', optimizer='adamw'):
  """(mesh, jitted step, initial params, initial optimizer state), compiled once per configuration."""
  mesh = parallel.make_mesh()
  config = get_preset('tiny').replace(vocab_size=VOCAB, dtype=dtype, param_dtype='float32')
  model = Decoder(config, rngs=nnx.Rngs(0))
  parallel.shard_model(model, mesh)
  graphdef, params, rest = nnx.split(model, nnx.Param, ...)
  # Plain SGD moves parameters exactly as much as the gradients differ (Adam would amplify rounding).
  tx = optax.sgd(1.0) if optimizer == 'sgd' else optax.adamw(1e-2)
  opt_state, opt_sh = init_opt_state(tx, params, mesh)
  step = make_train_step(
    graphdef,
    rest,
    tx,
    mesh=mesh,
    params_sh=param_shardings(params),
    opt_sh=opt_sh,
    grad_accum=grad_accum,
    loss_chunk=loss_chunk,
    batch_rows=ROWS,
  )
  return mesh, step, params, opt_state


def _batch(seed=0):
  rng = np.random.default_rng(seed)
  mask = np.zeros((ROWS, LENGTH), np.int32)
  for row, start in enumerate([3, 5, 8, 2]):
    mask[row, start : start + 6] = 1
  return {
    'inputs': rng.integers(0, VOCAB, (ROWS, LENGTH)).astype(np.int32),
    'targets': rng.integers(0, VOCAB, (ROWS, LENGTH)).astype(np.int32),
    'mask': mask,
  }


def _run(grad_accum, batches, **kw):
  mesh, step, params, opt_state = _setup(grad_accum=grad_accum, **kw)
  params, opt_state = jax.tree.map(jnp.copy, (params, opt_state))  # the step donates its inputs
  losses = []
  for batch in batches:
    params, opt_state, metrics = step(params, opt_state, global_batch(batch, rows_sharding(mesh, ROWS), ROWS))
    losses.append(float(metrics['loss']))
  return losses, params, metrics


def test_gradient_accumulation_equals_the_big_batch():
  batches = [_batch(0), _batch(1)]
  big_losses, big_params, _ = _run(1, batches, optimizer='sgd')
  acc_losses, acc_params, _ = _run(4, batches, optimizer='sgd')
  np.testing.assert_allclose(acc_losses, big_losses, rtol=1e-5)
  for a, b in zip(jax.tree.leaves(acc_params), jax.tree.leaves(big_params)):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_loss_is_per_target_token_and_counts_them():
  _, _, metrics = _run(1, [_batch(0)])
  assert float(metrics['target_tokens']) == 24.0
  assert np.log(VOCAB) * 0.9 < float(metrics['loss']) < np.log(VOCAB) * 1.1  # a fresh model is near uniform


def test_targets_outside_the_mask_do_not_matter():
  batch = _batch(0)
  changed = dict(batch, targets=np.where(batch['mask'] == 1, batch['targets'], (batch['targets'] + 7) % VOCAB))
  changed['targets'] = changed['targets'].astype(np.int32)
  losses_a, params_a, _ = _run(1, [batch, batch])
  losses_b, params_b, _ = _run(1, [changed, changed])
  assert losses_a == losses_b
  for a, b in zip(jax.tree.leaves(params_a), jax.tree.leaves(params_b)):
    np.testing.assert_array_equal(a, b)


def test_loss_chunk_does_not_change_the_step():
  losses_1, _, _ = _run(1, [_batch(0), _batch(1)], loss_chunk=16)
  losses_2, _, _ = _run(1, [_batch(0), _batch(1)])  # loss_chunk 4
  np.testing.assert_allclose(losses_1, losses_2, rtol=1e-5)


def test_bfloat16_compute_keeps_float32_master_weights():
  losses_32, _, _ = _run(1, [_batch(0)])
  losses_16, params_16, _ = _run(1, [_batch(0)], dtype='bfloat16')
  assert all(x.dtype == jnp.float32 for x in jax.tree.leaves(params_16))
  assert losses_16[0] == pytest.approx(losses_32[0], rel=2e-2)


def test_optimizer_state_follows_parameter_shardings():
  mesh, _, params, opt_state = _setup()
  shardings = opt_state_shardings(opt_state, params, mesh)
  by_shape = {x.shape: x.sharding for x in jax.tree.leaves(params)}
  for leaf, sharding in zip(jax.tree.leaves(opt_state), jax.tree.leaves(shardings)):
    if leaf.ndim:
      assert sharding == by_shape[leaf.shape]


def test_explicit_loss_chunk_rounds_down_to_a_divisor():
  mesh = parallel.make_mesh()
  assert choose_loss_chunk(512, seq_len=256, micro_batch=4, vocab_size=100, hidden_size=8, mesh=mesh) == 256
  assert choose_loss_chunk(100, seq_len=256, micro_batch=4, vocab_size=100, hidden_size=8, mesh=mesh) == 64


@pytest.mark.parametrize('tie', [True, False])
def test_fused_loss_head_is_the_models_lm_head(tie):
  config = get_preset('tiny').replace(vocab_size=VOCAB, tie_embeddings=tie)
  model = Decoder(config, rngs=nnx.Rngs(1))
  hidden = jax.random.normal(jax.random.PRNGKey(0), (2, 3, config.hidden_size))
  apply, head_params = lm_head_parts(model)
  np.testing.assert_allclose(apply(head_params, hidden), model.logits_from_hidden(hidden), rtol=1e-6)


class _FakeMesh:
  """What choose_row_passes reads of a mesh: axis sizes and the platform of its devices."""

  def __init__(self, platform, data=1, fsdp=1):
    self.shape = {'data': data, 'fsdp': fsdp, 'tensor': 1}
    self.devices = np.array([type('Device', (), {'platform': platform})()])


@pytest.mark.parametrize(
  'seq_len,hidden,intermediate,heads',
  [
    (256, 128, 512, 0),
    (4096, 1536, 8960, 0),
    (256, 256, 1024, 0),
    (128, 1536, 8960, 0),
    (256, 32, 64, 4),
    (64, 32, 64, 0),
  ],
)
def test_automatic_cpu_passes_fit_the_activation_budget_or_the_token_floor(seq_len, hidden, intermediate, heads):
  choices = tuning.for_platform('cpu')
  passes = choose_row_passes(
    0,
    micro_rows=8,
    seq_len=seq_len,
    hidden_size=hidden,
    intermediate_size=intermediate,
    num_heads=heads,
    mesh=_FakeMesh('cpu'),
  )
  rows = 8 // passes
  assert 8 % passes == 0
  per_row = seq_len * 4 * (8 * hidden + 6 * intermediate + heads * seq_len)
  floor_rows = -(-choices.min_pass_tokens // seq_len)
  # A pass fits the budget, or is no larger than the token floor asks; the next larger pass would do neither.
  assert rows * per_row <= choices.pass_bytes or rows <= max(1, floor_rows)
  larger = [d for d in range(rows + 1, 9) if 8 % d == 0]
  if larger:
    assert larger[0] * per_row > choices.pass_bytes and larger[0] > floor_rows


def test_accelerators_take_a_micro_batch_in_one_pass_unless_asked():
  gpu = _FakeMesh('gpu')
  assert choose_row_passes(0, micro_rows=8, seq_len=4096, hidden_size=1536, intermediate_size=8960, mesh=gpu) == 1
  assert choose_row_passes(2, micro_rows=8, seq_len=16, hidden_size=8, intermediate_size=8, mesh=gpu) == 4


def test_row_passes_divide_the_rows_and_keep_them_spread_over_devices():
  kw = dict(seq_len=16, hidden_size=8, intermediate_size=8)
  assert choose_row_passes(4, micro_rows=6, mesh=_FakeMesh('cpu'), **kw) == 2  # 3 rows per pass
  assert choose_row_passes(1, micro_rows=7, mesh=_FakeMesh('cpu'), **kw) == 7
  # 8 rows on data 2 x fsdp 2: 2 rows per device; 1 row per device per pass -> 2 passes of 4 rows.
  assert choose_row_passes(1, micro_rows=8, mesh=_FakeMesh('cpu', data=2, fsdp=2), **kw) == 2
  # Rows that do not divide over the devices are replicated, so any divisor of them works.
  assert choose_row_passes(2, micro_rows=6, mesh=_FakeMesh('cpu', data=4), **kw) == 3
  for rows in range(1, 13):
    for want in range(1, 5):
      passes = choose_row_passes(want, micro_rows=rows, mesh=_FakeMesh('cpu'), **kw)
      assert rows % passes == 0 and rows // passes <= want or rows // passes == 1
