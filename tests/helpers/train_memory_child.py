"""A short IFT run whose own peak RSS is the measurement (run by tests/train/test_memory.py):

  python -m tests.helpers.train_memory_child BASE OUT --batch 4 --len 1024 --steps 3 --checkpoint-every 1

Trains `--steps` steps from the checkpoint BASE into OUT on synthetic pairs that fill [batch, len], then
prints one JSON line: {"losses": [...], "peak_kb": this process's peak RSS in KiB}. JAX only: torch is
never imported here, so the peak is the trainer's.
"""

import argparse
import json
from pathlib import Path

from bite_jax import config as bite_config
from bite_jax.data.records import Pair
from bite_jax.train import train_ift
from bite_jax.train.metrics import read_metrics
from tests.helpers.rss import own_peak_kb


def main(argv=None) -> None:
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('base', type=Path)
  parser.add_argument('out', type=Path)
  parser.add_argument('--batch', type=int, required=True)
  parser.add_argument('--len', type=int, required=True)
  parser.add_argument('--steps', type=int, required=True)
  parser.add_argument('--checkpoint-every', type=int, required=True, help='0: only at the end')
  args = parser.parse_args(argv)

  config = bite_config.base_config()
  ift = config.ift
  ift.steps, ift.batch_size, ift.max_len = args.steps, args.batch, args.len
  ift.checkpoint_every, ift.lr, ift.warmup_steps = args.checkpoint_every or args.steps, 1e-3, 1
  body = '\n'.join(f'x{i} = {i} * {i}' for i in range(40))
  pairs = [
    Pair(language='python', slow=f'{body}\nprint(sum(range({k})))\n', fast=f'print({k * (k - 1) // 2})\n')
    for k in range(64)
  ]
  train_ift(ift, config.model, config.mesh, args.out, base_dir=str(args.base), pairs=pairs, log=None)
  losses = [r['loss'] for r in read_metrics(args.out / 'metrics.jsonl')]
  print(json.dumps({'losses': losses, 'peak_kb': own_peak_kb()}), flush=True)


if __name__ == '__main__':
  main()
