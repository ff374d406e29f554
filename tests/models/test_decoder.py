"""Decoder behaviour on random tiny models: caching, padding, dtypes, remat, masks, annotations."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from bite_jax.models import Decoder, KVCache, get_preset
from bite_jax.models.attention import visibility_mask

VOCAB = 97


def _model(name='tiny', **overrides):
  config = get_preset(name).replace(vocab_size=VOCAB, initializer_range=0.1, **overrides)
  return Decoder(config, rngs=nnx.Rngs(0))


def _ids(batch, length, seed=0):
  return jnp.asarray(np.random.RandomState(seed).randint(0, VOCAB, (batch, length)), jnp.int32)


@jax.jit
def _forward(model, ids, mask=None):
  return model(ids, attention_mask=mask)


@jax.jit
def _hidden(model, ids):
  return model.hidden_states(ids)


@jax.jit
def _forward_cached(model, ids, mask, cache):
  return model(ids, attention_mask=mask, cache=cache)


@pytest.fixture(scope='module', params=['tiny', 'tiny_starcoder2'])
def model(request):
  # tiny_starcoder2 has a 64-token window; a small window makes the cache tests cross it.
  overrides = {'sliding_window': 5} if request.param == 'tiny_starcoder2' else {}
  return _model(request.param, **overrides)


def test_logits_shape_and_dtype(model):
  logits = _forward(model, _ids(2, 7))
  assert logits.shape == (2, 7, VOCAB) and logits.dtype == jnp.float32


def test_hidden_states_then_lm_head_equals_call(model):
  ids = _ids(2, 9)
  hidden = _hidden(model, ids)
  assert hidden.shape == (2, 9, model.config.hidden_size)
  logits = jax.jit(lambda m, h: m.logits_from_hidden(h))(model, hidden)
  np.testing.assert_allclose(logits, _forward(model, ids), atol=1e-6)


def test_untied_head_differs_from_embedding_transpose():
  tied, untied = _model(tie_embeddings=True), _model(tie_embeddings=False)
  assert untied.lm_head is not None and tied.lm_head is None
  assert untied.lm_head.kernel.shape == (untied.config.hidden_size, VOCAB)


def test_kv_cache_prefill_then_single_steps_equals_full_forward(model):
  ids = _ids(2, 12, seed=1)
  mask = jnp.ones_like(ids)
  full = _forward(model, ids, mask)
  cache = model.init_cache(2, 16)
  logits, cache = _forward_cached(model, ids[:, :5], mask[:, :5], cache)
  steps = [logits]
  for t in range(5, 12):
    logits, cache = _forward_cached(model, ids[:, t : t + 1], mask[:, t : t + 1], cache)
    steps.append(logits)
  np.testing.assert_allclose(jnp.concatenate(steps, axis=1), full, atol=2e-5)
  assert cache.index.tolist() == [12, 12] and bool(cache.key_valid[:, :12].all())
  assert not bool(cache.key_valid[:, 12:].any())


def test_left_padded_batch_equals_each_row_alone(model):
  rows = [_ids(1, 10, seed=2)[0], _ids(1, 6, seed=3)[0]]
  length = 10
  ids = jnp.stack([jnp.pad(r, (length - len(r), 0), constant_values=0) for r in rows])
  mask = jnp.stack([jnp.pad(jnp.ones(len(r), jnp.int32), (length - len(r), 0)) for r in rows])
  batched = _forward(model, ids, mask)
  for i, row in enumerate(rows):
    alone = _forward(model, row[None], jnp.ones((1, len(row)), jnp.int32))
    np.testing.assert_allclose(batched[i, length - len(row) :], alone[0], atol=2e-5)


def test_left_padded_prefill_and_decode_equals_each_row_alone(model):
  prompts = [_ids(1, 7, seed=4)[0], _ids(1, 3, seed=5)[0]]
  continuation = _ids(2, 4, seed=6)
  ids = jnp.stack([jnp.pad(p, (7 - len(p), 0)) for p in prompts])
  mask = jnp.stack([jnp.pad(jnp.ones(len(p), jnp.int32), (7 - len(p), 0)) for p in prompts])
  cache = model.init_cache(2, 11)
  _, cache = _forward_cached(model, ids, mask, cache)
  decoded = []
  for t in range(4):
    logits, cache = _forward_cached(model, continuation[:, t : t + 1], jnp.ones((2, 1), jnp.int32), cache)
    decoded.append(logits[:, 0])
  for i, prompt in enumerate(prompts):
    seq = jnp.concatenate([prompt, continuation[i]])[None]
    alone = _forward(model, seq, jnp.ones_like(seq))
    np.testing.assert_allclose(jnp.stack(decoded)[:, i], alone[0, len(prompt) :], atol=2e-5)


def test_rows_at_different_slots_decode_as_each_row_alone(model):
  """A row whose cache was written at other slots (a refilled row) continues as if it were alone."""
  prompts = [_ids(1, 6, seed=11)[0], _ids(1, 4, seed=12)[0]]
  continuation = _ids(2, 3, seed=13)
  cache = model.init_cache(2, 12)
  _, cache = _forward_cached(model, prompts[0][None].repeat(2, 0), jnp.ones((2, 6), jnp.int32), cache)
  # Row 1 is replaced by another prompt prefilled alone, written from slot 0 with every later slot free.
  other = model.init_cache(1, 12)
  _, other = _forward_cached(model, prompts[1][None], jnp.ones((1, 4), jnp.int32), other)
  cache = jax.tree.map(lambda whole, row: whole.at[1].set(row[0]), cache, other)
  assert cache.index.tolist() == [6, 4]
  decoded = []
  for t in range(3):
    logits, cache = _forward_cached(model, continuation[:, t : t + 1], jnp.ones((2, 1), jnp.int32), cache)
    decoded.append(logits[:, 0])
  assert cache.index.tolist() == [9, 7]
  for i, prompt in enumerate(prompts):
    seq = jnp.concatenate([prompt, continuation[i]])[None]
    alone = _forward(model, seq, jnp.ones_like(seq))
    np.testing.assert_allclose(jnp.stack(decoded)[:, i], alone[0, len(prompt) :], atol=2e-5)


def test_cache_works_inside_while_loop(model):
  ids = _ids(1, 8, seed=7)

  @jax.jit
  def greedy(model, prompt):
    cache = model.init_cache(1, 8)
    logits, cache = model(prompt[:, :4], cache=cache)

    def body(state):
      t, token, cache, out = state
      logits, cache = model(token[:, None], cache=cache)
      nxt = jnp.argmax(logits[:, -1], axis=-1).astype(jnp.int32)
      return t + 1, nxt, cache, out.at[:, t + 1].set(nxt)

    first = jnp.argmax(logits[:, -1], axis=-1).astype(jnp.int32)
    init = (jnp.int32(0), first, cache, jnp.zeros((1, 4), jnp.int32).at[:, 0].set(first))
    _, _, _, out = jax.lax.while_loop(lambda s: s[0] < 3, body, init)
    return out

  generated = greedy(model, ids)
  # Re-derive the greedy tokens with full forwards.
  seq = ids[:, :4]
  for _ in range(4):
    nxt = jnp.argmax(_forward(model, seq)[:, -1], axis=-1).astype(jnp.int32)
    seq = jnp.concatenate([seq, nxt[:, None]], axis=1)
  np.testing.assert_array_equal(generated, seq[:, 4:])


def test_cache_overflow_is_an_error(model):
  cache = model.init_cache(1, 4)
  with pytest.raises(ValueError, match='max_len=4'):
    model(_ids(1, 5), cache=cache)


def test_bfloat16_compute_stays_close_to_float32():
  f32 = _model('tiny')
  # Same seed: identical weights, rounded to bfloat16.
  bf16 = Decoder(f32.config.replace(dtype='bfloat16', param_dtype='bfloat16'), rngs=nnx.Rngs(0))
  ids = _ids(2, 16, seed=8)
  a, b = _forward(f32, ids), _forward(bf16, ids)
  assert b.dtype == jnp.float32
  assert _hidden(bf16, ids).dtype == jnp.bfloat16
  rel = float(jnp.max(jnp.abs(a - b)) / jnp.max(jnp.abs(a)))
  assert rel < 0.05, rel
  assert float(jnp.mean(jnp.argmax(a, -1) == jnp.argmax(b, -1))) > 0.9


def test_remat_gives_the_same_loss_and_gradients():
  plain, remat = _model(), _model(remat=True)
  ids = _ids(2, 8, seed=9)

  def loss(model):
    logits = model(ids)
    return -jnp.mean(jax.nn.log_softmax(logits)[..., 0])

  value_and_grad = jax.jit(nnx.value_and_grad(loss))
  l1, g1 = value_and_grad(plain)
  l2, g2 = value_and_grad(remat)
  np.testing.assert_allclose(l1, l2, rtol=1e-6)
  for x, y in zip(jax.tree.leaves(g1), jax.tree.leaves(g2)):
    np.testing.assert_allclose(x, y, atol=1e-6)


def test_window_of_w_lets_a_query_see_w_keys_including_itself():
  positions = jnp.arange(10, dtype=jnp.int32)[None]
  mask = visibility_mask(positions, positions, jnp.ones((1, 10), bool), window=3)
  assert mask[0, 9].tolist() == [False] * 7 + [True] * 3
  assert mask[0, 1].tolist() == [True, True] + [False] * 8


def test_padding_keys_are_never_visible():
  positions = jnp.array([[0, 0, 0, 1]], jnp.int32)
  valid = jnp.array([[False, False, True, True]])
  mask = visibility_mask(positions, positions, valid, window=None)
  assert not bool(mask[0, :, :2].any())
  assert mask[0, 3].tolist() == [False, False, True, True]


def test_default_positions_skip_left_padding(model):
  ids = _ids(1, 6, seed=10)
  padded = jnp.concatenate([jnp.zeros((1, 2), jnp.int32), ids], axis=1)
  mask = jnp.array([[0, 0, 1, 1, 1, 1, 1, 1]], jnp.int32)
  explicit = jax.jit(lambda m, i, a, p: m(i, attention_mask=a, positions=p))(
    model, padded, mask, jnp.array([[0, 0, 0, 1, 2, 3, 4, 5]])
  )
  np.testing.assert_allclose(_forward(model, padded, mask), explicit, atol=1e-6)


def test_init_cache_shapes_and_dtypes():
  model = _model(dtype='bfloat16')
  cache = model.init_cache(3, 20)
  assert isinstance(cache, KVCache) and len(cache.k) == model.config.num_layers
  assert cache.k[0].shape == (3, model.config.num_kv_heads, model.config.head_dim, 20)
  assert cache.v[0].shape == (3, model.config.num_kv_heads, 20, model.config.head_dim)
  assert cache.k[0].dtype == jnp.bfloat16 and cache.key_positions.dtype == jnp.int32
  assert cache.key_valid.dtype == jnp.bool_ and cache.index.tolist() == [0, 0, 0]


def test_every_parameter_carries_logical_axis_names():
  allowed = {'embed', 'vocab', 'heads', 'kv_heads', 'head_dim', 'mlp', None}
  model = _model(tie_embeddings=False)
  names = {}
  for path, var in nnx.iter_graph(model):
    if isinstance(var, nnx.Param):
      axes = var.get_metadata()['out_sharding']
      assert len(axes) == var.get_value().ndim and set(axes) <= allowed
      names['.'.join(map(str, path))] = tuple(axes)
  assert names['embed_tokens.embedding'] == ('vocab', 'embed')
  assert names['layers.0.self_attn.q_proj.kernel'] == ('embed', 'heads', 'head_dim')
  assert names['layers.0.self_attn.k_proj.kernel'] == ('embed', 'kv_heads', 'head_dim')
  assert names['layers.0.self_attn.o_proj.kernel'] == ('heads', 'head_dim', 'embed')
  assert names['layers.1.mlp.down_proj.kernel'] == ('mlp', 'embed')
  assert names['lm_head.kernel'] == ('embed', 'vocab')


@pytest.mark.parametrize(
  'bad,match',
  [
    (lambda: jnp.zeros((4,), jnp.int32), 'input_ids'),
    (lambda: jnp.zeros((1, 4), jnp.float32), 'input_ids'),
  ],
)
def test_bad_input_ids_are_rejected(bad, match):
  with pytest.raises(ValueError, match=match):
    _model()(bad())


def test_mask_shape_mismatch_is_rejected():
  with pytest.raises(ValueError, match='attention_mask'):
    _model()(_ids(1, 4), attention_mask=jnp.ones((1, 5), jnp.int32))
