"""train_throughput.py and sample_throughput.py, run as commands on the tiny shape, write results
with every figure positive: tokens/s of both sides, FLOP/s, fractions of the measured peak."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUICK = ['--rounds=1', '--peak_seconds=0.2']


def _run(script: str, *flags: str, json_path: Path) -> list[dict]:
  env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')])))
  command = [sys.executable, str(ROOT / 'benchmarks' / script), *flags, *QUICK, f'--json={json_path}']
  out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
  assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
  return json.loads(json_path.read_text())


def _positive(result: dict, *keys: str) -> None:
  for key in keys:
    assert isinstance(result.get(key), (int, float)) and result[key] > 0, (key, result.get(key))


def test_train_throughput_with_the_old_flags(tmp_path):
  # The explicit flags of the earlier command lines still describe the shape when --shape is absent.
  flags = ['--vocab=256', '--hidden=32', '--intermediate=64', '--layers=1', '--heads=2', '--kv_heads=1']
  flags += ['--batch=2', '--len=32', '--steps=1', '--warmup_rounds=0', '--settle=0', '--torch=eager', '--invariant=2']
  [result] = _run('train_throughput.py', *flags, json_path=tmp_path / 'train.json')
  assert result['shape'] == 'flags' and result['vocab'] == 256 and result['hidden'] == 32
  _positive(result, 'flops_per_token', 'peak_flops', 'ratio_jax_over_torch')
  assert result['peak_flops'] == max(result['peak_flops_measured']) and result['other_load_cores'] >= 0
  for side in ('jax', 'jax_invariant', 'torch'):
    _positive(result, f'{side}_tokens_per_s', f'{side}_flops_per_s', f'{side}_peak_fraction')
  # The mesh.invariant step trains the same first step (same maths, another order of the sums).
  assert result['first_loss']['jax_invariant'] == pytest.approx(result['first_loss']['jax'], rel=1e-5)
  assert result['jax_flops_per_s'] == pytest.approx(result['jax_tokens_per_s'] * result['flops_per_token'])


def test_sample_throughput_fixed_lengths(tmp_path):
  [result] = _run('sample_throughput.py', '--shape=tiny', json_path=tmp_path / 'sample.json')
  assert result['shape'] == 'tiny' and result['mode'] == 'fixed' and result['rows'] == 4
  _positive(result, 'peak_flops', 'bytes_per_s', 'step_flops', 'step_floor_ms', 'prefill_floor_ms', 'speedup')
  _positive(result, 'step_bytes', 'step_bytes_floor_ms')
  assert result['other_load_cores'] >= 0 and len(result['peak_flops_measured']) == 2
  for side in ('jax', 'transformers'):
    _positive(result, f'{side}_tokens_per_s', f'{side}_ms_per_step', f'{side}_flops_per_s', f'{side}_peak_fraction')


def test_sample_throughput_eos_spread(tmp_path):
  [result] = _run(
    'sample_throughput.py', '--shape=tiny', '--eos_spread', '--new_tokens=24', json_path=tmp_path / 'eos.json'
  )
  assert result['mode'] == 'eos_spread' and result['eos_ids'] > 0
  _positive(result, 'speedup')
  for side in ('jax', 'transformers'):
    _positive(result, f'{side}_useful_tokens_per_s', f'{side}_useful_flops_per_s', f'{side}_peak_fraction')
    lengths = result[f'{side}_lengths']
    assert 1 <= lengths['min'] <= lengths['median'] <= lengths['max'] <= 24


def test_sample_throughput_invariant_against_the_ordinary_sampler(tmp_path):
  [result] = _run(
    'sample_throughput.py',
    '--shape=tiny',
    '--invariant',
    '--eos_spread',
    '--new_tokens=24',
    json_path=tmp_path / 'i.json',
  )
  assert result['mode'] == 'invariant_eos_spread' and result['max_batch'] == 4
  _positive(result, 'ordinary_tokens_per_s', 'invariant_tokens_per_s', 'invariant_vs_ordinary')
  _positive(result, 'ordinary_compile_seconds', 'invariant_compile_seconds')
  assert result['invariant_vs_ordinary'] == pytest.approx(
    result['invariant_tokens_per_s'] / result['ordinary_tokens_per_s'], rel=1e-2
  )
