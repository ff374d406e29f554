r"""This machine's measured float32 matmul peak, the yardstick of the throughput benchmarks.

  python benchmarks/machine_peak.py
  python benchmarks/machine_peak.py --sizes=1024,2048,4096 --seconds=2

Times jitted square float32 matmuls (m = k = n = size) on JAX's default device: each size is run
in repetitions of a fixed number of calls until `seconds` / len(sizes) have passed, and the best
repetition gives that size's FLOP/s = 2 m k n / seconds per call. The peak is the best size's.
Also measures the memory read bandwidth the same way (a jitted sum over a 256 MB float32 array
reads it once per call), the floor of steps that read more bytes than they compute on, such as
decoding a few rows, which must read every weight once per step. Prints GFLOP/s per size, the
bandwidth and the peak.

`OtherLoad` tells how many cores other processes kept busy while a measurement ran, so that a
benchmark can flag figures taken on a machine it did not have to itself.
"""

from __future__ import annotations

import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import psutil
from absl import app, flags

DEFAULT_SIZES = (1024, 2048)
BANDWIDTH_BYTES = 256 * 2**20


def best_seconds(fn, args, seconds: float, calls: int = 0) -> float:
  """Fewest seconds per call of fn(*args) (a compiled JAX function) over repetitions of `calls`
  back-to-back calls filling `seconds` (calls=0: as many as take about 50 ms, at least 1)."""
  jax.block_until_ready(fn(*args))  # first-call allocations
  start = time.perf_counter()
  jax.block_until_ready(fn(*args))
  best = max(time.perf_counter() - start, 1e-6)
  calls = calls or max(1, int(0.05 / best))
  deadline = time.perf_counter() + seconds
  while True:
    start = time.perf_counter()
    jax.block_until_ready([fn(*args) for _ in range(calls)])
    best = min(best, (time.perf_counter() - start) / calls)
    if time.perf_counter() >= deadline:
      return best


def matmul_flops_per_s(size: int, seconds: float = 0.5, calls: int = 0) -> float:
  """Best FLOP/s of a jitted float32 [size, size] @ [size, size] over repetitions filling `seconds`
  (best_seconds)."""
  rng = np.random.default_rng(0)
  a = jnp.asarray(rng.standard_normal((size, size), dtype=np.float32))
  b = jnp.asarray(rng.standard_normal((size, size), dtype=np.float32))
  matmul = jax.jit(jnp.matmul).lower(a, b).compile()
  return 2.0 * size**3 / best_seconds(matmul, (a, b), seconds, calls)


def memory_bytes_per_s(seconds: float = 0.5, nbytes: int = BANDWIDTH_BYTES) -> float:
  """Best memory read bandwidth in bytes/s: a jitted sum over `nbytes` of float32 reads them once
  (an op that also writes as much, such as x * 2, measures the allocator more than the memory)."""
  x = jnp.ones((nbytes // 4,), jnp.float32)
  total = jax.jit(jnp.sum).lower(x).compile()
  return x.size * 4 / best_seconds(total, (x,), seconds)


class OtherLoad:
  """Cores that other processes kept busy since construction: the machine's busy CPU time (all
  cores, idle and iowait left out) minus this process's and its reaped children's, per wall second."""

  def __init__(self):
    self._start = self._sample()

  @staticmethod
  def _sample() -> tuple[float, float, float]:
    t = psutil.cpu_times()
    busy = sum(t) - t.idle - getattr(t, 'iowait', 0.0) - getattr(t, 'guest', 0.0) - getattr(t, 'guest_nice', 0.0)
    own = psutil.Process().cpu_times()
    return time.perf_counter(), busy, own.user + own.system + own.children_user + own.children_system

  def cores(self) -> float:
    """Mean number of cores busy with other processes so far (0 on a machine to ourselves)."""
    wall0, busy0, own0 = self._start
    wall1, busy1, own1 = self._sample()
    return max(0.0, ((busy1 - busy0) - (own1 - own0)) / max(wall1 - wall0, 1e-9))


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
  """Measures and prints GFLOP/s per size, the memory bandwidth and the peak."""
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  rates: dict[int, float] = {}
  args = flags.FLAGS
  peak = matmul_peak_flops(args.seconds, tuple(int(s) for s in args.sizes), per_size=rates)
  device = jax.devices()[0]
  print(f'{device.platform} ({device.device_kind}), jax {jax.__version__}: float32 matmul')
  for size, rate in rates.items():
    print(f'  {size:>5} x {size:<5} {rate / 1e9:10,.1f} GFLOP/s')
  bandwidth = memory_bytes_per_s(args.seconds / 4)
  print(f'memory read bandwidth {bandwidth / 1e9:,.1f} GB/s (sum over {BANDWIDTH_BYTES >> 20} MB)')
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
