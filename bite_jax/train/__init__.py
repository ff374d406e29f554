"""Instruction fine-tuning: the loop (`train_ift`), its sharded step, chunked losses, optimizer,
Orbax checkpoints and metrics. Trained directories are read with bite_jax.models.load_trained.
"""

from bite_jax.train.loop import train_ift

__all__ = ['train_ift']
