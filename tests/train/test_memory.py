"""IFT with Qwen's 151,936-row vocabulary at batch 4 x 1024 stays under 1.5 GB peak RSS on CPU
(the full float32 logits alone would be 2.5 GB): tests.helpers.train_memory_child trains in a subprocess
and reports its own peak."""

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import paths
from tests.helpers.checkpoints import make_qwen2_checkpoint, save_tiny_tokenizer

VOCAB, BATCH, LENGTH, STEPS = 151936, 4, 1024, 3


def _large_vocab_base(directory: Path) -> Path:
  """A random Qwen2 with the full Qwen vocabulary (hidden 64, 2 layers) and a small tokenizer."""
  make_qwen2_checkpoint(
    directory,
    vocab=VOCAB,
    hidden=64,
    intermediate=4 * 64,
    layers=2,
    heads=4,
    kv_heads=2,
    tie=True,
    init_std=0.02,
    max_positions=max(2048, LENGTH),
  )
  save_tiny_tokenizer(directory)
  return directory


def _measure(base: Path, out: Path, checkpoint_every: int) -> dict:
  """Trains STEPS steps in a child process; {'peak_rss_mb' (the child's own, MiB), 'losses', 'full_logits_mb'}."""
  cmd = [
    sys.executable,
    '-m',
    'tests.helpers.train_memory_child',
    str(base),
    str(out),
    f'--batch={BATCH}',
    f'--len={LENGTH}',
    f'--steps={STEPS}',
    f'--checkpoint-every={checkpoint_every}',
  ]
  proc = subprocess.run(cmd, capture_output=True, text=True, cwd=paths.REPO, timeout=900)
  assert proc.returncode == 0, proc.stderr[-4000:]
  report = json.loads(proc.stdout.strip().splitlines()[-1])
  return {
    'peak_rss_mb': report['peak_kb'] / 1024,
    'losses': report['losses'],
    'full_logits_mb': BATCH * LENGTH * VOCAB * 4 / 2**20,
    'checkpoint_every': checkpoint_every,
  }


def test_peak_rss_with_qwen_vocabulary_stays_under_1_5_gb(tmp_path):
  base = _large_vocab_base(tmp_path / 'base')
  every_step = _measure(base, tmp_path / 'every_step', checkpoint_every=1)
  assert every_step['full_logits_mb'] > 2300
  assert every_step['peak_rss_mb'] < 1536, every_step
  assert every_step['losses'][-1] < every_step['losses'][0]
  # A checkpoint save hands its host copies back: saving before each step costs little over saving
  # once at the end (without that it was ~220 MiB more, params + optimizer state).
  at_end = _measure(base, tmp_path / 'at_end', checkpoint_every=0)
  assert every_step['peak_rss_mb'] - at_end['peak_rss_mb'] < 100, (every_step, at_end)


def test_a_child_peak_is_its_own_not_its_large_parents():
  # getrusage's ru_maxrss survives exec, so a child of a big pytest process would report the parent's
  # peak; the measuring child reads its own high-water mark instead.
  ballast = bytearray(600 * 2**20)
  ballast[::4096] = b'\1' * len(ballast[::4096])  # touch every page so it is resident
  code = 'from tests.helpers.rss import own_peak_kb; print(own_peak_kb())'
  out = subprocess.run([sys.executable, '-c', code], cwd=paths.REPO, capture_output=True, text=True, check=True).stdout
  assert int(out.strip()) < 200 * 1024
  del ballast
