r"""This machine's measured float32 matmul peak, the yardstick of the throughput benchmarks.

  python benchmarks/machine_peak.py
  python benchmarks/machine_peak.py --sizes=1024,2048,4096 --seconds=2

Times jitted square float32 matmuls (m = k = n = size) on JAX's default device: each size is run
in repetitions of a fixed number of calls until `seconds` / len(sizes) have passed, and the best
repetition gives that size's FLOP/s = 2 m k n / seconds per call. The peak is the best size's.
Prints GFLOP/s per size and the peak.
"""

from __future__ import annotations

import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
from absl import app, flags

DEFAULT_SIZES = (1024, 2048)


def matmul_flops_per_s(size: int, seconds: float = 0.5, calls: int = 0) -> float:
  """Best FLOP/s of a jitted float32 [size, size] @ [size, size] over repetitions filling `seconds`.

  Each repetition times `calls` matmuls back to back (0: as many as take about 50 ms, at least 1).
  """
  rng = np.random.default_rng(0)
  a = jnp.asarray(rng.standard_normal((size, size), dtype=np.float32))
  b = jnp.asarray(rng.standard_normal((size, size), dtype=np.float32))
  matmul = jax.jit(jnp.matmul).lower(a, b).compile()
  matmul(a, b).block_until_ready()  # first-call allocations
  flops = 2.0 * size**3
  start = time.perf_counter()
  matmul(a, b).block_until_ready()
  once = max(time.perf_counter() - start, 1e-6)
  calls = calls or max(1, int(0.05 / once))
  best = once
  deadline = time.perf_counter() + seconds
  while True:
    start = time.perf_counter()
    outs = [matmul(a, b) for _ in range(calls)]
    jax.block_until_ready(outs)
    best = min(best, (time.perf_counter() - start) / calls)
    if time.perf_counter() >= deadline:
      break
  return flops / best


def matmul_peak_flops(
  seconds: float = 1.0, sizes: tuple[int, ...] = DEFAULT_SIZES, per_size: dict | None = None
) -> float:
  """This machine's float32 matmul peak in FLOP/s: the best of matmul_flops_per_s over `sizes`,
  `seconds` split evenly between them. When `per_size` is a dict, it receives size -> FLOP/s."""
  if not sizes:
    raise ValueError('matmul_peak_flops: no sizes to measure')
  rates = {size: matmul_flops_per_s(size, seconds / len(sizes)) for size in sizes}
  if per_size is not None:
    per_size.update(rates)
  return max(rates.values())


def main(argv: list[str]) -> int:
  """Measures and prints GFLOP/s per size and the peak."""
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  rates: dict[int, float] = {}
  args = flags.FLAGS
  peak = matmul_peak_flops(args.seconds, tuple(int(s) for s in args.sizes), per_size=rates)
  device = jax.devices()[0]
  print(f'{device.platform} ({device.device_kind}), jax {jax.__version__}: float32 matmul')
  for size, rate in rates.items():
    print(f'  {size:>5} x {size:<5} {rate / 1e9:10,.1f} GFLOP/s')
  print(f'peak {peak / 1e9:,.1f} GFLOP/s')
  return 0


def define_flags() -> None:
  """The command line's flags; defined only when run as a command, since the benchmarks import this
  module (and define flags of their own)."""
  flags.DEFINE_list('sizes', [str(s) for s in DEFAULT_SIZES], 'square matmul sizes, comma-separated')
  flags.DEFINE_float('seconds', 2.0, 'total measuring time, split evenly between the sizes')
  flags.register_validator('sizes', lambda v: all(x.isdigit() and int(x) > 0 for x in v), '--sizes: positive integers')


if __name__ == '__main__':
  define_flags()
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
