"""A train step whose result does not depend on the number of data-parallel devices (`mesh.invariant`).

The ordinary step (bite_jax.train.step) lets XLA sum the gradient: each device reduces its own rows
inside its matmuls and the devices' partial sums are all-reduced, so a run on 1 device and a run on
2 processes round differently and drift apart. Here the sum has one fixed shape, whatever the mesh:

- the step's rows are cut into leaves of `leaf_rows` consecutive rows, a number chosen without looking
  at the mesh, so leaf i holds the same rows on every mesh;
- every leaf's loss and gradient are computed alone, by the same code on every device (`shard_map`;
  parameters sharded over fsdp are gathered first, which copies and rounds nothing);
- the leaves' sums are added in a binary tree by leaf index: a device adds its own block of leaves
  (`tree_sum_scan`, a binary counter over a scan, log2 partial sums alive), then the devices add
  their blocks by recursive doubling (`butterfly_sum`: at round r device i adds the block of device
  i xor 2^r; float addition commutes, so both partners hold the same bits);
- the global-norm clip and AdamW then act element by element on equal gradients.

`mesh.invariant` = N (a power of two) cuts every step into at least N leaves (leaf_rows_for), so every
mesh of up to N data x fsdp devices, a power of two, gives the same bits when the leaves are a power
of two (power-of-two batch sizes); `mesh.tensor` must be 1 (tensor parallelism splits the
contractions themselves).
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from bite_jax.train.step import BATCH_KEYS, make_rows_nll, make_train_step

ROW_AXES = ('data', 'fsdp')


def is_power_of_two(n: int) -> bool:
  return n >= 1 and n & (n - 1) == 0


def leaf_rows_for(batch_rows: int, pass_rows: int, min_leaves: int) -> int:
  """Rows per leaf: the largest divisor of `batch_rows` that is at most the row pass the memory allows
  (`pass_rows`) and cuts the step into at least `min_leaves` leaves (one row each when there are fewer
  rows). It reads nothing of the mesh, so every mesh cuts the same leaves."""
  cap = max(1, min(pass_rows, batch_rows // max(1, min_leaves)))
  return max(d for d in range(1, cap + 1) if batch_rows % d == 0)


def check_layout(mesh: Mesh, *, batch_rows: int, leaf_rows: int) -> int:
  """Checks that `batch_rows` cut into leaves of `leaf_rows` sum the same way on this mesh as on one
  device; returns the leaves per device. Raises ValueError naming what to change."""
  ways = mesh.shape['data'] * mesh.shape['fsdp']
  if mesh.shape['tensor'] != 1:
    raise ValueError(f'mesh.invariant needs mesh.tensor = 1 (got {mesh.shape["tensor"]})')
  if leaf_rows < 1 or batch_rows % leaf_rows:
    raise ValueError(f'mesh.invariant: {batch_rows} rows per step do not cut into leaves of {leaf_rows} rows')
  leaves = batch_rows // leaf_rows
  if ways > 1 and (not is_power_of_two(ways) or leaves % ways or not is_power_of_two(leaves // ways)):
    raise ValueError(
      f'mesh.invariant: {batch_rows} rows per step make {leaves} leaves of {leaf_rows} rows, which '
      f'data x fsdp = {ways} devices cannot share as equal power-of-two blocks; use a power-of-two '
      'batch_size (and rows_per_pass) or a power-of-two number of devices dividing the leaves'
    )
  return leaves // ways


def tree_sum_scan(fn: Callable, xs, count: int):
  """sum_i fn(xs[i]) over the leading axis of `xs` (`count` items), added in a fixed binary tree.

  A scan keeps a binary counter of partial sums: item i is added to the partial sum of level j for
  every trailing 1 bit j of i, then stored at the first 0 bit. For a power-of-two `count` that is the
  tree that halves the items recursively, so a block of 2^k items aligned at a multiple of 2^k is one
  subtree: the sums of such blocks, added in the same tree, give the same bits as the whole.
  """
  levels = max(1, count.bit_length())
  first = jax.tree.map(lambda x: x[0], xs)
  zero = jax.tree.map(jnp.zeros_like, jax.eval_shape(fn, first))
  stack = tuple(zero for _ in range(levels))

  def body(stack, item):
    index, x = item
    value = fn(x)
    done = jnp.asarray(False)
    new_stack = []
    for level, partial in enumerate(stack):
      bit = (index >> level) & 1
      store = jnp.logical_and(jnp.logical_not(done), bit == 0)
      merge = jnp.logical_and(jnp.logical_not(done), bit == 1)
      new_stack.append(jax.tree.map(lambda p, v, store=store: jnp.where(store, v, p), partial, value))
      value = jax.tree.map(lambda p, v, merge=merge: jnp.where(merge, p + v, v), partial, value)
      done = jnp.logical_or(done, store)
    return tuple(new_stack), None

  stack, _ = jax.lax.scan(body, stack, (jnp.arange(count, dtype=jnp.int32), xs))
  # The levels of the 1 bits of `count` hold its complete subtrees; add them from the smallest up.
  total = None
  for level in range(levels):
    if (count >> level) & 1:
      total = stack[level] if total is None else jax.tree.map(jnp.add, stack[level], total)
  return total


def butterfly_sum(x, axis_name, ways: int):
  """Inside shard_map: the sum over `ways` devices of `axis_name` (a power of two) by recursive
  doubling, so device blocks are added in the same binary tree as tree_sum_scan adds items."""
  shift = 1
  while shift < ways:
    perm = [(i, i ^ shift) for i in range(ways)]
    x = jax.tree.map(lambda v, perm=perm: v + jax.lax.ppermute(v, axis_name, perm), x)
    shift *= 2
  return x


def _fsdp_dims(spec: PartitionSpec) -> list[int]:
  dims = []
  for dim, entry in enumerate(spec):
    names = (entry,) if isinstance(entry, str) else tuple(entry or ())
    if 'fsdp' in names:
      dims.append(dim)
  return dims


def make_invariant_train_step(
  graphdef,
  rest,
  tx: optax.GradientTransformation,
  *,
  mesh: Mesh,
  params_sh,
  opt_sh,
  leaf_rows: int,
  loss_chunk: int,
  batch_rows: int,
  clip_norm: float,
) -> Callable:
  """The jitted step (params, opt_state, batch) -> (params, opt_state, metrics), mesh-invariant.

  Same contract as bite_jax.train.step.make_train_step (metrics `loss`, `target_tokens`, `grad_norm`);
  `tx` must not clip: the global-norm clip at `clip_norm` (0 = off) is applied here, from the norm
  of the whole gradient that every device holds.
  """
  local_leaves = check_layout(mesh, batch_rows=batch_rows, leaf_rows=leaf_rows)
  ways = mesh.shape['data'] * mesh.shape['fsdp']
  fsdp = mesh.shape['fsdp']
  param_specs = jax.tree.map(lambda s: s.spec, params_sh)
  rest_specs = jax.tree.map(lambda _: PartitionSpec(), rest)
  rows_spec = PartitionSpec(ROW_AXES)
  replicated = NamedSharding(mesh, PartitionSpec())

  def leaf_nll(params, rest, rows):
    return make_rows_nll(graphdef, rest, loss_chunk, constrain=False)(params, rows)

  grad_fn = jax.value_and_grad(leaf_nll)

  def gather(x, spec):
    for dim in _fsdp_dims(spec):
      x = jax.lax.all_gather(x, 'fsdp', axis=dim, tiled=True)
    return x

  def own_shard(x, spec):
    for dim in _fsdp_dims(spec):
      size = x.shape[dim] // fsdp
      x = jax.lax.dynamic_slice_in_dim(x, jax.lax.axis_index('fsdp') * size, size, axis=dim)
    return x

  def device_part(params, rest, batch):
    full = jax.tree.map(gather, params, param_specs)
    leaves = {k: v.reshape(local_leaves, leaf_rows, *v.shape[1:]) for k, v in batch.items()}

    def one_leaf(rows):
      nll, grads = grad_fn(full, rest, rows)
      return nll, jax.tree.map(lambda g: g.astype(jnp.float32), grads)

    nll, grads = butterfly_sum(tree_sum_scan(one_leaf, leaves, local_leaves), ROW_AXES, ways)
    tokens = jax.lax.psum(jnp.sum(batch['mask'].astype(jnp.int32)), ROW_AXES)
    denom = jnp.maximum(tokens.astype(jnp.float32), 1.0)
    grads = jax.tree.map(lambda g: g * (1.0 / denom), grads)
    grad_norm = optax.tree.norm(grads)
    if clip_norm > 0:
      grads = jax.tree.map(lambda g: jnp.where(grad_norm < clip_norm, g, g * (clip_norm / grad_norm)), grads)
    grads = jax.tree.map(lambda g, p, spec: own_shard(g, spec).astype(p.dtype), grads, params, param_specs)
    return grads, nll * (1.0 / denom), denom, grad_norm

  sharded = jax.shard_map(
    device_part,
    mesh=mesh,
    in_specs=(param_specs, rest_specs, {k: rows_spec for k in BATCH_KEYS}),
    out_specs=(param_specs, PartitionSpec(), PartitionSpec(), PartitionSpec()),
    check_vma=False,
  )

  def step(params, opt_state, batch):
    grads, loss, denom, grad_norm = sharded(params, rest, batch)
    updates, opt_state = tx.update(grads, opt_state, params)
    params = optax.apply_updates(params, updates)
    return params, opt_state, {'loss': loss, 'target_tokens': denom, 'grad_norm': grad_norm}

  batch_sh = {k: NamedSharding(mesh, rows_spec) for k in BATCH_KEYS}
  return jax.jit(
    step,
    in_shardings=(params_sh, opt_sh, batch_sh),
    out_shardings=(params_sh, opt_sh, replicated),
    donate_argnums=(0, 1),
  )


def build_train_step(
  graphdef,
  rest,
  tx: optax.GradientTransformation,
  *,
  mesh: Mesh,
  params_sh,
  opt_sh,
  batch_rows: int,
  micro_rows: int,
  row_passes: int,
  loss_chunk: int,
  invariant: int = 0,
  grad_accum: int = 1,
  clip_norm: float = 0.0,
) -> Callable:
  """The train step of a run: make_invariant_train_step when `invariant` > 0 (leaves of
  leaf_rows_for(batch_rows, micro_rows // row_passes, invariant) rows; `tx` must not clip, the step
  clips at `clip_norm`), otherwise make_train_step accumulating `grad_accum` x `row_passes` passes.

  micro_rows: rows per micro-batch; row_passes: passes per micro-batch (step_layout's first value).
  """
  if invariant:
    return make_invariant_train_step(
      graphdef,
      rest,
      tx,
      mesh=mesh,
      params_sh=params_sh,
      opt_sh=opt_sh,
      leaf_rows=leaf_rows_for(batch_rows, micro_rows // row_passes, invariant),
      loss_chunk=loss_chunk,
      batch_rows=batch_rows,
      clip_norm=clip_norm,
    )
  return make_train_step(
    graphdef,
    rest,
    tx,
    mesh=mesh,
    params_sh=params_sh,
    opt_sh=opt_sh,
    grad_accum=grad_accum * row_passes,
    loss_chunk=loss_chunk,
    batch_rows=batch_rows,
  )
