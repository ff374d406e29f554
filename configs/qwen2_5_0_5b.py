"""Qwen2.5 0.5B: the paper's settings (h=5, m=10, temperature 1.0, lr 1e-5, 2 epochs).

Point --config.model.hf_path at the Hugging Face checkpoint directory and
--config.data.pairs / --config.data.roots at CodeNet/PIE data.
"""

from bite_jax import defaults


def get_config():
  c = defaults.base_config()
  c.model.preset = 'qwen2_5_0_5b'
  c.model.dtype = 'bfloat16'
  c.model.param_dtype = 'float32'
  c.model.remat = True
  c.mesh.fsdp = -1
  c.mesh.data = 1
  for ift in (c.ift, c.editors.optimizer, c.editors.degrader, c.pkac):
    ift.lr = 1e-5
    ift.epochs = 2
    ift.steps = 0
    ift.batch_size = 32
    ift.max_len = 2048
    ift.checkpoint_every = 500
  c.sample.temperature = 1.0
  c.sample.max_new_tokens = 1024
  c.tree.height = 5
  c.tree.width = 10
  c.evaluate.methods = 'direct,rag,refine'
  return c
