"""MFU accounting: training FLOPs per token, CPU peak estimate by vector ISA, utilisation."""

import pytest

from bite_jax.models import get_preset
from bite_jax.train.metrics import cpu_flops_per_cycle, cpu_peak_flops, mfu, progress_line


@pytest.mark.parametrize(
  'flags,per_cycle',
  [
    ({'sse2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512bw'}, 64),
    ({'sse2', 'avx', 'avx2', 'fma'}, 32),
    ({'sse2', 'avx', 'avx2'}, 16),  # AVX2 without FMA units: no fused multiply-add
    ({'sse2'}, 16),
    (set(), 16),
  ],
)
def test_cpu_flops_per_cycle_follow_the_widest_fma_vectors(flags, per_cycle):
  assert cpu_flops_per_cycle(flags) == per_cycle


def test_cpu_peak_scales_with_cores_and_vector_width():
  one = cpu_peak_flops(cores=1, flags={'avx2', 'fma'})
  assert cpu_peak_flops(cores=4, flags={'avx2', 'fma'}) == pytest.approx(4 * one)
  assert cpu_peak_flops(cores=1, flags={'avx512f'}) == pytest.approx(2 * one)
  assert 1e9 < one < 1e12


def test_this_hosts_peak_uses_its_own_flags():
  assert cpu_peak_flops(cores=1) == pytest.approx(cpu_peak_flops(cores=1, flags=None))
  assert cpu_flops_per_cycle() in (16, 32, 64)


def test_flops_per_token_count_matmul_weights_and_causal_attention():
  config = get_preset('tiny')
  d, f, v, layers = config.hidden_size, config.intermediate_size, config.vocab_size, config.num_layers
  q, kv = config.num_heads * config.head_dim, config.num_kv_heads * config.head_dim
  weights = layers * (2 * d * q + 2 * d * kv + 3 * d * f) + d * v
  assert config.flops_per_token(256) == pytest.approx(6 * weights + 6 * layers * q * 256)
  # Longer rows only add attention FLOPs, linearly in the length.
  assert config.flops_per_token(512) - config.flops_per_token(256) == pytest.approx(6 * layers * q * 256)


def test_mfu_is_achieved_over_peak_and_unknown_without_a_peak():
  assert mfu(1000.0, 6e6, 12e9) == pytest.approx(0.5)
  assert mfu(1000.0, 6e6, None) is None
  assert 'MFU n/a' in progress_line(3, 10, 1.5, 1e-5, 1000.0, None, 60.0)
  assert 'MFU 50.0%' in progress_line(3, 10, 1.5, 1e-5, 1000.0, 0.5, 60.0)
