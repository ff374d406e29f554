"""A short DPO run whose own peak RSS is the measurement (run by tests/train/test_dpo_memory.py):

  python -m tests.helpers.dpo_memory_child BASE OUT --pairs 4 --len 1024 --steps 2

Trains `--steps` DPO steps from the checkpoint BASE into OUT on synthetic preference records padded to
[pairs, 2, len] (a checkpoint after every step), then prints one JSON line: {"losses": [...], "peak_kb":
this process's peak RSS in KiB}. JAX only: torch is never imported here, so the peak is the trainer's.
"""

import argparse
import json
from pathlib import Path

from bite_jax import config as bite_config
from bite_jax.data.preferences import Preference
from bite_jax.train.dpo import train_dpo
from bite_jax.train.metrics import read_metrics
from tests.helpers.rss import own_peak_kb


def synthetic_records(count: int = 32, lines: int = 40) -> list[Preference]:
  """Records with a long prompt (`lines` assignments) and short chosen / rejected responses."""
  body = '\n'.join(f'x{i} = {i} * {i}' for i in range(lines))
  return [
    Preference(
      'python',
      src=f'{body}\nprint(sum(range({k})))\n',
      chosen=f'print({k * (k - 1) // 2})\n',
      rejected=f'print(sum(i for i in range({k})))\n',
    )
    for k in range(count)
  ]


def main(argv=None) -> None:
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('base', type=Path)
  parser.add_argument('out', type=Path)
  parser.add_argument('--pairs', type=int, required=True)
  parser.add_argument('--len', type=int, required=True)
  parser.add_argument('--steps', type=int, required=True)
  args = parser.parse_args(argv)

  config = bite_config.base_config()
  dpo = config.dpo
  dpo.steps, dpo.batch_size, dpo.max_len = args.steps, args.pairs, args.len
  dpo.checkpoint_every, dpo.lr, dpo.warmup_steps = 1, 1e-3, 1
  train_dpo(
    dpo,
    config.model,
    config.mesh,
    args.out,
    base_dir=str(args.base),
    records=synthetic_records(lines=40 * args.len // 1024),
    log=None,
  )
  losses = [r['loss'] for r in read_metrics(args.out / 'metrics.jsonl')]
  print(json.dumps({'losses': losses, 'peak_kb': own_peak_kb()}), flush=True)


if __name__ == '__main__':
  main()
