"""Sampler(invariant=True): a sample's tokens do not depend on the prompts decoded beside it.

The model's output rows come in pairs whose weights differ by rounding-level noise, so greedy decoding
flips between the two tokens of a pair whenever the arithmetic of a step changes in its last bits. The
ordinary sampler (row count, prompt padding and cache length chosen per batch) then gives a prompt other
tokens alone than among other prompts; the invariant sampler gives the same ones.
"""

import jax.numpy as jnp
import numpy as np
import pytest

from bite_jax.models import from_pretrained
from bite_jax.sample import Sampler
from tests.helpers.checkpoints import make_qwen2_checkpoint

VOCAB = 300
BUCKETS = dict(length_buckets=(16, 32, 64, 128), batch_buckets=(1, 2, 4, 8))
LENGTHS = (5, 20, 70)  # buckets 16, 32, 128: prefill and cache shapes differ per batch


@pytest.fixture(scope='module')
def model(tmp_path_factory):
  model = from_pretrained(
    make_qwen2_checkpoint(tmp_path_factory.mktemp('near_ties'), vocab=VOCAB, init_std=0.3, tie=False)
  )
  rng = np.random.default_rng(0)
  kernel = np.array(model.lm_head.kernel[...])  # [hidden, vocab]
  kernel[:, 1::2] = kernel[:, 0::2] * (1 + 1e-7 * rng.standard_normal(kernel[:, 0::2].shape))
  model.lm_head.kernel[...] = jnp.asarray(kernel)
  return model


@pytest.fixture(scope='module')
def prompts():
  rng = np.random.default_rng(1)
  return [rng.integers(0, VOCAB, n).tolist() for n in LENGTHS]


def _alone_and_together(sampler, prompts, **settings):
  """Each prompt's samples: in one call with all the prompts, and alone."""
  keys = list(range(len(prompts)))

  def tokens(result):
    return [[s.token_ids for s in samples] for samples in result]

  together = tokens(sampler.generate(prompts, prompt_keys=keys, **settings))
  alone = [tokens(sampler.generate([p], prompt_keys=[k], **settings))[0] for k, p in zip(keys, prompts)]
  return together, alone


def test_invariant_samples_are_the_same_alone_and_among_other_prompts(model, prompts):
  settings = dict(num_samples=2, max_new_tokens=16, greedy=True)
  together, alone = _alone_and_together(Sampler(model, max_batch=8, invariant=True, **BUCKETS), prompts, **settings)
  assert together == alone
  # the check has teeth: the ordinary sampler's tokens change with the company
  together, alone = _alone_and_together(Sampler(model, max_batch=8, **BUCKETS), prompts, **settings)
  assert together != alone


def test_invariant_sampler_keeps_one_decode_shape_and_splits_samples_over_rows(model, prompts):
  sampler = Sampler(model, max_batch=4, invariant=True, **BUCKETS)
  result = sampler.generate(prompts[:2], num_samples=6, max_new_tokens=6, seed=0)  # 6 samples > 4 rows
  assert [[(s.prompt_index, s.sample_index) for s in r] for r in result] == [
    [(p, j) for j in range(6)] for p in range(2)
  ]
  assert all(1 <= len(s.token_ids) <= 6 for r in result for s in r)
  # every decode and refill call had the 4 rows, every prefill one prompt of its own length bucket
  assert {key[1] for key in sampler._compiled if key[0] == 'decode'} == {4}
  refills = [key for key in sampler._compiled if key[0] == 'refill']
  assert {(key[1], key[2], key[3]) for key in refills} == {(1, 16, 4), (1, 32, 4)}


def test_invariant_needs_length_buckets_that_are_multiples_of_the_smallest(model):
  with pytest.raises(ValueError, match=r'length_buckets=\(16, 24\): with invariant=True'):
    Sampler(model, max_batch=8, invariant=True, length_buckets=(16, 24))
