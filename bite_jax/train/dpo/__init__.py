"""Direct Preference Optimisation: the run (`train_dpo`), its sharded step and its loss.

Preference records and their batches are bite_jax.data.preferences'.
"""

from bite_jax.train.dpo.loop import train_dpo
from bite_jax.train.dpo.loss import dpo_loss, pair_logps, sequence_logps
from bite_jax.train.dpo.step import make_dpo_step

__all__ = ['dpo_loss', 'make_dpo_step', 'pair_logps', 'sequence_logps', 'train_dpo']
