"""The tiny DPO setup shared by the DPO tests and their subprocess children: synthetic preference records
and a short `config.dpo`."""

from bite_jax import config as bite_config
from bite_jax.data.preferences import Preference


def synthetic_preferences(n: int = 16) -> list[Preference]:
  """Python records: a loop (src), its closed form (chosen) and a slower loop (rejected)."""
  return [
    Preference(
      'python',
      src=f'total = 0\nfor i in range({k}):\n    total += i\nprint(total)\n',
      chosen=f'print({k} * {k - 1} // 2)\n',
      rejected=f'total = 0\nfor i in range({k}):\n    for j in range(i):\n        total += 1\nprint(total + 0)\n',
      problem_id=f'p{k}',
    )
    for k in range(3, 3 + n)
  ]


def dpo_config(**overrides):
  config = bite_config.base_config()
  dpo = config.dpo
  dpo.lr, dpo.warmup_steps, dpo.epochs, dpo.batch_size, dpo.max_len = 2e-4, 1, 0, 4, 256
  dpo.checkpoint_every, dpo.steps, dpo.beta = 2, 4, 0.1
  for key, value in overrides.items():
    dpo[key] = value
  return config
