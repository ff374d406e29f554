"""Token choice from logits: greedy, temperature, top-k, top-p, with one uniform number per row.

Sampling uses the inverse CDF of the filtered softmax (one uniform draw per row and step) rather
than Gumbel-max, which would need a random number per vocabulary entry (151,936 for Qwen) per step.
Each row's draws come from its own key, fold_in(fold_in(key(seed), prompt_index), sample_index),
folded with the step, so a sample never depends on the other rows of its batch.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp


@dataclasses.dataclass(frozen=True)
class SamplingMode:
  """The static (compile-time) part of a sampling configuration.

  greedy: argmax, no randomness. top_k: keep the k largest logits (0 = all). use_top_p: apply
  nucleus filtering (its threshold top_p is a runtime value). row_independent: every row's choice is
  computed the same way whatever the other rows hold (top-p over the whole vocabulary then takes both
  routes for every row and picks per row, instead of one route for the batch).
  """

  greedy: bool = False
  top_k: int = 0
  use_top_p: bool = False
  row_independent: bool = False

  def __post_init__(self):
    if self.top_k < 0:
      raise ValueError(f'top_k={self.top_k} must be >= 0 (0 = no top-k filtering)')


def row_keys(seed: jax.Array, prompt_index: jax.Array, sample_index: jax.Array) -> jax.Array:
  """Typed PRNG keys [B]: key(seed) folded with each row's prompt index, then its sample index."""
  base = jax.random.key(seed)
  return jax.vmap(lambda p, s: jax.random.fold_in(jax.random.fold_in(base, p), s))(prompt_index, sample_index)


def step_uniforms(keys: jax.Array, step: jax.Array) -> jax.Array:
  """float32 [B] in [0, 1): each row's draw for its decoding step (0 = the first new token).

  `step` is one int32 for every row or int32 [B], each row's own step.
  """
  steps = jnp.broadcast_to(jnp.asarray(step, jnp.int32), keys.shape)
  return jax.vmap(lambda k, s: jax.random.uniform(jax.random.fold_in(k, s), (), jnp.float32))(keys, steps)


def _block_size(n: int) -> int:
  """Columns per block of the two-level inverse CDF: a divisor of n when one is handy, else 256."""
  for size in (512, 256, 128):
    if n % size == 0:
      return size
  return 256


def _last_positive(probs: jax.Array) -> jax.Array:
  """Index [B] of the last entry > 0 along the last axis (0 when none)."""
  n = probs.shape[-1]
  return n - 1 - jnp.argmax(probs[:, ::-1] > 0, axis=-1).astype(jnp.int32)


def _first_exceeding(masses: jax.Array, target: jax.Array) -> jax.Array:
  """Index [B] of the first entry whose running sum exceeds target [B], never a trailing zero."""
  cdf = jnp.cumsum(masses, axis=-1)
  choice = jnp.sum(cdf <= target[:, None], axis=-1, dtype=jnp.int32)
  # target can round up to the total; never fall onto a trailing zero-mass entry.
  return jnp.minimum(choice, _last_positive(masses))


def inverse_cdf(scores: jax.Array, u: jax.Array) -> jax.Array:
  """Index [B] drawn with probability softmax(scores) [B, N] (-inf = excluded), u [B] in [0, 1).

  Two levels (block masses, then one block) because a cumulative sum over a 152k vocabulary is an
  O(N log N) associative scan on CPU/GPU; here only N/C block masses and C entries are scanned,
  and exp(scores - max) is never written out at full size.
  """
  batch, n = scores.shape
  top = jnp.max(scores, axis=-1)
  size = _block_size(n)
  if n % size:
    scores = jnp.pad(scores, ((0, 0), (0, size - n % size)), constant_values=-jnp.inf)
  blocks = scores.reshape(batch, -1, size)
  block_mass = jnp.sum(jnp.exp(blocks - top[:, None, None]), axis=-1)
  target = u * jnp.sum(block_mass, axis=-1)
  block = _first_exceeding(block_mass, target)
  before = jnp.take_along_axis(jnp.cumsum(block_mass, axis=-1) - block_mass, block[:, None], axis=-1)[:, 0]
  inside = jnp.exp(jnp.take_along_axis(blocks, block[:, None, None], axis=1)[:, 0] - top[:, None])
  column = _first_exceeding(inside, target - before)
  return jnp.minimum(block * size + column, n - 1)


def first_argmax(logits: jax.Array) -> jax.Array:
  """int32 [B]: index of the first maximum of logits [B, V] (as jnp.argmax).

  Two plain reductions; XLA:CPU runs the (value, index) reduction of jnp.argmax far slower.
  """
  top = jnp.max(logits, axis=-1, keepdims=True)
  iota = jnp.arange(logits.shape[-1], dtype=jnp.int32)
  return jnp.min(jnp.where(logits == top, iota, logits.shape[-1]), axis=-1).astype(jnp.int32)


def nucleus_threshold(probs: jax.Array, top_p: jax.Array) -> jax.Array:
  """float32 [B]: the top-p cut, the smallest probability t with mass(p > t) < top_p.

  Keeping tokens with p >= t keeps exactly those whose strictly more likely tokens hold less than
  top_p (ties at t are all kept). Found by bisection on the bit patterns of non-negative float32,
  which order like the floats: 32 masked sums instead of a sort of the vocabulary.
  """
  top = jnp.max(probs, axis=-1)
  lo = jnp.zeros(top.shape, jnp.int32)
  hi = jax.lax.bitcast_convert_type(top, jnp.int32)  # mass(p > max) = 0 < top_p

  def halve(_, bounds):
    lo, hi = bounds
    mid = lo + (hi - lo) // 2
    t = jax.lax.bitcast_convert_type(mid, jnp.float32)
    mass = jnp.sum(jnp.where(probs > t[:, None], probs, 0.0), axis=-1)
    below = mass < top_p
    return jnp.where(below, lo, mid), jnp.where(below, mid, hi)

  _, hi = jax.lax.fori_loop(0, 32, halve, (lo, hi))
  return jax.lax.bitcast_convert_type(hi, jnp.float32)


# Nucleus candidates taken with top_k first: a sort-free exact cut whenever they hold top_p.
NUCLEUS_CANDIDATES = 256


def _top_p_choice(scores: jax.Array, u: jax.Array, top_p: jax.Array, row_independent: bool = False) -> jax.Array:
  """Top-p sampling over the whole vocabulary from scores [B, V] (temperature applied).

  The top NUCLEUS_CANDIDATES scores give an exact cut when they hold top_p; otherwise the threshold
  is bisected over the whole vocabulary. One route is taken for the batch (the cheap one when it
  covers every row), or with `row_independent` each row takes its own (both are computed).
  """
  vocab = scores.shape[-1]
  log_total = jax.nn.logsumexp(scores, axis=-1, keepdims=True)
  values, ids = jax.lax.top_k(scores, min(NUCLEUS_CANDIDATES, vocab))
  probs = jnp.exp(values - log_total)

  def from_candidates():
    kept = jnp.where(jnp.cumsum(probs, axis=-1) - probs < top_p, values, -jnp.inf)
    return jnp.take_along_axis(ids, inverse_cdf(kept, u)[:, None], axis=-1)[:, 0]

  def from_threshold():
    full = jnp.exp(scores - log_total)
    cut = nucleus_threshold(full, top_p)
    return inverse_cdf(jnp.where(full >= cut[:, None], scores, -jnp.inf), u)

  row_covered = (jnp.sum(probs, axis=-1) >= top_p) | (vocab <= NUCLEUS_CANDIDATES)
  if row_independent:
    return jnp.where(row_covered, from_candidates(), from_threshold()).astype(jnp.int32)
  return jax.lax.cond(jnp.all(row_covered), from_candidates, from_threshold).astype(jnp.int32)


def choose_tokens(
  logits: jax.Array, u: jax.Array, temperature: jax.Array, top_p: jax.Array, mode: SamplingMode
) -> jax.Array:
  """int32 [B] next tokens from float logits [B, V] and uniforms u [B] in [0, 1).

  Applies temperature, then top-k, then top-p, in transformers' warper order. Top-p keeps a token
  when the mass of strictly more likely tokens is below top_p (so always the most likely one).
  """
  if mode.greedy:
    return first_argmax(logits)
  vocab = logits.shape[-1]
  if 0 < mode.top_k < vocab:
    # Temperature > 0 keeps the order, so the k largest logits are the k largest scores.
    values, ids = jax.lax.top_k(logits, mode.top_k)
    scores = values.astype(jnp.float32) / temperature
    if mode.use_top_p:
      probs = jax.nn.softmax(scores, axis=-1)
      scores = jnp.where(jnp.cumsum(probs, axis=-1) - probs < top_p, scores, -jnp.inf)
    return jnp.take_along_axis(ids, inverse_cdf(scores, u)[:, None], axis=-1)[:, 0].astype(jnp.int32)
  scores = logits.astype(jnp.float32) / temperature
  if mode.use_top_p:
    return _top_p_choice(scores, u, top_p, mode.row_independent)
  return inverse_cdf(scores, u)
