"""Training: instruction fine-tuning (`train_ift`: the loop, its sharded step, chunked losses, optimizer,
Orbax checkpoints and metrics) and DPO (`train_dpo`, bite_jax.train.dpo, on the same machinery).
Trained directories are read with bite_jax.models.load_trained.
"""

from bite_jax.train.dpo import train_dpo
from bite_jax.train.loop import train_ift

__all__ = ['train_dpo', 'train_ift']
