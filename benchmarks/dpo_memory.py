r"""Peak memory of DPO with a large vocabulary: a subprocess trains a few DPO steps, we read its peak RSS.

  python benchmarks/dpo_memory.py --vocab=151936 --pairs=4 --len=1024 --steps=2

Builds a tiny random Qwen2 checkpoint (hidden --hidden, --layers layers, --vocab rows, tied embeddings)
with a small tokenizer, then runs tests.helpers.dpo_memory_child in a child process (JAX only: no torch
there): `train_dpo` on synthetic preference records padded to [pairs, 2, len], the frozen reference on
the mesh beside the policy, a checkpoint after every step. Reports the child's own peak resident set
size (VmHWM, tests.helpers.rss) in MiB and, for scale, what the policy's full float32 logits of one batch
would take (2 x pairs x len x vocab x 4 bytes: 4.6 GiB at 4 x 1024 x 151,936); the chunked log-probabilities
never build them. The bar tests/train/test_dpo_memory.py holds is 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_base(directory: Path, args) -> Path:
  sys.path.insert(0, str(ROOT))
  from tests.helpers.checkpoints import make_qwen2_checkpoint, save_tiny_tokenizer  # noqa: PLC0415 -- a test helper, found from ROOT

  make_qwen2_checkpoint(
    directory,
    vocab=args.vocab,
    hidden=args.hidden,
    intermediate=4 * args.hidden,
    layers=args.layers,
    heads=4,
    kv_heads=2,
    init_std=0.02,
    max_positions=max(2048, args.len),
  )
  save_tiny_tokenizer(directory)
  return directory


def measure(args) -> dict:
  """Builds the checkpoint, runs the child; returns {'peak_rss_mb' (MiB), 'losses', 'full_logits_mb', ...}."""
  with tempfile.TemporaryDirectory() as tmp:
    base = make_base(Path(tmp) / 'base', args)
    cmd = [
      sys.executable,
      '-m',
      'tests.helpers.dpo_memory_child',
      str(base),
      str(Path(tmp) / 'out'),
      f'--pairs={args.pairs}',
      f'--len={args.len}',
      f'--steps={args.steps}',
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
      raise RuntimeError(f'dpo_memory child failed ({proc.returncode}):\n{proc.stderr[-4000:]}')
  report = json.loads(proc.stdout.strip().splitlines()[-1])
  return {
    'peak_rss_mb': report['peak_kb'] / 1024,
    'losses': report['losses'],
    'full_logits_mb': 2 * args.pairs * args.len * args.vocab * 4 / 2**20,
    **vars(args),
  }


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(prog='python benchmarks/dpo_memory.py', description=__doc__.splitlines()[0])
  parser.add_argument('--vocab', type=int, default=151936, help='vocabulary rows of the checkpoint')
  parser.add_argument('--hidden', type=int, default=64, help='hidden size')
  parser.add_argument('--layers', type=int, default=2, help='decoder layers')
  parser.add_argument('--pairs', type=int, default=4, help='preference pairs per step (two rows each)')
  parser.add_argument('--len', type=int, default=1024, help='tokens per row (records are padded to it)')
  parser.add_argument('--steps', type=int, default=2, help='DPO steps')
  args = parser.parse_args(argv)
  result = measure(args)
  print(
    f'DPO peak RSS {result["peak_rss_mb"]:.0f} MiB for {args.pairs} pairs x 2 x {args.len} tokens with vocab '
    f'{args.vocab} (full float32 logits would be {result["full_logits_mb"]:.0f} MiB); losses {result["losses"]}'
  )
  print(json.dumps(result), flush=True)
  return 0


if __name__ == '__main__':
  sys.exit(main())
