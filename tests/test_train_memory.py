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
