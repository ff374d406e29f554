"""Device mesh (data, fsdp, tensor), the one logical-axis rule table, and multi-host start-up.

Parameters carry logical axis names (see bite_jax.models.layers); LOGICAL_AXIS_RULES maps them to
mesh axes. The same code runs on 1 CPU, simulated CPU devices, a GPU, or a TPU pod slice.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import jax
import numpy as np
from flax import nnx
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from bite_jax.config import ConfigError

log = logging.getLogger(__name__)

MESH_AXES = ('data', 'fsdp', 'tensor')

LOGICAL_AXIS_RULES: tuple[tuple[str, str | tuple[str, ...] | None], ...] = (
  ('batch', ('data', 'fsdp')),
  ('embed', 'fsdp'),
  ('vocab', 'tensor'),
  ('heads', 'tensor'),
  ('kv_heads', 'tensor'),
  ('mlp', 'tensor'),
  ('length', None),
  ('head_dim', None),
)


def make_mesh(data: int = -1, fsdp: int = 1, tensor: int = 1, devices=None) -> Mesh:
  """Mesh with axes ('data', 'fsdp', 'tensor'); one size may be -1 to take the remaining devices.

  Raises ValueError when the sizes do not multiply to the number of devices.
  """
  devices = list(jax.devices() if devices is None else devices)
  sizes = {'data': data, 'fsdp': fsdp, 'tensor': tensor}
  free = [name for name, size in sizes.items() if size == -1]
  if len(free) > 1:
    raise ValueError(f'make_mesh: only one axis may be -1, got {sizes}')
  for name, size in sizes.items():
    if size == 0 or size < -1:
      raise ValueError(f'make_mesh: {name}={size} must be positive or -1')
  fixed = math.prod(size for size in sizes.values() if size != -1)
  if free:
    if len(devices) % fixed:
      raise ValueError(f'make_mesh: {len(devices)} devices are not divisible by the fixed axes {sizes}')
    sizes[free[0]] = len(devices) // fixed
  if math.prod(sizes.values()) != len(devices):
    raise ValueError(
      f'make_mesh: data*fsdp*tensor = {sizes["data"]}*{sizes["fsdp"]}*{sizes["tensor"]} '
      f'= {math.prod(sizes.values())} but there are {len(devices)} devices'
    )
  grid = np.asarray(devices, dtype=object).reshape(sizes['data'], sizes['fsdp'], sizes['tensor'])
  return Mesh(grid, MESH_AXES, axis_types=(jax.sharding.AxisType.Auto,) * 3)


def _mesh_axes_for(name: str | None, rules) -> tuple[str, ...]:
  if name is None:
    return ()
  for logical, physical in rules:
    if logical == name:
      if physical is None:
        return ()
      return (physical,) if isinstance(physical, str) else tuple(physical)
  raise ValueError(f'logical axis {name!r} has no entry in the sharding rules')


def logical_to_sharding(
  mesh: Mesh, logical_axes: Sequence[str | None], rules=LOGICAL_AXIS_RULES, shape: Sequence[int] | None = None
) -> NamedSharding:
  """NamedSharding for an array whose dims carry `logical_axes` (None = replicated dim).

  A mesh axis is used at most once (the first dim that asks for it wins). With `shape`, a dim whose
  size is not divisible by the product of its mesh axes is replicated instead.
  """
  if shape is not None and len(shape) != len(logical_axes):
    raise ValueError(f'logical axes {tuple(logical_axes)} do not match shape {tuple(shape)}')
  used: set[str] = set()
  spec = []
  for dim, name in enumerate(logical_axes):
    axes = tuple(a for a in _mesh_axes_for(name, rules) if a not in used and a in mesh.shape)
    if shape is not None and axes and shape[dim] % math.prod(mesh.shape[a] for a in axes):
      axes = ()
    used.update(axes)
    spec.append(None if not axes else axes[0] if len(axes) == 1 else axes)
  return NamedSharding(mesh, PartitionSpec(*spec))


def param_logical_axes(variable: nnx.Variable) -> tuple[str | None, ...]:
  """Logical axis names of a parameter (all None when it has no annotation)."""
  axes = variable.get_metadata().get('out_sharding')
  value = variable.get_value()
  if not axes:
    return (None,) * len(value.shape)
  return tuple(axes)


def set_activation_sharding(model, mesh: Mesh, rules=LOGICAL_AXIS_RULES) -> None:
  """Points `model.activation_sharding` (when the model has one) at batch sharding of [B, T, D] activations.

  The one place that decides how activations are laid out on a mesh.
  """
  if hasattr(model, 'activation_sharding'):
    model.activation_sharding = logical_to_sharding(mesh, ('batch', 'length', None), rules)


def shard_model(model: nnx.Module, mesh: Mesh, rules=LOGICAL_AXIS_RULES) -> None:
  """Places every parameter of `model` on the sharding its logical axes ask for (in place).

  Also sets `model.activation_sharding` (when the model has that attribute) to batch sharding of
  [B, T, D] activations.
  """
  for _, variable in nnx.iter_graph(model):
    if not isinstance(variable, nnx.Variable):
      continue
    value = variable.get_value()
    if not hasattr(value, 'shape'):
      continue
    sharding = logical_to_sharding(mesh, param_logical_axes(variable), rules, value.shape)
    variable.set_value(jax.device_put(value, sharding))
  set_activation_sharding(model, mesh, rules)


def init_sharded(factory, mesh: Mesh, rules=LOGICAL_AXIS_RULES):
  """Builds `factory()` (e.g. lambda: Decoder(config, rngs=nnx.Rngs(0))) with every parameter
  created directly on its sharding, so no device ever holds the whole model. Returns the module."""
  abstract = nnx.eval_shape(factory)
  graphdef, abstract_state = nnx.split(abstract)

  def sharding_of(variable):
    shape = variable.get_value().shape
    return variable.replace(logical_to_sharding(mesh, param_logical_axes(variable), rules, shape))

  shardings = jax.tree.map(sharding_of, abstract_state, is_leaf=lambda x: isinstance(x, nnx.Variable))
  state = jax.jit(lambda: nnx.state(factory()), out_shardings=shardings)()
  model = nnx.merge(graphdef, state)
  set_activation_sharding(model, mesh, rules)
  return model


def batch_sharding(mesh: Mesh) -> NamedSharding:
  """Sharding of [batch, ...] inputs: the batch dim over data x fsdp, the rest replicated."""
  return NamedSharding(mesh, PartitionSpec(('data', 'fsdp')))


def cache_sharding(mesh: Mesh, cache, rules=LOGICAL_AXIS_RULES):
  """Shardings for a KVCache: k [batch, kv_heads, head_dim, length], v [batch, kv_heads, length, head_dim],
  key_positions/key_valid [batch, length] and index [batch]."""

  def axes(*names):
    return lambda x: logical_to_sharding(mesh, names, rules, x.shape)

  return cache.replace(
    k=tuple(map(axes('batch', 'kv_heads', 'head_dim', 'length'), cache.k)),
    v=tuple(map(axes('batch', 'kv_heads', 'length', 'head_dim'), cache.v)),
    key_positions=axes('batch', 'length')(cache.key_positions),
    key_valid=axes('batch', 'length')(cache.key_valid),
    index=axes('batch')(cache.index),
  )


AUTO_COORDINATOR = 'auto'


def initialize_distributed(
  coordinator: str | None = None, num_processes: int | None = None, process_id: int | None = None
) -> None:
  """Starts JAX's multi-host runtime; call once per process before any other JAX call.

  `coordinator` is a host:port address, 'auto', or None:
  - host:port: passed to jax.distributed.initialize with `num_processes` and `process_id`.
  - 'auto': JAX detects the cluster (TPU VM slice, SLURM, MPI...) and finds the coordinator itself;
    `num_processes` / `process_id`, when given, override what it detects. Raises ConfigError when
    JAX cannot start from what it detects (e.g. no cluster), so that hosts never each run the whole job.
  - None with no other argument: detection is tried; when nothing is detected the run stays single-process.
  CPU processes need cross-process collectives: when none is configured, gloo is selected (the
  default of the pinned JAX; older releases defaulted to none).
  """
  if jax.distributed.is_initialized():
    return
  if not getattr(jax.config, 'jax_cpu_collectives_implementation', 'gloo'):
    jax.config.update('jax_cpu_collectives_implementation', 'gloo')
  if coordinator == AUTO_COORDINATOR:
    given = {'num_processes': num_processes, 'process_id': process_id}
    try:
      jax.distributed.initialize(**{k: v for k, v in given.items() if v is not None})
    except ValueError as e:
      raise ConfigError(
        f'config.mesh.coordinator=auto: JAX found no cluster to join ({e}); on one host leave it empty, '
        'elsewhere give host:port with mesh.num_processes and mesh.process_id'
      ) from e
  elif any(v is not None for v in (coordinator, num_processes, process_id)):
    jax.distributed.initialize(coordinator_address=coordinator, num_processes=num_processes, process_id=process_id)
  else:
    try:
      jax.distributed.initialize()
    except ValueError as e:
      # Raised by jax when no cluster environment supplies a coordinator address.
      log.info('initialize_distributed: no cluster detected (%s); running single-process', e)
      return
  log.info(
    'initialize_distributed: process %d of %d, %d local / %d global devices',
    jax.process_index(),
    jax.process_count(),
    jax.local_device_count(),
    jax.device_count(),
  )
