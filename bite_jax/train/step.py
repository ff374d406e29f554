"""The sharded, jitted IFT step: forward, chunked loss, gradient accumulation, AdamW update.

Parameters and optimizer state live on the shardings their logical axes ask
for (bite_jax.parallel); the batch is split over data x fsdp. The whole step,
optimizer update included, is one jitted function that donates its
parameter and optimizer-state buffers.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from bite_jax import tuning
from bite_jax.train.loss import auto_chunk, chunk_budget, chunked_cross_entropy_sum, fused_cross_entropy_sum

BATCH_KEYS = ('inputs', 'targets', 'mask')


def param_shardings(params) -> object:
  """The sharding of every leaf of a placed parameter tree."""
  return jax.tree.map(lambda x: x.sharding, params)


def _path_key(path) -> tuple:
  return tuple(str(p) for p in path)


def opt_state_shardings(opt_state_shape, params, mesh: Mesh):
  """Shardings for an optimizer state: a leaf whose path ends with a parameter's path (Adam's mu, nu)
  takes that parameter's sharding; everything else (step counts) is replicated."""
  by_path = {_path_key(p): (x.shape, x.sharding) for p, x in jax.tree_util.tree_flatten_with_path(params)[0]}
  replicated = NamedSharding(mesh, PartitionSpec())

  def one(path, leaf):
    key = _path_key(path)
    for start in range(len(key)):
      match = by_path.get(key[start:])
      if match is not None and match[0] == leaf.shape:
        return match[1]
    return replicated

  return jax.tree_util.tree_map_with_path(one, opt_state_shape)


def init_opt_state(tx: optax.GradientTransformation, params, mesh: Mesh):
  """tx.init(params) computed straight onto the optimizer-state shardings."""
  shardings = opt_state_shardings(jax.eval_shape(tx.init, params), params, mesh)
  return jax.jit(tx.init, out_shardings=shardings)(params), shardings


def choose_loss_chunk(
  requested: int,
  *,
  seq_len: int,
  micro_batch: int,
  vocab_size: int,
  hidden_size: int,
  mesh: Mesh,
  ways: int | None = None,
) -> int:
  """Positions per loss chunk: the largest divisor of seq_len <= `requested` when > 0, else auto_chunk's
  within chunk_budget (which grows with the per-device LM-head size, vocab x hidden). `ways`: the
  devices the rows are split over (default data x fsdp)."""
  if requested > 0:
    return max(c for c in range(1, min(requested, seq_len) + 1) if seq_len % c == 0)
  ways = mesh.shape['data'] * mesh.shape['fsdp'] if ways is None else ways
  rows = max(1, micro_batch // ways)
  vocab = -(-vocab_size // mesh.shape['tensor'])
  budget = chunk_budget(mesh.devices.flat[0].platform, head_bytes=vocab * hidden_size * 4)
  return auto_chunk(seq_len, rows, vocab, budget)


def choose_row_passes(
  requested_rows: int,
  *,
  micro_rows: int,
  seq_len: int,
  hidden_size: int,
  intermediate_size: int,
  mesh: Mesh,
  num_heads: int = 0,
  ways: int | None = None,
) -> int:
  """Passes per micro-batch: its rows are taken `micro_rows / passes` at a time and their gradients summed.

  `requested_rows` > 0 asks for at most that many rows per device per pass; 0 chooses from the device
  platform's pass_bytes (bite_jax.tuning) with ~4 x (8 x hidden + 6 x intermediate + heads x seq_len) bytes of
  activations per token (the last term: a row of attention scores), and at least its min_pass_tokens
  tokens per pass (1 pass where the platform sets no pass_bytes). Every pass keeps a multiple of data x fsdp rows, so it
  stays spread over all devices; the result divides `micro_rows`. The loss and gradient are those of
  the whole micro-batch whatever the number of passes (the loss is a sum over tokens). `ways`: the
  devices the rows are split over (default data x fsdp; 1 chooses as on one device).
  """
  ways = mesh.shape['data'] * mesh.shape['fsdp'] if ways is None else ways
  if micro_rows % ways:
    ways = 1  # rows are replicated (see rows_sharding)
  local = micro_rows // ways
  if requested_rows > 0:
    rows_per_pass = requested_rows
  else:
    choices = tuning.for_platform(mesh.devices.flat[0].platform)
    if choices.pass_bytes is None:
      return 1
    per_row = seq_len * 4 * (8 * hidden_size + 6 * intermediate_size + num_heads * seq_len)
    rows_per_pass = max(1, choices.pass_bytes // max(1, per_row), -(-choices.min_pass_tokens // seq_len))
  return min(p for p in range(1, local + 1) if local % p == 0 and local // p <= rows_per_pass)


def step_layout(
  *,
  rows_per_pass: int,
  loss_chunk: int,
  micro_rows: int,
  seq_len: int,
  config,
  mesh: Mesh,
  ways: int | None = None,
) -> tuple[int, int]:
  """(row passes per micro-batch, loss chunk) for a model config: choose_row_passes, then
  choose_loss_chunk for one pass's rows. `rows_per_pass` / `loss_chunk` of 0 mean automatic; `ways`=1
  lays the step out as on one device (mesh.invariant: the layout must not depend on the mesh)."""
  passes = choose_row_passes(
    rows_per_pass,
    micro_rows=micro_rows,
    seq_len=seq_len,
    hidden_size=config.hidden_size,
    intermediate_size=config.intermediate_size,
    num_heads=config.num_heads,
    mesh=mesh,
    ways=ways,
  )
  chunk = choose_loss_chunk(
    loss_chunk,
    seq_len=seq_len,
    micro_batch=micro_rows // passes,
    vocab_size=config.vocab_size,
    hidden_size=config.hidden_size,
    mesh=mesh,
    ways=ways,
  )
  return passes, chunk


def rows_sharding(mesh: Mesh, rows: int, extra_leading: int = 0) -> NamedSharding:
  """Sharding of [rows, ...] batch arrays: rows over data x fsdp, or replicated when rows do not divide.

  `extra_leading` unsharded dims may come first (the micro-batch axis of gradient accumulation).
  """
  ways = mesh.shape['data'] * mesh.shape['fsdp']
  rows_axes = ('data', 'fsdp') if rows % ways == 0 else None
  return NamedSharding(mesh, PartitionSpec(*([None] * extra_leading), rows_axes))


def release_host_memory() -> None:
  """Returns freed heap pages to the OS (glibc malloc_trim); compilation leaves ~100s of MB behind."""
  if sys.platform.startswith('linux'):
    try:
      ctypes.CDLL('libc.so.6').malloc_trim(0)
    except (OSError, AttributeError):
      pass  # not glibc: nothing to trim


def compile_step(step_fn, *args):
  """Ahead-of-time compiles the jitted step for these argument shapes/shardings; returns the executable."""
  compiled = step_fn.lower(*args).compile()
  gc.collect()  # the lowered module and tracing temporaries
  release_host_memory()
  return compiled


def global_batch(local: dict[str, np.ndarray], sharding: NamedSharding, global_rows: int) -> dict[str, jax.Array]:
  """Assembles every process's local rows into global [global_rows, len] arrays on `sharding`."""
  out = {}
  for key in BATCH_KEYS:
    x = np.asarray(local[key])
    out[key] = jax.make_array_from_process_local_data(sharding, x, (global_rows, *x.shape[1:]))
  return out


def lm_head_parts(model) -> tuple[Callable, object] | None:
  """(apply(head_params, hidden) -> float32 logits, head_params) of the Decoder's LM head.

  Mirrors Decoder.logits_from_hidden: the tied embedding's `attend`, else `lm_head`. None when the
  model has neither (the loss then rematerialises through logits_from_hidden instead).
  """
  lm_head = getattr(model, 'lm_head', None)
  tied = lm_head is None
  module = getattr(model, 'embed_tokens', None) if tied else lm_head
  if module is None or (tied and not hasattr(module, 'attend')):
    return None
  graph, state = nnx.split(module)

  def apply(head_state, hidden):
    head = nnx.merge(graph, head_state)
    return head.attend(hidden) if tied else head(hidden, out_dtype=jnp.float32)

  return apply, state


def make_rows_nll(graphdef, rest, loss_chunk: int, *, constrain: bool = True) -> Callable:
  """(params, rows) -> the summed NLL (float32) of the rows' masked targets, by the chunked loss.

  `constrain`=False drops the model's activation sharding constraints (inside shard_map, where every
  mesh axis is manual and a row group lives on one device).
  """

  def rows_nll(params, rows):
    model = nnx.merge(graphdef, params, rest)
    if not constrain and hasattr(model, 'activation_sharding'):
      model.activation_sharding = None
    hidden = model.hidden_states(rows['inputs'])
    head = lm_head_parts(model)
    if head is None:
      return chunked_cross_entropy_sum(
        hidden, rows['targets'], rows['mask'], model.logits_from_hidden, chunk=loss_chunk
      )
    return fused_cross_entropy_sum(hidden, rows['targets'], rows['mask'], head[0], head[1], chunk=loss_chunk)

  return rows_nll


def make_train_step(
  graphdef,
  rest,
  tx: optax.GradientTransformation,
  *,
  mesh: Mesh,
  params_sh,
  opt_sh,
  grad_accum: int,
  loss_chunk: int,
  batch_rows: int,
) -> Callable:
  """The jitted step (params, opt_state, batch) -> (params, opt_state, metrics).

  Args:
    graphdef, rest: from `nnx.split(model, nnx.Param, ...)` (rest = non-trainable state).
    tx: the optimizer.
    mesh: the device mesh; params_sh / opt_sh: shardings of params and optimizer state.
    grad_accum: micro-batches per step; the batch's rows must be a multiple of it.
    loss_chunk: positions per cross-entropy chunk (must divide the row length).
    batch_rows: global rows per step; the batch is split over data x fsdp (see rows_sharding).

  The loss is the summed NLL over the step's target tokens divided by their count, so
  accumulating k micro-batches gives the gradient of the whole batch. metrics: `loss`
  (nats per target token), `target_tokens`, `grad_norm` (before clipping), float32 scalars.
  """
  if batch_rows % grad_accum:
    raise ValueError(f'batch of {batch_rows} rows is not a multiple of grad_accum={grad_accum}')
  data_sh = rows_sharding(mesh, batch_rows)
  micro_sh = rows_sharding(mesh, batch_rows // grad_accum, extra_leading=1)
  replicated = NamedSharding(mesh, PartitionSpec())

  rows_nll = make_rows_nll(graphdef, rest, loss_chunk)

  def micro_loss(params, micro, denom):
    return rows_nll(params, micro) / denom

  grad_fn = jax.value_and_grad(micro_loss)

  def step(params, opt_state, batch):
    rows = batch['inputs'].shape[0]
    denom = jnp.maximum(jnp.sum(batch['mask'].astype(jnp.float32)), 1.0)
    if grad_accum == 1:
      loss, grads = grad_fn(params, batch, denom)
    else:
      # Micro-batch j takes rows j, j + k, ... so every micro-batch stays spread over all devices.
      def split(x):
        x = jnp.swapaxes(x.reshape(rows // grad_accum, grad_accum, *x.shape[1:]), 0, 1)
        return jax.lax.with_sharding_constraint(x, micro_sh)

      def body(carry, micro):
        loss_acc, grad_acc = carry
        loss, grads = grad_fn(params, micro, denom)
        return (loss_acc + loss, jax.tree.map(jnp.add, grad_acc, grads)), None

      zeros = jax.tree.map(lambda p: jnp.zeros(p.shape, jnp.float32), params)
      (loss, grads), _ = jax.lax.scan(
        body, (jnp.zeros((), jnp.float32), zeros), {k: split(v) for k, v in batch.items()}
      )
      grads = jax.tree.map(lambda g, p: g.astype(p.dtype), grads, params)
    grad_norm = optax.tree.norm(grads)
    updates, opt_state = tx.update(grads, opt_state, params)
    params = optax.apply_updates(params, updates)
    metrics = {'loss': loss, 'target_tokens': denom, 'grad_norm': grad_norm}
    return params, opt_state, metrics

  batch_sh = {k: data_sh for k in BATCH_KEYS}
  return jax.jit(
    step,
    in_shardings=(params_sh, opt_sh, batch_sh),
    out_shardings=(params_sh, opt_sh, replicated),
    donate_argnums=(0, 1),
  )
