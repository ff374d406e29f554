"""Batched KV-cache sampling: `Sampler` (bite_jax.sample.sampler) and its command line (cli).

sampler = Sampler(model, tokenizer, max_batch=64)
for samples in sampler.stream(prompts, num_samples=10, max_new_tokens=512, seed=0): ...
"""

from bite_jax.sample.sampler import FINISH_REASONS, Sample, Sampler, load_sampler

__all__ = ['FINISH_REASONS', 'Sample', 'Sampler', 'load_sampler']
