"""The sampler against transformers on tiny random checkpoints: greedy parity and sampling law."""

import math

import numpy as np
import pytest

from bite_jax.models import from_pretrained
from bite_jax.sample import Sampler
from tests.helpers.checkpoints import hf_greedy, hf_logits, make_qwen2_checkpoint, make_starcoder2_checkpoint

VOCAB = 128
BUCKETS = dict(length_buckets=(16, 32), batch_buckets=(4, 8, 64, 512))
MAX_NEW = 14


def _prompts():
  rng = np.random.RandomState(0)
  return [rng.randint(3, VOCAB, n).tolist() for n in (9, 3, 12, 6)]


@pytest.mark.parametrize('kind', ['qwen2_tied', 'qwen2_untied', 'starcoder2_window'])
def test_greedy_equals_transformers_generate_for_left_padded_prompts(tmp_path, kind):
  if kind == 'starcoder2_window':
    # prompt + generated tokens (up to 26) run far past the 5-token window.
    directory = make_starcoder2_checkpoint(tmp_path, vocab=VOCAB, sliding_window=5, init_std=0.3)
  else:
    directory = make_qwen2_checkpoint(tmp_path, vocab=VOCAB, tie=kind == 'qwen2_tied', init_std=0.3)
  prompts = _prompts()
  free = hf_greedy(directory, prompts, MAX_NEW, eos=VOCAB + 1)  # an id never produced
  # Make a token that row 0 produces mid-way the EOS, so rows stop at different steps.
  eos = free[0][MAX_NEW // 2]
  expected = hf_greedy(directory, prompts, MAX_NEW, eos=eos)
  assert any(len(row) < MAX_NEW for row in expected)
  sampler = Sampler(from_pretrained(directory), max_batch=8, eos_token_ids=(eos,), **BUCKETS)
  result = sampler.generate(prompts, num_samples=1, max_new_tokens=MAX_NEW, greedy=True)
  assert [samples[0].token_ids for samples in result] == expected
  reasons = [samples[0].finish_reason for samples in result]
  assert reasons == ['eos' if row[-1] == eos else 'length' for row in expected]


# ------------------------------------------------------------------------------ sampling law


@pytest.fixture(scope='module')
def law(tmp_path_factory):
  """(sampler, prompt, float64 logits of the prompt's next token) for a tiny Qwen2."""
  directory = make_qwen2_checkpoint(tmp_path_factory.mktemp('law'), vocab=VOCAB, init_std=0.5)
  prompt = [7, 99, 23, 54, 3]
  logits = hf_logits(directory, np.array([prompt]))[0, -1].astype(np.float64)
  sampler = Sampler(from_pretrained(directory), max_batch=512, eos_token_ids=(), **BUCKETS)
  return sampler, prompt, logits


def _softmax(x):
  e = np.exp(x - x.max())
  return e / e.sum()


def _first_tokens(sampler, prompt, n, **kwargs):
  result = sampler.generate([prompt], num_samples=n, max_new_tokens=1, **kwargs)
  return np.array([s.token_ids[0] for s in result[0]])


def _chi_square(tokens, probs):
  """(statistic, critical value at p = 0.001) with bins of expected count < 5 pooled."""
  counts = np.bincount(tokens, minlength=len(probs)).astype(np.float64)
  expected = probs * len(tokens)
  small = expected < 5
  obs = np.append(counts[~small], counts[small].sum())
  exp = np.append(expected[~small], expected[small].sum())
  keep = exp > 0
  stat = float(np.sum((obs[keep] - exp[keep]) ** 2 / exp[keep]))
  df = int(keep.sum()) - 1
  # Wilson-Hilferty approximation of the chi-square quantile, z = 3.09 (p = 0.001).
  crit = df * (1 - 2 / (9 * df) + 3.09 * math.sqrt(2 / (9 * df))) ** 3
  return stat, crit


@pytest.mark.parametrize('temperature', [1.0, 0.7])
def test_first_tokens_follow_the_models_softmax(law, temperature):
  sampler, prompt, logits = law
  tokens = _first_tokens(sampler, prompt, 4096, temperature=temperature, seed=1)
  stat, crit = _chi_square(tokens, _softmax(logits / temperature))
  assert stat < crit, (stat, crit)
  # The test has power: the same samples are far from a mismatched temperature.
  wrong, _ = _chi_square(tokens, _softmax(logits / (temperature * 1.5)))
  assert wrong > crit, (wrong, crit)


def test_top_k_samples_only_and_all_of_the_k_most_likely(law):
  sampler, prompt, logits = law
  tokens = _first_tokens(sampler, prompt, 1024, top_k=5, seed=2)
  assert set(tokens.tolist()) == set(np.argsort(-logits)[:5].tolist())


def test_top_p_samples_only_from_the_nucleus(law):
  sampler, prompt, logits = law
  probs = _softmax(logits)
  order = np.argsort(-probs)
  before = np.cumsum(probs[order]) - probs[order]
  nucleus = set(order[before < 0.3].tolist())
  tokens = _first_tokens(sampler, prompt, 1024, top_p=0.3, seed=3)
  assert set(tokens.tolist()) == nucleus and len(nucleus) < VOCAB // 4
