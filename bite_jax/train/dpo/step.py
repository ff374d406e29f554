"""The sharded, jitted DPO step: policy and reference log-probabilities, the DPO loss, AdamW update.

The reference model is frozen: its parameters travel with the step (sharded like the policy's, never
donated) and its log-probabilities are computed in the same step, on the same rows, outside the
gradient. Pairs are split over data x fsdp with both rows of a pair on the same device; gradient
accumulation takes pairs j, j + k, ... per micro-batch, as IFT's step takes rows.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax
from flax import nnx
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from bite_jax.data.preferences import ROW_KEYS
from bite_jax.train.dpo.loss import dpo_terms, pair_logps
from bite_jax.train.step import choose_loss_chunk, choose_row_passes, rows_sharding

_SUMS = ('loss', 'margin', 'accuracy', 'chosen_reward', 'rejected_reward')


def dpo_layout(
  *, rows_per_pass: int, loss_chunk: int, micro_pairs: int, seq_len: int, config, mesh: Mesh
) -> tuple[int, int]:
  """(passes per micro-batch, loss chunk) for pairs of two rows of `seq_len` tokens.

  A pair counts as one row of 2 x seq_len tokens for bite_jax.train.step.choose_row_passes
  (`rows_per_pass` > 0 asks for at most rows_per_pass / 2 pairs per device per pass; 0 = automatic);
  the loss chunk is then chosen for the 2 x pairs rows of one pass (`loss_chunk` 0 = automatic).
  """
  passes = choose_row_passes(
    max(1, rows_per_pass // 2) if rows_per_pass > 0 else 0,
    micro_rows=micro_pairs,
    seq_len=2 * seq_len,
    hidden_size=config.hidden_size,
    intermediate_size=config.intermediate_size,
    num_heads=config.num_heads,
    mesh=mesh,
  )
  chunk = choose_loss_chunk(
    loss_chunk,
    seq_len=seq_len,
    micro_batch=2 * micro_pairs // passes,
    vocab_size=config.vocab_size,
    hidden_size=config.hidden_size,
    mesh=mesh,
  )
  return passes, chunk


def make_dpo_step(
  graphdef,
  rest,
  tx: optax.GradientTransformation,
  *,
  mesh: Mesh,
  params_sh,
  opt_sh,
  grad_accum: int,
  loss_chunk: int,
  batch_pairs: int,
  beta: float,
) -> Callable:
  """The jitted step (params, ref_params, opt_state, batch) -> (params, opt_state, metrics).

  Args:
    graphdef, rest: from `nnx.split(model, nnx.Param, ...)`; the reference shares them (same architecture).
    tx: the optimizer.
    mesh: the device mesh; params_sh: shardings of params (and of ref_params); opt_sh: of the optimizer state.
    grad_accum: micro-batches per step; `batch_pairs` must be a multiple of it.
    loss_chunk: positions per log-probability chunk (must divide the row length).
    batch_pairs: global preference pairs per step (batch arrays are int32 [pairs, 2, L]).
    beta: the DPO temperature.

  The loss is the mean over the step's pairs of -log_sigmoid(margin) (bite_jax.train.dpo.loss), so
  accumulating micro-batches gives the whole batch's gradient. metrics (float32 scalars): `loss`,
  `reward_margin`, `accuracy`, `chosen_reward`, `rejected_reward` (means over pairs), `target_tokens`
  (response tokens of both rows), `grad_norm` (before clipping).
  """
  if batch_pairs % grad_accum:
    raise ValueError(f'batch of {batch_pairs} pairs is not a multiple of grad_accum={grad_accum}')
  data_sh = rows_sharding(mesh, batch_pairs)
  micro_sh = rows_sharding(mesh, batch_pairs // grad_accum, extra_leading=1)
  replicated = NamedSharding(mesh, PartitionSpec())

  def micro_loss(params, ref_params, micro):
    ref = jax.lax.stop_gradient(pair_logps(nnx.merge(graphdef, ref_params, rest), micro, chunk=loss_chunk))
    policy = pair_logps(nnx.merge(graphdef, params, rest), micro, chunk=loss_chunk)
    terms = dpo_terms(policy[:, 0], policy[:, 1], ref[:, 0], ref[:, 1], beta)
    terms['accuracy'] = (terms['margin'] > 0).astype(jnp.float32)
    sums = {k: jnp.sum(terms[k]) / batch_pairs for k in _SUMS}
    return sums['loss'], sums

  grad_fn = jax.value_and_grad(micro_loss, has_aux=True)

  def step(params, ref_params, opt_state, batch):
    pairs = batch['inputs'].shape[0]
    if grad_accum == 1:
      (_, sums), grads = grad_fn(params, ref_params, batch)
    else:

      def split(x):
        x = jnp.swapaxes(x.reshape(pairs // grad_accum, grad_accum, *x.shape[1:]), 0, 1)
        return jax.lax.with_sharding_constraint(x, micro_sh)

      def body(carry, micro):
        sums_acc, grad_acc = carry
        (_, sums), grads = grad_fn(params, ref_params, micro)
        return (jax.tree.map(jnp.add, sums_acc, sums), jax.tree.map(jnp.add, grad_acc, grads)), None

      zeros = jax.tree.map(lambda p: jnp.zeros(p.shape, jnp.float32), params)
      zero_sums = {k: jnp.zeros((), jnp.float32) for k in _SUMS}
      (sums, grads), _ = jax.lax.scan(body, (zero_sums, zeros), {k: split(v) for k, v in batch.items()})
      grads = jax.tree.map(lambda g, p: g.astype(p.dtype), grads, params)
    grad_norm = optax.tree.norm(grads)
    updates, opt_state = tx.update(grads, opt_state, params)
    params = optax.apply_updates(params, updates)
    metrics = {
      'loss': sums['loss'],
      'reward_margin': sums['margin'],
      'accuracy': sums['accuracy'],
      'chosen_reward': sums['chosen_reward'],
      'rejected_reward': sums['rejected_reward'],
      'target_tokens': jnp.sum(batch['mask'].astype(jnp.float32)),
      'grad_norm': grad_norm,
    }
    return params, opt_state, metrics

  batch_sh = {k: data_sh for k in ROW_KEYS}
  return jax.jit(
    step,
    in_shardings=(params_sh, params_sh, opt_sh, batch_sh),
    out_shardings=(params_sh, opt_sh, replicated),
    donate_argnums=(0, 2),
  )
