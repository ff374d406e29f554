"""CPU demo: a small model trained from scratch on the bundled mini benchmark."""

from bite_jax import config as bite_config


def get_config():
  c = bite_config.base_config()
  c.model.preset = 'tiny'
  for ift in bite_config.training_sections(c):
    ift.lr = 3e-3
    ift.warmup_steps = 5
    ift.epochs = 0
    ift.steps = 80
    ift.batch_size = 8
    ift.max_len = 896  # the longest bundled pair is ~850 tokens with the demo tokenizer
    ift.checkpoint_every = 20
  c.sample.max_new_tokens = 384
  c.tree.height = 2
  c.tree.width = 2
  c.evaluate.methods = 'direct'
  return c
