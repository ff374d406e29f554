"""IFT with Qwen's 151,936-row vocabulary at batch 4 x 1024 stays under 1.5 GB peak RSS on CPU
(the full float32 logits alone would be 2.5 GB): benchmarks/train_memory.py in a subprocess."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _benchmark():
  spec = importlib.util.spec_from_file_location('train_memory', ROOT / 'benchmarks' / 'train_memory.py')
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def test_peak_rss_with_qwen_vocabulary_stays_under_1_5_gb():
  bench = _benchmark()
  args = ['--vocab', '151936', '--batch', '4', '--len', '1024', '--steps', '3']
  every_step = bench.measure(bench.parse([*args, '--checkpoint-every', '1']))
  assert every_step['full_logits_mb'] > 2300
  assert every_step['peak_rss_mb'] < 1536, every_step
  assert every_step['losses'][-1] < every_step['losses'][0]
  # A checkpoint save hands its host copies back: saving before each step costs little over saving
  # once at the end (without that it was ~220 MiB more, params + optimizer state).
  at_end = bench.measure(bench.parse([*args, '--checkpoint-every', '0']))
  assert every_step['peak_rss_mb'] - at_end['peak_rss_mb'] < 100, (every_step, at_end)


def test_a_child_peak_is_its_own_not_its_large_parents(tmp_path):
  # getrusage's ru_maxrss survives exec, so a child of a big pytest process would report the parent's
  # peak; the benchmark reads the child's own high-water mark instead.
  import subprocess
  import sys

  ballast = bytearray(600 * 2**20)
  ballast[::4096] = b'\1' * len(ballast[::4096])  # touch every page so it is resident
  code = (
    'import importlib.util, sys; spec = importlib.util.spec_from_file_location("m", sys.argv[1]); '
    'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); print(m.own_peak_kb())'
  )
  out = subprocess.run(
    [sys.executable, '-c', code, str(ROOT / 'benchmarks' / 'train_memory.py')],
    capture_output=True,
    text=True,
    check=True,
  ).stdout
  assert int(out.strip()) < 200 * 1024
  del ballast
