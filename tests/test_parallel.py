"""Mesh, logical-axis rules and sharded execution.

Multi-device checks run tests.helpers.parallel_worker in a subprocess with 8 simulated CPU devices
(XLA_FLAGS must be set before jax is imported, so they cannot share the pytest process).
"""

import json
import os
import socket
import subprocess
import sys

import jax
import pytest
from jax.sharding import PartitionSpec as P

from bite_jax.config import ConfigError
from bite_jax.parallel import initialize_distributed, logical_to_sharding, make_mesh
from tests.helpers import paths
from tests.helpers.checkpoints import make_qwen2_checkpoint, make_starcoder2_checkpoint


def _run_worker(*args: str, devices: int = 8) -> dict:
  env = dict(os.environ, XLA_FLAGS=f'--xla_force_host_platform_device_count={devices}', JAX_PLATFORMS='cpu')
  proc = subprocess.run(
    [sys.executable, '-m', 'tests.helpers.parallel_worker', *args],
    env=env,
    cwd=paths.REPO,
    capture_output=True,
    text=True,
    timeout=600,
  )
  if proc.returncode != 0:
    pytest.fail(f'worker {args[0]} failed (rc={proc.returncode}):\n{proc.stderr[-4000:]}')
  return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ in-process (one device)


def test_rules_map_logical_names_to_mesh_axes():
  mesh = make_mesh()
  assert logical_to_sharding(mesh, ('vocab', 'embed')).spec == P('tensor', 'fsdp')
  assert logical_to_sharding(mesh, ('embed', 'heads', 'head_dim')).spec == P('fsdp', 'tensor', None)
  assert logical_to_sharding(mesh, ('batch', 'length')).spec == P(('data', 'fsdp'), None)


def test_a_mesh_axis_is_used_once_per_array():
  # batch already takes fsdp, so embed stays replicated.
  assert logical_to_sharding(make_mesh(), ('batch', 'length', 'embed')).spec == P(('data', 'fsdp'), None, None)


def test_unknown_logical_axis_is_an_error():
  with pytest.raises(ValueError, match="'experts'"):
    logical_to_sharding(make_mesh(), ('experts',))


def test_make_mesh_rejects_a_size_product_that_does_not_match_the_devices():
  n = jax.device_count()
  with pytest.raises(ValueError, match=f'{n} devices'):
    make_mesh(data=n + 1)
  with pytest.raises(ValueError, match='only one axis may be -1'):
    make_mesh(data=-1, fsdp=-1)


def test_make_mesh_fills_the_free_axis():
  mesh = make_mesh(data=1, fsdp=-1)
  assert dict(mesh.shape) == {'data': 1, 'fsdp': jax.device_count(), 'tensor': 1}


# ------------------------------------------------------------------ 8 simulated devices


@pytest.fixture(scope='module')
def sharded_results(tmp_path_factory):
  pytest.importorskip('torch')
  qwen = make_qwen2_checkpoint(
    tmp_path_factory.mktemp('qwen'), tie=False, vocab=128, hidden=32, heads=4, kv_heads=2, seed=11
  )
  sc2 = make_starcoder2_checkpoint(tmp_path_factory.mktemp('sc2'), sliding_window=8, vocab=128, seed=12)
  return _run_worker('sharded', str(qwen), str(sc2), str(tmp_path_factory.mktemp('export')))


def test_worker_sees_eight_devices(sharded_results):
  assert sharded_results['device_count'] == 8
  assert sharded_results['mesh'] == {'data': 1, 'fsdp': 4, 'tensor': 2}


@pytest.mark.parametrize('name', ['qwen', 'sc2'])
def test_fsdp4_tensor2_forward_equals_single_device(sharded_results, name):
  assert sharded_results[name]['from_pretrained_mesh_diff'] < 1e-5
  assert sharded_results[name]['shard_model_diff'] < 1e-5


@pytest.mark.parametrize('name', ['qwen', 'sc2'])
def test_query_blocked_attention_on_the_mesh_equals_single_device(sharded_results, name):
  assert sharded_results[name]['blocked_attention_diff'] < 1e-5
  assert sharded_results[name]['blocked_attention_grad_diff'] < 1e-4


@pytest.mark.parametrize('name', ['qwen', 'sc2'])
def test_sharded_kv_cache_decode_equals_full_forward(sharded_results, name):
  assert sharded_results[name]['cached_decode_diff'] < 2e-5


def test_from_pretrained_places_params_on_their_logical_shardings(sharded_results):
  specs = sharded_results['qwen']['specs']
  assert specs['embed_tokens.embedding'] == ['tensor', 'fsdp']
  assert specs['layers.0.self_attn.q_proj.kernel'] == ['fsdp', 'tensor', None]
  assert specs['layers.0.self_attn.k_proj.kernel'] == ['fsdp', 'tensor', None]
  assert specs['layers.0.self_attn.o_proj.kernel'] == ['tensor', None, 'fsdp']
  assert specs['layers.0.mlp.gate_proj.kernel'] == ['fsdp', 'tensor']
  assert specs['layers.0.mlp.down_proj.kernel'] == ['tensor', 'fsdp']
  assert specs['lm_head.kernel'] == ['fsdp', 'tensor']
  assert specs['norm.scale'] == [None]


def test_each_sharded_param_holds_the_expected_fraction_per_device(sharded_results):
  shards = sharded_results['qwen']['shard_shapes']
  assert shards['layers.0.mlp.gate_proj.kernel'] == [[32, 64], [8, 32]]  # 4-way x 2-way
  assert shards['norm.scale'] == [[32], [32]]


def test_indivisible_dims_fall_back_to_replication(sharded_results):
  # 2 kv heads on tensor=2 shard, 1 kv head cannot; 6 on fsdp=4 cannot.
  assert sharded_results['fallback'] == {
    'kv2': [None, 'tensor', None],
    'kv1': [None, None, None],
    'embed6': [None, 'tensor'],
  }


def test_sharded_model_exports_the_same_weights(sharded_results):
  assert sharded_results['qwen']['export_reload_diff'] == 0.0


def test_init_sharded_creates_the_same_params_on_their_shardings(sharded_results):
  result = sharded_results['init_sharded']
  assert result['max_param_diff'] < 1e-6  # jit may fuse the init scaling differently from eager
  assert result['q_proj_spec'] == ['fsdp', 'tensor', None]
  assert result['forward_diff'] < 1e-5


def test_batch_sharding_splits_batch_over_data_and_fsdp(sharded_results):
  assert sharded_results['batch_spec'] == [['data', 'fsdp']]


def test_initialize_distributed_without_a_cluster_stays_single_process():
  assert _run_worker('distributed_auto', devices=1) == {'initialized': False, 'process_count': 1}


def test_initialize_distributed_with_explicit_single_process_coordinator():
  with socket.socket() as s:
    s.bind(('localhost', 0))
    port = s.getsockname()[1]
  result = _run_worker('distributed_explicit', f'localhost:{port}', devices=1)
  assert result == {'initialized': True, 'process_count': 1, 'process_index': 0}


# ------------------------------------------------------------------ coordinator=auto (jax.distributed mocked)


@pytest.fixture
def initialize_calls(monkeypatch):
  calls = []
  monkeypatch.setattr(jax.distributed, 'is_initialized', lambda: False)
  monkeypatch.setattr(jax.distributed, 'initialize', lambda *args, **kwargs: calls.append((args, kwargs)))
  return calls


def test_auto_coordinator_leaves_the_cluster_to_jax_detection(initialize_calls):
  initialize_distributed('auto', None, None)
  assert initialize_calls == [((), {})]


def test_auto_coordinator_passes_explicit_process_count_and_id(initialize_calls):
  initialize_distributed('auto', 4, 0)
  assert initialize_calls == [((), {'num_processes': 4, 'process_id': 0})]


def test_host_port_coordinator_is_passed_as_the_address(initialize_calls):
  initialize_distributed('10.0.0.2:1234', 2, 1)
  assert initialize_calls == [((), {'coordinator_address': '10.0.0.2:1234', 'num_processes': 2, 'process_id': 1})]


def test_auto_coordinator_without_a_detected_cluster_is_an_error(monkeypatch):
  def no_cluster(**kwargs):
    raise ValueError('coordinator_address should be defined.')

  monkeypatch.setattr(jax.distributed, 'is_initialized', lambda: False)
  monkeypatch.setattr(jax.distributed, 'initialize', no_cluster)
  with pytest.raises(ConfigError, match='config.mesh.coordinator=auto: JAX found no cluster'):
    initialize_distributed('auto')
