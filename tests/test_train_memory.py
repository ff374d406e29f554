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
  result = bench.measure(bench.parse(['--vocab', '151936', '--batch', '4', '--len', '1024', '--steps', '3']))
  assert result['full_logits_mb'] > 2300
  assert result['peak_rss_mb'] < 1536, result
  assert result['losses'][-1] < result['losses'][0]


def test_a_child_peak_is_its_own_not_its_large_parents(tmp_path):
  # getrusage's ru_maxrss survives exec, so a child of a big pytest process would report the parent's
  # peak; the benchmark reads the child's own high-water mark instead.
  import subprocess
  import sys
  ballast = bytearray(600 * 2**20)
  ballast[::4096] = b'\1' * len(ballast[::4096])  # touch every page so it is resident
  code = ('import importlib.util, sys; spec = importlib.util.spec_from_file_location("m", sys.argv[1]); '
          'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); print(m.own_peak_kb())')
  out = subprocess.run([sys.executable, '-c', code, str(ROOT / 'benchmarks' / 'train_memory.py')],
                       capture_output=True, text=True, check=True).stdout
  assert int(out.strip()) < 200 * 1024
  del ballast
