"""The subprocess side of tests/test_parallel.py: sharded execution on simulated CPU devices.

  XLA_FLAGS=--xla_force_host_platform_device_count=8 python -m tests.helpers.parallel_worker sharded QWEN SC2 OUT

The parent sets XLA_FLAGS (and JAX_PLATFORMS=cpu) in the environment, so the device count is fixed
before jax is imported here. Prints the worker's result as one JSON line.
"""

import dataclasses
import json
import sys

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from bite_jax import parallel, tuning
from bite_jax.models import Decoder, from_pretrained, save_pretrained
from bite_jax.parallel import initialize_distributed


def _worker_sharded(qwen_dir: str, sc2_dir: str, export_dir: str) -> dict:
  mesh = parallel.make_mesh(data=1, fsdp=4, tensor=2)
  rng = np.random.RandomState(0)
  ids = jnp.asarray(rng.randint(0, 128, (4, 12)), jnp.int32)
  forward = jax.jit(lambda m, x: m(x))
  out = {'device_count': jax.device_count(), 'mesh': dict(mesh.shape)}

  def max_diff(a, b):
    return float(np.abs(np.asarray(a) - np.asarray(b)).max())

  for name, directory in (('qwen', qwen_dir), ('sc2', sc2_dir)):
    single = from_pretrained(directory)
    ref = forward(single, ids)
    sharded_ids = jax.device_put(ids, parallel.batch_sharding(mesh))
    on_mesh = from_pretrained(directory, mesh=mesh)
    res = {'from_pretrained_mesh_diff': max_diff(forward(on_mesh, sharded_ids), ref)}
    moved = from_pretrained(directory)
    parallel.shard_model(moved, mesh)
    res['shard_model_diff'] = max_diff(forward(moved, sharded_ids), ref)

    @jax.jit
    def prefill_decode(model, x):
      cache = model.init_cache(x.shape[0], x.shape[1])
      cache = jax.lax.with_sharding_constraint(cache, parallel.cache_sharding(mesh, cache))
      first, cache = model(x[:, :8], cache=cache)
      steps = [first]
      for t in range(8, x.shape[1]):
        logits, cache = model(x[:, t : t + 1], cache=cache)
        steps.append(logits)
      return jnp.concatenate(steps, axis=1)

    res['cached_decode_diff'] = max_diff(prefill_decode(on_mesh, sharded_ids), ref)
    # Query-blocked attention (one query per block) on the mesh, forward and gradient.
    choices = tuning.PLATFORMS['cpu']

    def loss(model, x):
      return jnp.sum(jax.nn.log_softmax(model(x))[..., 5])

    grad_ref = jax.jit(nnx.grad(loss))(single, ids)
    tuning.PLATFORMS['cpu'] = dataclasses.replace(choices, attention_block_bytes=1)
    try:
      res['blocked_attention_diff'] = max_diff(jax.jit(lambda m, x: m(x))(on_mesh, sharded_ids), ref)
      grad_blocked = jax.jit(nnx.grad(loss))(on_mesh, sharded_ids)
    finally:
      tuning.PLATFORMS['cpu'] = choices
    res['blocked_attention_grad_diff'] = max(
      max_diff(a, b) for a, b in zip(jax.tree.leaves(grad_blocked), jax.tree.leaves(grad_ref))
    )
    specs, shard_shapes = {}, {}
    for path, var in nnx.iter_graph(on_mesh):
      if isinstance(var, nnx.Param):
        key = '.'.join(map(str, path))
        value = var.get_value()
        spec = list(value.sharding.spec) + [None] * (value.ndim - len(value.sharding.spec))
        specs[key] = [list(a) if isinstance(a, tuple) else a for a in spec]
        shard_shapes[key] = [list(value.shape), list(value.addressable_shards[0].data.shape)]
    res['specs'], res['shard_shapes'] = specs, shard_shapes
    if name == 'qwen':
      save_pretrained(on_mesh, export_dir)
      res['export_reload_diff'] = max_diff(forward(from_pretrained(export_dir), ids), ref)
    out[name] = res

  config = from_pretrained(qwen_dir).config

  def factory():
    return Decoder(config, rngs=nnx.Rngs(3))

  eager, on_mesh = factory(), parallel.init_sharded(factory, mesh)
  pairs = zip(jax.tree.leaves(nnx.state(eager, nnx.Param)), jax.tree.leaves(nnx.state(on_mesh, nnx.Param)))
  q_spec = on_mesh.layers[0].self_attn.q_proj.kernel.get_value().sharding.spec
  out['init_sharded'] = {
    'max_param_diff': max(max_diff(a, b) for a, b in pairs),
    'q_proj_spec': list(q_spec) + [None] * (3 - len(q_spec)),
    'forward_diff': max_diff(forward(on_mesh, sharded_ids), forward(eager, ids)),
  }

  def spec(axes, shape):
    s = parallel.logical_to_sharding(mesh, axes, shape=shape).spec
    return list(s) + [None] * (len(shape) - len(s))

  out['fallback'] = {
    'kv2': spec(('embed', 'kv_heads', 'head_dim'), (6, 2, 8)),
    'kv1': spec(('embed', 'kv_heads', 'head_dim'), (6, 1, 8)),
    'embed6': spec(('embed', 'vocab'), (6, 10)),
  }
  out['batch_spec'] = [list(a) if isinstance(a, tuple) else a for a in parallel.batch_sharding(mesh).spec]
  return out


def _worker_distributed_auto() -> dict:
  initialize_distributed()
  return {'initialized': jax.distributed.is_initialized(), 'process_count': jax.process_count()}


def _worker_distributed_explicit(coordinator: str) -> dict:
  initialize_distributed(coordinator, num_processes=1, process_id=0)
  result = {
    'initialized': jax.distributed.is_initialized(),
    'process_count': jax.process_count(),
    'process_index': jax.process_index(),
  }
  jax.distributed.shutdown()
  return result


WORKERS = {
  'sharded': _worker_sharded,
  'distributed_auto': _worker_distributed_auto,
  'distributed_explicit': _worker_distributed_explicit,
}

if __name__ == '__main__':
  print(json.dumps(WORKERS[sys.argv[1]](*sys.argv[2:])))
