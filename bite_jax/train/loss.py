"""Masked next-token cross-entropy from integer labels, chunked over positions.

The LM head is applied to `chunk` positions at a time inside a `lax.scan`, so
at most one chunk of float32 [batch, chunk, vocab] logits (and its gradient)
is alive at once instead of [batch, len, vocab]. Two forms, same value:
- `fused_cross_entropy_sum` (the trainer's): each chunk's gradient is formed
  in the forward pass through the head's vjp; the backward pass only scales it.
- `chunked_cross_entropy_sum`: a rematerialised (`jax.checkpoint`) scan body
  whose backward pass recomputes the chunk's logits; works for any head callable.
Labels stay integers (`take_along_axis`, or an iota comparison fused into the chunk's
elementwise ops; never a one-hot array); logsumexp is float32.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp

from bite_jax import tuning


def chunk_budget(platform: str, head_bytes: int = 0) -> int:
  """Bytes of logits per chunk on a jax platform ('cpu', 'gpu', 'tpu', ...): `head_bytes` (the LM
  head's float32 size per device) clamped to that platform's loss_chunk_bytes (bite_jax.tuning)."""
  floor, cap = tuning.for_platform(platform).loss_chunk_bytes
  return min(cap, max(floor, head_bytes))


def token_nll(logits: jax.Array, targets: jax.Array) -> jax.Array:
  """Negative log-likelihood (float32, [...]) of integer `targets` [...] under `logits` [..., V]."""
  logits = logits.astype(jnp.float32)
  lse = jax.nn.logsumexp(logits, axis=-1)
  picked = jnp.take_along_axis(logits, targets[..., None].astype(jnp.int32), axis=-1)[..., 0]
  return lse - picked


def cross_entropy_sum(logits: jax.Array, targets: jax.Array, mask: jax.Array) -> jax.Array:
  """Sum over positions with mask 1 of the NLL, from full logits [B, T, V] (reference for small vocabularies)."""
  return jnp.sum(token_nll(logits, targets) * mask.astype(jnp.float32))


def auto_chunk(seq_len: int, rows_per_device: int, vocab_per_device: int, budget_bytes: int) -> int:
  """The largest divisor of `seq_len` whose float32 logits chunk fits `budget_bytes` per device (>= 1)."""
  per_position = max(1, rows_per_device) * max(1, vocab_per_device) * 4
  limit = max(1, budget_bytes // per_position)
  return max(c for c in range(1, seq_len + 1) if seq_len % c == 0 and (c <= limit or c == 1))


def chunk_splitter(hidden: jax.Array, targets: jax.Array, chunk: int) -> Callable:
  """Checks shapes and returns split: [B, T, ...] -> [T // chunk, B, chunk, ...] (the scan axis first)."""
  batch, seq_len = targets.shape
  if hidden.shape[:2] != (batch, seq_len):
    raise ValueError(f'hidden {hidden.shape} and targets {targets.shape} disagree on [batch, length]')
  if chunk <= 0 or seq_len % chunk:
    raise ValueError(f'loss chunk {chunk} must be a positive divisor of the sequence length {seq_len}')
  n = seq_len // chunk

  def split(x):
    return jnp.swapaxes(x.reshape(batch, n, chunk, *x.shape[2:]), 0, 1)

  return split


def chunked_cross_entropy_sum(
  hidden: jax.Array, targets: jax.Array, mask: jax.Array, head: Callable[[jax.Array], jax.Array], *, chunk: int
) -> jax.Array:
  """Sum of masked NLL computed `chunk` positions at a time.

  Args:
    hidden: final hidden states [B, T, D] (any float dtype).
    targets: int32 [B, T] next-token ids.
    mask: [B, T], 1 where the position counts (response tokens), 0 elsewhere.
    head: maps hidden [B, C, D] to logits [B, C, V] (the model's LM head).
    chunk: positions per chunk; must divide T.

  Returns:
    float32 scalar: the summed NLL over masked positions (nats).
  """
  split = chunk_splitter(hidden, targets, chunk)

  @jax.checkpoint
  def chunk_loss(h, t, m):
    return jnp.sum(token_nll(head(h), t) * m.astype(jnp.float32))

  def body(total, xs):
    return total + chunk_loss(*xs), None

  total, _ = jax.lax.scan(body, jnp.zeros((), jnp.float32), (split(hidden), split(targets), split(mask)))
  return total


def fused_cross_entropy_sum(
  hidden: jax.Array, targets: jax.Array, mask: jax.Array, head_apply: Callable, head_params, *, chunk: int
) -> jax.Array:
  """chunked_cross_entropy_sum's value, with its gradient computed during the forward pass.

  Each chunk's logits are made once: the same pass takes their logsumexp and the gradient
  (softmax - target) x mask back through the LM head (jax.vjp), accumulating the head's parameter
  gradient and keeping the hidden-state gradient [B, T, D]. The backward pass only scales these by
  the incoming cotangent: 3 LM-head matmuls and 1 exp per logit instead of 4 and 3 with remat.

  Args:
    hidden: final hidden states [B, T, D].
    targets: int32 [B, T]; mask: [B, T] (1 = counted).
    head_apply: (head_params, hidden [B, C, D]) -> logits [B, C, V].
    head_params: the LM head's parameters (a pytree); gradients flow to them and to `hidden`.
    chunk: positions per chunk; must divide T.

  Returns:
    float32 scalar: the summed NLL over masked positions (nats).
  """
  split = chunk_splitter(hidden, targets, chunk)

  def forward(params, hidden):
    def body(carry, xs):
      total, d_params = carry
      h, t, m = xs
      logits, pullback = jax.vjp(head_apply, params, h)
      logits32 = logits.astype(jnp.float32)
      top = jax.lax.stop_gradient(jnp.max(logits32, axis=-1, keepdims=True))
      exp = jnp.exp(logits32 - top)
      norm = jnp.sum(exp, axis=-1, keepdims=True)
      lse = (jnp.log(norm) + top)[..., 0]
      # Comparing against a vocabulary iota (fused, elementwise) keeps a vocab-sharded chunk sharded.
      is_target = jax.lax.broadcasted_iota(jnp.int32, logits32.shape, 2) == t[..., None].astype(jnp.int32)
      picked = jnp.sum(jnp.where(is_target, logits32, 0.0), axis=-1)
      weight = m.astype(jnp.float32)
      total = total + jnp.sum((lse - picked) * weight)
      # d(sum of NLL)/d logits = (softmax - [vocab == target]) x mask.
      probs = exp * (1.0 / norm)  # the reciprocal's product, as in attention (same bits on every mesh)
      d_logits = (jnp.where(is_target, probs - 1.0, probs) * weight[..., None]).astype(logits.dtype)
      d_p, d_h = pullback(d_logits)
      return (total, jax.tree.map(jnp.add, d_params, d_p)), d_h

    zeros = jax.tree.map(jnp.zeros_like, params)
    (total, d_params), d_hidden = jax.lax.scan(
      body, (jnp.zeros((), jnp.float32), zeros), (split(hidden), split(targets), split(mask))
    )
    d_hidden = jnp.swapaxes(d_hidden, 0, 1).reshape(hidden.shape)
    return total, (d_params, d_hidden)

  @jax.custom_vjp
  def loss(params, hidden):
    return forward(params, hidden)[0]

  def loss_bwd(residuals, g):
    d_params, d_hidden = residuals
    return jax.tree.map(lambda x: (x * g).astype(x.dtype), d_params), (d_hidden * g).astype(d_hidden.dtype)

  loss.defvjp(forward, loss_bwd)
  return loss(head_params, hidden)
