"""StarCoder2 3B: the paper's settings (h=5, m=10, temperature 1.0, lr 1e-5, 2 epochs).

Point --config.model.hf_path at the Hugging Face checkpoint directory and
--config.data.pairs / --config.data.roots at CodeNet/PIE data.
"""

from bite_jax import config as bite_config


def get_config():
  return bite_config.paper_config('starcoder2_3b')
