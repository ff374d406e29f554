"""DPO's math: per-row response log-probabilities through a chunked LM head, and the DPO loss.

DPO (Rafailov et al., 2023) on a pair of responses to one prompt, with the policy's and the frozen
reference model's summed response log-probabilities pc, pr (chosen, rejected) and rc, rr:
  margin = beta * ((pc - rc) - (pr - rr)),   loss = -log_sigmoid(margin).
`sequence_logps` never builds [batch, length, vocab] logits: the LM head runs `chunk` positions at a
time inside a rematerialised scan (bite_jax.train.loss's chunked form), and the vocabulary's target
column is picked by an iota comparison, so a vocabulary-sharded chunk stays sharded.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp

from bite_jax.data.preferences import ROW_KEYS
from bite_jax.train.loss import chunk_splitter


def _chunk_logps(logits: jax.Array, targets: jax.Array, mask: jax.Array) -> jax.Array:
  """float32 [B]: sum over the chunk's masked positions of log p(target), from logits [B, C, V]."""
  logits = logits.astype(jnp.float32)
  lse = jax.nn.logsumexp(logits, axis=-1)
  is_target = jax.lax.broadcasted_iota(jnp.int32, logits.shape, 2) == targets[..., None].astype(jnp.int32)
  picked = jnp.sum(jnp.where(is_target, logits, 0.0), axis=-1)
  return jnp.sum((picked - lse) * mask.astype(jnp.float32), axis=-1)


def sequence_logps(
  hidden: jax.Array, targets: jax.Array, mask: jax.Array, head: Callable[[jax.Array], jax.Array], *, chunk: int
) -> jax.Array:
  """Per-row sum of the log-probabilities of the masked (response) tokens, `chunk` positions at a time.

  Args:
    hidden: final hidden states [B, T, D].
    targets: int32 [B, T] next-token ids; mask: [B, T], 1 on response positions.
    head: hidden [B, C, D] -> logits [B, C, V] (the model's LM head, e.g. Decoder.logits_from_hidden).
    chunk: positions per chunk; must divide T.

  Returns:
    float32 [B]: log p(response | prompt) of every row, in nats (0 for a row with no masked position).
    Differentiable; the backward pass recomputes each chunk's logits instead of keeping them.
  """
  split = chunk_splitter(hidden, targets, chunk)

  @jax.checkpoint
  def one_chunk(h, t, m):
    return _chunk_logps(head(h), t, m)

  def body(total, xs):
    return total + one_chunk(*xs), None

  total, _ = jax.lax.scan(
    body, jnp.zeros((targets.shape[0],), jnp.float32), (split(hidden), split(targets), split(mask))
  )
  return total


def pair_logps(model, rows: dict[str, jax.Array], *, chunk: int) -> jax.Array:
  """float32 [P, 2]: `model`'s log p(chosen) and log p(rejected) for rows of int32 [P, 2, L] arrays
  ('inputs', 'targets', 'mask'; see bite_jax.data.preferences)."""
  pairs, two, length = rows['inputs'].shape
  flat = {k: rows[k].reshape(pairs * two, length) for k in ROW_KEYS}
  hidden = model.hidden_states(flat['inputs'])
  logps = sequence_logps(hidden, flat['targets'], flat['mask'], model.logits_from_hidden, chunk=chunk)
  return logps.reshape(pairs, two)


def dpo_terms(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta: float) -> dict[str, jax.Array]:
  """Per-pair float32 [P] terms: `loss` (-log_sigmoid(margin)), `margin`, `chosen_reward`
  (beta * (pc - rc)) and `rejected_reward` (beta * (pr - rr))."""
  chosen_reward = beta * (policy_chosen - ref_chosen).astype(jnp.float32)
  rejected_reward = beta * (policy_rejected - ref_rejected).astype(jnp.float32)
  margin = chosen_reward - rejected_reward
  return {
    'loss': -jax.nn.log_sigmoid(margin),
    'margin': margin,
    'chosen_reward': chosen_reward,
    'rejected_reward': rejected_reward,
  }


def dpo_loss(
  policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta: float
) -> tuple[jax.Array, dict[str, jax.Array]]:
  """The mean DPO loss over pairs and its metrics, all float32 scalars.

  Args:
    policy_*_logps, ref_*_logps: float32 [P] summed response log-probabilities (sequence_logps), nats.
    beta: the DPO temperature (larger = stay closer to the reference).

  Returns:
    (mean of -log_sigmoid(beta * ((pc - rc) - (pr - rr))), {'reward_margin': mean margin, 'accuracy':
    fraction of pairs with margin > 0, 'chosen_reward': mean beta * (pc - rc), 'rejected_reward': mean
    beta * (pr - rr)}).
  """
  terms = dpo_terms(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta)
  metrics = {
    'reward_margin': jnp.mean(terms['margin']),
    'accuracy': jnp.mean((terms['margin'] > 0).astype(jnp.float32)),
    'chosen_reward': jnp.mean(terms['chosen_reward']),
    'rejected_reward': jnp.mean(terms['rejected_reward']),
  }
  return jnp.mean(terms['loss']), metrics
