"""CPU demo: BITE end to end on the bundled mini benchmark, from a small model trained from scratch.

What it shows: a model trained from scratch on two CPU cores cannot learn to optimize unseen programs in
minutes, but it can learn its training programs well. The editors are trained on the train split's pairs
(src -> expert, slow -> src, and src -> mid -> expert where a problem has a middle version), so from each
train task's src the optimizer proposes the faster versions it learned and the degrader the slower one;
the executor confirms or prunes every sampled child, the trees keep what it confirms, and the easy /
medium / hard levels and the three PKAC stages fill from them. The evaluation scores the test split
(unseen: expect ~0) and, apart, the train split (seen).

Choices made to finish in well under 30 minutes on 2 cores: three languages (C, C++, Python: cheap to
compile and run), a 4-layer, 128-wide model (1.3M parameters) with a 4096-token BPE trained on the bundled programs whose merges may
span spaces (so a line of code is a few tokens), length-bucketed batches, trees of height 2 and width 2.
`--config.data.languages=` runs all five languages.
"""

from bite_jax import config as bite_config


def get_config():
  c = bite_config.base_config()
  c.data.languages = 'c,cpp,python'
  c.model.preset = 'demo'
  c.model.tokenizer_vocab = 4096
  c.model.tokenizer_split_words = False
  # Training gives the same bits on 1 device or process as on 2, 4 or 8: the demo grows the same trees
  # whether it runs on one host or several (bite_jax.train.invariant).
  c.mesh.invariant = 8
  c.sample.invariant = True  # and the same samples: bite_jax.sample.Sampler's `invariant`
  for ift in (c.ift, c.editors.optimizer, c.editors.degrader):
    ift.lr = 1e-2
    ift.warmup_steps = 10
    ift.epochs = 0
    ift.steps = 800
    ift.decay_steps = 800  # cosine to min_lr_ratio: the low-rate end is where the programs are learned exactly
    ift.min_lr_ratio = 0.02
    ift.batch_size = 16
    ift.max_len = 384
    ift.length_buckets = 3
    ift.checkpoint_every = 250
  c.editors.degrader.direction = 'degrade'
  c.pkac.lr = 1e-2
  c.pkac.warmup_steps = 10
  c.pkac.epochs = 0
  c.pkac.steps = 200
  c.pkac.decay_steps = 200
  c.pkac.min_lr_ratio = 0.02
  c.pkac.batch_size = 16
  c.pkac.max_len = 384
  c.pkac.length_buckets = 3
  c.pkac.checkpoint_every = 100
  # Mercury-DPO baseline (--config.evaluate.baselines=mercury-dpo or all): DPO from the optimizer editor.
  c.dpo.lr = 1e-3
  c.dpo.warmup_steps = 10
  c.dpo.epochs = 0
  c.dpo.steps = 100
  c.dpo.decay_steps = 100
  c.dpo.batch_size = 8
  c.dpo.max_len = 384
  c.dpo.length_buckets = 3
  c.dpo.checkpoint_every = 50
  c.sample.max_new_tokens = 320
  c.sample.batch_size = 32
  c.tree.height = 2
  c.tree.width = 2
  c.evaluate.methods = 'direct'
  c.evaluate.seen_split = 'train'
  return c
