"""Query-blocked attention, slot-causal masks and the matmul projections, against plain references."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from bite_jax import tuning
from bite_jax.models import Decoder, get_preset
from bite_jax.models.attention import (
  KVCache,
  attention_heads_first,
  attention_in_key_blocks,
  attention_plan,
  dot_product_attention,
  query_block_size,
  visibility_mask,
)
from bite_jax.models.layers import Linear


def _reference(q, k, v, mask):
  """Whole-sequence softmax attention with kv heads repeated, as transformers' eager path."""
  group = q.shape[2] // k.shape[2]
  k, v = jnp.repeat(k, group, axis=2), jnp.repeat(v, group, axis=2)
  scores = jnp.einsum('btnh,bsnh->bnts', q, k) / np.sqrt(q.shape[-1])
  scores = jnp.where(mask[:, None], scores, jnp.finfo(jnp.float32).min)
  return jnp.einsum('bnts,bsnh->btnh', jax.nn.softmax(scores, axis=-1), v)


def _qkv(batch, length, keys, heads=6, kv_heads=2, dim=8, seed=0):
  rng = np.random.RandomState(seed)
  q = jnp.asarray(rng.randn(batch, length, heads, dim), jnp.float32)
  k = jnp.asarray(rng.randn(batch, keys, kv_heads, dim), jnp.float32)
  v = jnp.asarray(rng.randn(batch, keys, kv_heads, dim), jnp.float32)
  return q, k, v


def _causal_mask(batch, length, pads):
  """Left padding of pads[b] tokens per row, positions from the mask, slot-causal."""
  valid = jnp.arange(length)[None, :] >= jnp.asarray(pads)[:, None]
  positions = jnp.maximum(jnp.cumsum(valid, axis=1) - 1, 0)
  return visibility_mask(positions, positions, valid, None, first_slot=0), valid


@pytest.mark.parametrize('block_bytes', [1, 3000, 20000])
def test_blocked_attention_equals_whole_sequence_with_a_random_mask(block_bytes):
  q, k, v = _qkv(2, 37, 45)
  mask = jnp.asarray(np.random.RandomState(1).rand(2, 37, 45) < 0.6)
  blocked = dot_product_attention(q, k, v, mask, block_bytes=block_bytes)
  np.testing.assert_allclose(blocked, _reference(q, k, v, mask), atol=2e-6)


@pytest.mark.parametrize('block_bytes', [1, 5000])
def test_causal_blocks_skip_later_keys_without_changing_values_or_gradients(block_bytes):
  q, k, v = _qkv(3, 41, 41, seed=2)
  mask, valid = _causal_mask(3, 41, [0, 5, 17])
  weights = jnp.asarray(np.random.RandomState(3).randn(*q.shape), jnp.float32)

  def loss(fn):
    return lambda q, k, v: jnp.sum(jnp.where(valid[:, :, None, None], fn(q, k, v) * weights, 0.0))

  causal = loss(lambda q, k, v: dot_product_attention(q, k, v, mask, causal=True, block_bytes=block_bytes))
  reference = loss(lambda q, k, v: _reference(q, k, v, mask))
  np.testing.assert_allclose(jax.jit(causal)(q, k, v), reference(q, k, v), rtol=1e-5)
  for got, want in zip(
    jax.jit(jax.grad(causal, argnums=(0, 1, 2)))(q, k, v), jax.jit(jax.grad(reference, argnums=(0, 1, 2)))(q, k, v)
  ):
    np.testing.assert_allclose(got, want, atol=2e-5)


@pytest.mark.parametrize('keep_bytes', [0, 2**30])
def test_blocks_rematerialised_or_kept_give_the_same_gradients(keep_bytes, monkeypatch):
  _tune(monkeypatch, keep_probs_bytes=keep_bytes)
  q, k, v = _qkv(2, 41, 41, seed=5)
  mask, valid = _causal_mask(2, 41, [0, 7])
  weights = jnp.asarray(np.random.RandomState(6).randn(*q.shape), jnp.float32)

  def loss(fn):
    return lambda q, k, v: jnp.sum(jnp.where(valid[:, :, None, None], fn(q, k, v) * weights, 0.0))

  blocked = jax.jit(
    jax.grad(loss(lambda q, k, v: dot_product_attention(q, k, v, mask, causal=True, block_bytes=1)), argnums=(0, 1, 2))
  )
  reference = jax.grad(loss(lambda q, k, v: _reference(q, k, v, mask)), argnums=(0, 1, 2))
  for got, want in zip(blocked(q, k, v), reference(q, k, v)):
    np.testing.assert_allclose(got, want, atol=2e-5)


def _tune(monkeypatch, **changes):
  """This backend's tuning with `changes` for the rest of the test."""
  platform = jax.default_backend()
  monkeypatch.setitem(tuning.PLATFORMS, platform, dataclasses.replace(tuning.for_platform(platform), **changes))


@pytest.mark.parametrize('platform', ['cpu', 'gpu'])
@pytest.mark.parametrize('batch,heads,length', [(2, 4, 256), (1, 4, 1024), (8, 4, 4096), (1, 4, 40)])
def test_causal_plan_blocks_within_the_platform_choices(platform, batch, heads, length):
  choices = tuning.for_platform(platform)
  block, remat = attention_plan(batch, heads, length, length, causal=True, platform=platform)
  assert 1 <= block <= length
  assert -(-length // block) <= choices.max_query_blocks
  if choices.causal_block is not None:
    assert block <= max(choices.causal_block, -(-length // choices.max_query_blocks))
  if block == length:
    assert not remat  # one block: nothing to recompute
  else:
    kept = sum(
      4 * batch * heads * (min(length, s + block) - s) * min(length, s + block) for s in range(0, length, block)
    )
    assert remat == (kept > choices.keep_probs_bytes)


def test_plan_with_everything_in_budget_takes_one_block():
  assert attention_plan(1, 2, 40, 40, causal=False, platform='cpu', block_bytes=10**9) == (40, False)


def test_causal_blocks_read_only_keys_up_to_their_last_query():
  # causal=True promises a causal mask; given an all-visible mask instead, a block of queries [s, e)
  # must still attend to keys [0, e) alone, which shows later keys are never read.
  q, k, v = _qkv(1, 32, 32)
  full = jnp.ones((1, 32, 32), bool)
  block, _ = attention_plan(1, q.shape[2], 32, 32, causal=True, platform=jax.default_backend(), block_bytes=1)
  assert block < 32
  block_end = np.minimum((np.arange(32) // block + 1) * block, 32)
  seen = jnp.asarray(np.arange(32)[None, :] < block_end[:, None])[None]
  got = dot_product_attention(q, k, v, full, causal=True, block_bytes=1)
  np.testing.assert_allclose(got, _reference(q, k, v, seen), atol=2e-6)


def test_attention_checks_its_mask_and_causal_shapes():
  q, k, v = _qkv(1, 4, 6)
  with pytest.raises(ValueError, match='attention mask'):
    dot_product_attention(q, k, v, jnp.ones((1, 4, 5), bool))
  with pytest.raises(ValueError, match='causal attention needs as many keys'):
    dot_product_attention(q, k, v, jnp.ones((1, 4, 6), bool), causal=True)


@pytest.mark.parametrize(
  'batch,heads,length,keys,budget',
  [
    (8, 4, 256, 256, 2 * 2**20),
    (4, 4, 1024, 1024, 2 * 2**20),
    (1, 1, 7, 7, 1),
    (2, 8, 4096, 4096, 1),
    (3, 5, 100, 300, 10**12),
  ],
)
def test_query_block_size_respects_budget_length_and_block_count(batch, heads, length, keys, budget):
  block = query_block_size(batch, heads, length, keys, budget)
  assert 1 <= block <= length
  assert -(-length // block) <= 32  # query_block_size's default max_blocks
  if block > 8:
    assert block % 8 == 0 or block == length
  if batch * heads * keys * 4 * 8 <= budget:
    assert block >= min(length, 8)
  fits = budget // (batch * heads * keys * 4)
  assert block <= max(fits, -(-length // 32) + 7, 1)


def test_slot_causality_hides_later_tokens_from_padding_queries_only():
  pads = [0, 3, 6]
  mask, valid = _causal_mask(3, 9, pads)
  positions = jnp.maximum(jnp.cumsum(valid, axis=1) - 1, 0)
  by_position = visibility_mask(positions, positions, valid, None)
  rows = np.asarray(valid)
  np.testing.assert_array_equal(np.asarray(mask)[rows], np.asarray(by_position)[rows])
  assert not np.asarray(mask)[1, :3].any()  # padding queries see nothing, not the real tokens after them
  assert np.asarray(by_position)[1, :3].any()


def test_slot_causality_with_a_cache_offset():
  positions = jnp.arange(4, dtype=jnp.int32)[None] + 2
  key_positions = jnp.arange(10, dtype=jnp.int32)[None]
  mask = visibility_mask(positions, key_positions, jnp.ones((1, 10), bool), None, first_slot=2)
  # Query t sits at slot 2 + t and sees slots 0 .. 2 + t.
  assert np.asarray(mask)[0].sum(axis=1).tolist() == [3, 4, 5, 6]


@pytest.mark.parametrize('name', ['tiny', 'tiny_starcoder2'])
def test_decoder_with_small_attention_blocks_matches_one_block(name, monkeypatch):
  overrides = {'sliding_window': 7} if name == 'tiny_starcoder2' else {}
  config = get_preset(name).replace(vocab_size=61, initializer_range=0.1, **overrides)
  model = Decoder(config, rngs=nnx.Rngs(0))
  ids = jnp.asarray(np.random.RandomState(4).randint(0, 61, (2, 40)), jnp.int32)
  attention_mask = jnp.ones((2, 40), jnp.int32).at[1, :9].set(0)

  def loss(m):
    logits = m(ids, attention_mask=attention_mask)
    return jnp.sum(jax.nn.log_softmax(logits)[..., 3] * attention_mask), logits

  (whole_loss, whole), whole_grads = nnx.jit(nnx.value_and_grad(loss, has_aux=True))(model)
  _tune(monkeypatch, attention_block_bytes=1)
  (blocked_loss, blocked), blocked_grads = nnx.jit(nnx.value_and_grad(lambda m: loss(m), has_aux=True))(model)
  real = np.asarray(attention_mask, bool)
  np.testing.assert_allclose(np.asarray(blocked)[real], np.asarray(whole)[real], atol=2e-5)
  np.testing.assert_allclose(blocked_loss, whole_loss, rtol=1e-5)
  for got, want in zip(jax.tree.leaves(blocked_grads), jax.tree.leaves(whole_grads)):
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=2e-5)


def test_linear_contracts_trailing_dims_as_one_matmul():
  config = get_preset('tiny')
  layer = Linear((4, 3, 5), ('heads', 'head_dim', 'embed'), 2, use_bias=True, config=config, rngs=nnx.Rngs(0))
  layer.bias[...] = jnp.arange(5, dtype=jnp.float32)
  x = jnp.asarray(np.random.RandomState(5).randn(2, 6, 4, 3), jnp.float32)
  want = jnp.einsum('btnh,nhd->btd', x, layer.kernel[...]) + jnp.arange(5)
  np.testing.assert_allclose(layer(x), want, atol=1e-6)
  with pytest.raises(ValueError, match="kernel's input dims"):
    layer(jnp.ones((2, 6, 3, 4)))
  with pytest.raises(ValueError, match='n_in'):
    Linear((4, 3), ('embed', 'mlp'), 2, use_bias=False, config=config, rngs=nnx.Rngs(0))


def _cache_inputs(seed: int, batch=3, length=4, heads=4, kv=2, dim=8, slots=96):
  rng = np.random.default_rng(seed)
  q = jnp.asarray(rng.normal(size=(batch, length, heads, dim)), jnp.float32)
  k = jnp.asarray(rng.normal(size=(batch, kv, dim, slots)), jnp.float32)
  v = jnp.asarray(rng.normal(size=(batch, kv, slots, dim)), jnp.float32)
  valid = np.zeros((batch, slots), bool)
  valid[0, 10:40] = True  # left padding, then keys that end inside a block
  valid[1, :70] = True
  valid[2, 33:34] = True  # one key
  mask = jnp.asarray(np.broadcast_to(valid[:, None], (batch, length, slots)))
  return q, k, v, mask


@pytest.mark.parametrize('length', [1, 4])  # a decode step (all blocks at once) and a prefill (a loop)
def test_attention_in_key_blocks_equals_attention_over_all_slots(length):
  q, k, v, mask = _cache_inputs(0, length=length)
  blocked = attention_in_key_blocks(q, k, v, mask, 32)
  whole = attention_heads_first(q, k, v, mask, keys_last=True)
  np.testing.assert_allclose(blocked, whole, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('length', [1, 4])
def test_attention_in_key_blocks_ignores_empty_slots_after_a_row_and_the_other_rows(length):
  q, k, v, mask = _cache_inputs(1, length=length)
  blocked = np.asarray(attention_in_key_blocks(q, k, v, mask, 32))
  # 64 more (empty, invalid) slots, as a grown cache has
  wider = attention_in_key_blocks(
    q,
    jnp.pad(k, ((0, 0), (0, 0), (0, 0), (0, 64))),
    jnp.pad(v, ((0, 0), (0, 0), (0, 64), (0, 0))),
    jnp.pad(mask, ((0, 0), (0, 0), (0, 64))),
    32,
  )
  assert (np.asarray(wider) == blocked).all()
  # told where the last key is (slot 70), the blocks after it are skipped: the same bits
  bounded = jax.jit(attention_in_key_blocks, static_argnums=4)(q, k, v, mask, 32, jnp.int32(70))
  assert (np.asarray(bounded) == blocked).all()
  # each row alone, compiled on its own: the same bits as in the batch of three
  alone = jax.jit(attention_in_key_blocks, static_argnums=4)
  for row in range(3):
    one = alone(q[row : row + 1], k[row : row + 1], v[row : row + 1], mask[row : row + 1], 32)
    assert (np.asarray(one)[0] == blocked[row]).all()


def test_attention_in_key_blocks_gives_zeros_to_a_query_that_sees_nothing_and_checks_its_block():
  q, k, v, mask = _cache_inputs(2)
  for length in (1, 4):
    out = attention_in_key_blocks(q[:, :length], k, v, jnp.zeros_like(mask[:, :length]), 32)
    assert (np.asarray(out) == 0).all()
  with pytest.raises(ValueError, match='not a multiple of the key block 40'):
    attention_in_key_blocks(q, k, v, mask, 40)
  config = get_preset('demo')
  with pytest.raises(ValueError, match='key_block=48 must be 0 or divide max_len=64'):
    KVCache.create(config, 1, 64, key_block=48)
  assert KVCache.create(config, 2, 64, key_block=32).key_block == 32
