"""The chunked masked cross-entropy equals the full-logits one, in value and gradient."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from bite_jax import tuning
from bite_jax.train.loss import (
  auto_chunk,
  chunk_budget,
  chunked_cross_entropy_sum,
  cross_entropy_sum,
  fused_cross_entropy_sum,
  token_nll,
)


def _problem(batch=2, length=16, dim=8, vocab=37, seed=0):
  keys = jax.random.split(jax.random.PRNGKey(seed), 4)
  hidden = jax.random.normal(keys[0], (batch, length, dim))
  head = jax.random.normal(keys[1], (dim, vocab))
  targets = jax.random.randint(keys[2], (batch, length), 0, vocab)
  mask = (jax.random.uniform(keys[3], (batch, length)) > 0.4).astype(jnp.int32)
  return hidden, head, targets, mask


def test_token_nll_is_minus_log_softmax_at_the_target():
  logits = jnp.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
  targets = jnp.array([2, 1])
  expected = -np.log(np.exp([3.0, 0.0]) / np.exp(np.array([[1.0, 2.0, 3.0], [0, 0, 0]])).sum(-1))
  np.testing.assert_allclose(token_nll(logits, targets), expected, rtol=1e-6)


def test_masked_positions_do_not_count():
  logits = jnp.zeros((1, 3, 4)).at[0, 1].set(jnp.array([9.0, -9.0, 0.0, 0.0]))
  targets = jnp.array([[0, 1, 0]])
  mask = jnp.array([[1, 0, 1]])
  assert float(cross_entropy_sum(logits, targets, mask)) == pytest.approx(2 * np.log(4.0), rel=1e-6)


@pytest.mark.parametrize('chunk', [1, 4, 16])
def test_chunked_loss_equals_full_loss(chunk):
  hidden, head, targets, mask = _problem()
  full = cross_entropy_sum(hidden @ head, targets, mask)
  chunked = chunked_cross_entropy_sum(hidden, targets, mask, lambda h: h @ head, chunk=chunk)
  np.testing.assert_allclose(chunked, full, rtol=1e-6)


def test_chunked_loss_gradients_equal_full_loss_gradients():
  hidden, head, targets, mask = _problem(seed=1)
  full = jax.grad(lambda w, h: cross_entropy_sum(h @ w, targets, mask), argnums=(0, 1))(head, hidden)
  chunked = jax.grad(
    lambda w, h: chunked_cross_entropy_sum(h, targets, mask, lambda x: x @ w, chunk=4), argnums=(0, 1)
  )(head, hidden)
  for a, b in zip(full, chunked):
    np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('chunk', [2, 16])
def test_fused_loss_equals_full_loss_in_value_and_gradients(chunk):
  hidden, head, targets, mask = _problem(seed=2)

  def full(w, h):
    return 3.0 * cross_entropy_sum(h @ w, targets, mask)

  def fused(w, h):
    return 3.0 * fused_cross_entropy_sum(h, targets, mask, lambda p, x: x @ p['w'], {'w': w}, chunk=chunk)

  np.testing.assert_allclose(fused(head, hidden), full(head, hidden), rtol=1e-6)
  expected = jax.grad(full, argnums=(0, 1))(head, hidden)
  got = jax.jit(jax.grad(fused, argnums=(0, 1)))(head, hidden)
  for a, b in zip(expected, got):
    np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5)


def test_chunk_must_divide_the_length():
  hidden, head, targets, mask = _problem(length=10)
  with pytest.raises(ValueError, match='divisor'):
    chunked_cross_entropy_sum(hidden, targets, mask, lambda h: h @ head, chunk=4)


@pytest.mark.parametrize('kind', ['remat', 'fused'])
def test_chunked_losses_never_hold_full_logits(kind):
  # The compiled gradient's scratch memory stays far below one float32 [batch, length, vocab] array.
  batch, length, vocab = 2, 512, 4000
  hidden, head, targets, mask = _problem(batch=batch, length=length, vocab=vocab)
  if kind == 'remat':
    loss = lambda w: chunked_cross_entropy_sum(hidden, targets, mask, lambda x: x @ w, chunk=8)
  else:
    loss = lambda w: fused_cross_entropy_sum(hidden, targets, mask, lambda p, x: x @ p, w, chunk=8)
  memory = jax.jit(jax.grad(loss)).lower(head).compile().memory_analysis()
  assert memory.temp_size_in_bytes < batch * length * vocab * 4 / 4


def test_auto_chunk_is_the_largest_divisor_within_budget():
  # 4 rows x 151,936 vocab x 4 bytes = 2.4 MB per position; 64 MiB allows 27 -> largest divisor of 1024 is 16.
  assert auto_chunk(1024, 4, 151_936, 64 * 2**20) == 16
  assert auto_chunk(256, 8, 1024, 64 * 2**20) == 256
  assert auto_chunk(7, 1, 10**9, 1) == 1


@pytest.mark.parametrize('platform', ['cpu', 'gpu', 'tpu'])
def test_chunk_budget_follows_the_head_size_within_the_platform_bounds(platform):
  floor, cap = tuning.for_platform(platform).loss_chunk_bytes
  budgets = [chunk_budget(platform, head_bytes=h) for h in (0, floor, (floor + cap) // 2, cap, 10**12)]
  assert budgets == sorted(budgets)
  assert budgets[0] == floor and budgets[-1] == cap
  assert budgets[2] == (floor + cap) // 2


@pytest.mark.parametrize('vocab', [1024, 151_936])
def test_auto_chunk_of_a_budget_divides_the_length_and_fits_it(vocab):
  budget = chunk_budget('cpu', head_bytes=vocab * 128 * 4)
  chunk = auto_chunk(256, 8, vocab, budget)
  assert 256 % chunk == 0
  assert chunk == 1 or chunk * 8 * vocab * 4 <= budget
