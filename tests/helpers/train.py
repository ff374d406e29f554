"""The tiny IFT setup shared by the training tests and their subprocess children: a random Qwen2 base,
synthetic pairs a tiny model starts to learn in a few steps, and a short IFT config."""

from pathlib import Path

from bite_jax import config as bite_config
from bite_jax.data.records import Pair
from tests.helpers.checkpoints import make_qwen2_checkpoint


def make_base(directory: Path) -> Path:
  """A tiny random Qwen2 (vocab 320) with a byte-level tokenizer (eos id 2)."""
  return make_qwen2_checkpoint(directory, with_tokenizer=True, vocab=320, seed=0)


def synthetic_pairs(n: int = 24) -> list[Pair]:
  """Python (slow loop, closed form) pairs that a tiny model can start to learn in a few steps."""
  return [
    Pair(
      'python',
      f'total = 0\nfor i in range({k}):\n    total += i\nprint(total)\n',
      f'print({k} * {k - 1} // 2)\n',
      problem_id=f'p{k}',
    )
    for k in range(3, 3 + n)
  ]


def ift_config(**overrides):
  config = bite_config.base_config()
  ift = config.ift
  ift.lr, ift.warmup_steps, ift.epochs, ift.batch_size, ift.max_len = 3e-3, 2, 0, 4, 256
  ift.checkpoint_every, ift.steps = 3, 6
  for key, value in overrides.items():
    ift[key] = value
  return config
