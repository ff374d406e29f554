"""Sampler behaviour on a tiny random Qwen2 checkpoint with a byte-level tokenizer."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from bite_jax.models import from_pretrained, load_tokenizer
from bite_jax.sample import Sampler
from tests.helpers.checkpoints import make_qwen2_checkpoint

VOCAB = 300
BUCKETS = dict(length_buckets=(16, 32, 64), batch_buckets=(1, 2, 4, 8))
PROMPTS = [[5, 9, 11, 40, 7], [100, 3, 8, 250, 17, 66, 12], [31, 32] * 20]


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
  return make_qwen2_checkpoint(tmp_path_factory.mktemp('qwen2'), vocab=VOCAB, with_tokenizer=True, init_std=0.3)


@pytest.fixture(scope='module')
def model(checkpoint):
  return from_pretrained(checkpoint)


@pytest.fixture(scope='module')
def tokenizer(checkpoint):
  return load_tokenizer(checkpoint)


@pytest.fixture(scope='module')
def sampler(model, tokenizer):
  return Sampler(model, tokenizer, max_batch=8, **BUCKETS)


def _tokens(result):
  return [[s.token_ids for s in samples] for samples in result]


def test_result_holds_m_indexed_samples_per_prompt(sampler):
  result = sampler.generate(PROMPTS, num_samples=3, max_new_tokens=6, seed=0)
  assert len(result) == 3
  for i, samples in enumerate(result):
    assert [(s.prompt_index, s.sample_index) for s in samples] == [(i, 0), (i, 1), (i, 2)]
    assert all(1 <= len(s.token_ids) <= 6 and all(0 <= t < VOCAB for t in s.token_ids) for s in samples)
  assert len({tuple(s.token_ids) for s in result[0]}) == 3


def test_same_seed_gives_the_same_samples_and_another_seed_others(sampler):
  a = sampler.generate(PROMPTS, num_samples=2, max_new_tokens=8, seed=3)
  b = sampler.generate(PROMPTS, num_samples=2, max_new_tokens=8, seed=3)
  c = sampler.generate(PROMPTS, num_samples=2, max_new_tokens=8, seed=4)
  assert _tokens(a) == _tokens(b)
  assert _tokens(a) != _tokens(c)


def test_samples_do_not_depend_on_the_other_prompts_of_their_batch(sampler, model, tokenizer):
  together = sampler.generate(PROMPTS, num_samples=3, max_new_tokens=8, seed=11)
  # One prompt per batch, without the long third prompt: other padding, other batch shapes.
  alone = Sampler(model, tokenizer, max_batch=3, **BUCKETS).generate(
    PROMPTS[:2], num_samples=3, max_new_tokens=8, seed=11
  )
  assert _tokens(together)[:2] == _tokens(alone)


def test_samples_split_over_batches_equal_samples_in_one_batch(sampler, model, tokenizer):
  one_batch = sampler.generate(PROMPTS[:1], num_samples=8, max_new_tokens=8, seed=5)
  split = Sampler(model, tokenizer, max_batch=2, **BUCKETS).generate(
    PROMPTS[:1], num_samples=8, max_new_tokens=8, seed=5
  )
  assert _tokens(one_batch) == _tokens(split)


def test_repeated_calls_in_the_same_buckets_compile_nothing_new(model):
  sampler = Sampler(model, max_batch=8, **BUCKETS)
  sampler.generate(PROMPTS[:2], num_samples=2, max_new_tokens=5, seed=0)
  compiled = sampler.compile_count
  assert compiled == 3  # the empty rows, one refill and one decode program
  # Other prompts, lengths, seeds, temperatures and max_new_tokens that round to the same buckets.
  sampler.generate([[1, 2, 3], [4] * 16], num_samples=2, max_new_tokens=12, seed=9)
  sampler.generate([[7] * 9, [8] * 2], num_samples=2, max_new_tokens=16, temperature=0.5, seed=1)
  assert sampler.compile_count == compiled
  assert sampler.stats.compile_seconds == 0.0
  sampler.generate([[1] * 20, [2] * 3], num_samples=2, max_new_tokens=5)  # a longer prompt bucket
  assert sampler.compile_count == compiled + 3


def test_max_new_tokens_bounds_every_sample(model):
  sampler = Sampler(model, max_batch=8, eos_token_ids=(), **BUCKETS)
  result = sampler.generate(PROMPTS, num_samples=2, max_new_tokens=7, seed=0)
  assert {(len(s.token_ids), s.finish_reason) for samples in result for s in samples} == {(7, 'length')}
  assert sampler.stats.generated_tokens == 3 * 2 * 7


def test_eos_ends_a_sample_and_is_kept_in_its_tokens_only(model, tokenizer):
  free = Sampler(model, tokenizer, max_batch=8, eos_token_ids=(), **BUCKETS)
  full = free.generate(PROMPTS[:1], num_samples=1, max_new_tokens=12, greedy=True)[0][0].token_ids
  eos = full[5] if full[5] not in full[:5] else full[0]
  cut = full.index(eos) + 1
  stopping = Sampler(model, tokenizer, max_batch=8, eos_token_ids=(eos,), **BUCKETS)
  sample = stopping.generate(PROMPTS[:1], num_samples=1, max_new_tokens=12, greedy=True)[0][0]
  assert sample.token_ids == full[:cut] and sample.finish_reason == 'eos'
  assert sample.text == tokenizer.decode(full[: cut - 1])


def test_stop_string_ends_a_sample_and_is_cut_from_its_text(model, tokenizer):
  free = Sampler(model, tokenizer, max_batch=8, eos_token_ids=(), stop_check_interval=4, **BUCKETS)
  full = free.generate(PROMPTS, num_samples=1, max_new_tokens=24, greedy=True)
  text = full[0][0].text
  stop = next(c for c in text[len(text) // 3 :] if c.isascii() and c.isprintable() and not c.isspace())
  stopped = free.generate(PROMPTS, num_samples=1, max_new_tokens=24, greedy=True, stop_strings=[stop])
  for before, after in zip(full, stopped):
    before, after = before[0], after[0]
    if stop in before.text:
      assert after.finish_reason == 'stop' and stop not in after.text
      assert after.token_ids == before.token_ids[: len(after.token_ids)]
      assert stop in tokenizer.decode(after.token_ids)
      assert stop not in tokenizer.decode(after.token_ids[:-1])
      assert after.text == tokenizer.decode(after.token_ids)[: tokenizer.decode(after.token_ids).find(stop)]
    else:
      assert after == before
  assert stopped[0][0].finish_reason == 'stop'


def test_text_prompts_are_tokenised_without_special_tokens(sampler, tokenizer):
  text = 'def f(x):\n    return x'
  ids = tokenizer(text, add_special_tokens=False)['input_ids']
  by_text = sampler.generate([text], num_samples=2, max_new_tokens=6, seed=2)
  by_ids = sampler.generate([ids], num_samples=2, max_new_tokens=6, seed=2)
  assert _tokens(by_text) == _tokens(by_ids)
  assert by_text[0][0].text == tokenizer.decode(by_text[0][0].token_ids)


def test_stream_yields_each_batch_once_and_covers_every_sample(sampler):
  prompts = [[i + 3] * (i + 1) for i in range(5)]
  batches = list(sampler.stream(prompts, num_samples=2, max_new_tokens=3, seed=0))
  rows = [(s.prompt_index, s.sample_index) for batch in batches for s in batch]
  assert sorted(rows) == [(p, s) for p in range(5) for s in range(2)]
  assert len(batches) == 2 and all(len(batch) <= 8 for batch in batches)


def test_bfloat16_greedy_tokens_are_the_models_own_argmax(checkpoint):
  model = from_pretrained(checkpoint, dtype=jnp.bfloat16)
  sample = Sampler(model, max_batch=8, eos_token_ids=(), **BUCKETS).generate(
    PROMPTS[:1], num_samples=1, max_new_tokens=10, greedy=True
  )[0][0]
  sequence = jnp.asarray([PROMPTS[0] + sample.token_ids])
  logits = jax.jit(lambda m, x: m(x))(model, sequence)[0]
  teacher_forced = np.asarray(jnp.argmax(logits[len(PROMPTS[0]) - 1 : -1], axis=-1)).tolist()
  assert np.mean(np.array(teacher_forced) == np.array(sample.token_ids)) >= 0.9


@pytest.mark.parametrize(
  'kwargs,match',
  [
    (dict(num_samples=0), 'num_samples'),
    (dict(max_new_tokens=0), 'max_new_tokens'),
    (dict(top_p=0.0), 'top_p'),
    (dict(top_k=-2), 'top_k'),
    (dict(temperature=-1.0), 'temperature'),
    (dict(seed=-1), 'seed'),
    (dict(stop_strings='###'), 'stop_strings'),
  ],
)
def test_bad_arguments_are_rejected(sampler, kwargs, match):
  args = dict(num_samples=1, max_new_tokens=4) | kwargs
  with pytest.raises(ValueError, match=match):
    sampler.stream(PROMPTS, **args)  # checked before the first batch is requested


@pytest.mark.parametrize(
  'prompts,match',
  [
    ([[1, 2], []], r'prompts\[1\]: empty'),
    ([[1, VOCAB]], r'prompts\[0\]: token id 300'),
    ('a single string', 'one string'),
  ],
)
def test_bad_prompts_are_rejected(sampler, prompts, match):
  with pytest.raises(ValueError, match=match):
    sampler.generate(prompts, num_samples=1, max_new_tokens=4)


def test_text_prompts_and_stop_strings_need_a_tokenizer(model):
  sampler = Sampler(model, max_batch=8, **BUCKETS)
  with pytest.raises(ValueError, match='tokenizer'):
    sampler.generate(['print(1)'], num_samples=1, max_new_tokens=4)
  with pytest.raises(ValueError, match='tokenizer'):
    sampler.generate(PROMPTS, num_samples=1, max_new_tokens=4, stop_strings=['\n'])


def test_prompt_keys_seed_samples_whatever_the_prompts_position(sampler):
  default = sampler.generate(PROMPTS, num_samples=2, max_new_tokens=8, seed=7)
  assert _tokens(sampler.generate(PROMPTS, num_samples=2, max_new_tokens=8, seed=7, prompt_keys=[0, 1, 2])) == _tokens(
    default
  )
  keyed = sampler.generate(PROMPTS, num_samples=2, max_new_tokens=8, seed=7, prompt_keys=[901, 17, 2**31 - 1])
  moved = sampler.generate(PROMPTS[1:][::-1], num_samples=2, max_new_tokens=8, seed=7, prompt_keys=[2**31 - 1, 17])
  assert _tokens(moved) == _tokens(keyed)[1:][::-1]
  assert _tokens(keyed)[0] != _tokens(default)[0]


@pytest.mark.parametrize(
  'keys,match', [([1, 2], '2 keys for 3 prompts'), ([0, -1, 3], 'outside'), ([0, 1, 2**31], 'outside')]
)
def test_bad_prompt_keys_are_rejected(sampler, keys, match):
  with pytest.raises(ValueError, match=match):
    sampler.generate(PROMPTS, num_samples=1, max_new_tokens=2, prompt_keys=keys)


def _plain_batches_cost(samples, num_prompts, num_samples, max_batch):
  """Row x step cost of decoding without refills: each batch of whole prompts runs as long as its longest sample."""
  per_batch = max_batch // num_samples
  lengths = [max(len(s.token_ids) for s in samples[p]) for p in range(num_prompts)]
  order = sorted(range(num_prompts), key=lambda p: len(PROMPTS_MANY[p]))
  return sum(max_batch * max(lengths[p] for p in order[i : i + per_batch]) for i in range(0, num_prompts, per_batch))


PROMPTS_MANY = [[(7 * i + j) % 250 + 3 for j in range(3 + i % 7)] for i in range(12)]


def test_finished_rows_take_waiting_prompts_and_samples_stay_the_same(model):
  """With EOS likely (a fifth of the vocabulary), samples end at very different lengths; finished rows
  are refilled with waiting prompts, and every sample equals the one drawn for its prompt alone."""
  eos = tuple(range(0, 256, 5))
  sampler = Sampler(model, max_batch=8, eos_token_ids=eos, **BUCKETS)
  out = sampler.generate(PROMPTS_MANY, num_samples=2, max_new_tokens=24, seed=3)
  lengths = [len(s.token_ids) for row in out for s in row]
  assert min(lengths) < 6 and max(lengths) > 12, lengths  # a real spread
  stats = sampler.stats
  assert stats.refills > 3  # prompts joined while others were decoding
  assert stats.busy_row_steps == sum(lengths) - len(lengths)  # each row's first token comes from its refill
  # Without refills each batch would run as long as its longest sample.
  assert stats.row_steps < _plain_batches_cost(out, len(PROMPTS_MANY), 2, 8)
  for p, prompt in enumerate(PROMPTS_MANY):
    alone = Sampler(model, max_batch=8, eos_token_ids=eos, **BUCKETS).generate(
      [prompt], num_samples=2, max_new_tokens=24, prompt_keys=[p], seed=3
    )[0]
    assert [s.token_ids for s in alone] == [s.token_ids for s in out[p]], p
    assert [s.finish_reason for s in out[p]] == ['eos' if s.token_ids[-1] in eos else 'length' for s in out[p]]


def test_refilled_rows_grow_the_cache_for_longer_prompts(model):
  """A longer prompt arriving after shorter ones gets more cache slots without changing anyone's samples."""
  prompts = [[5, 6, 7], [8, 9], [31, 32] * 20]  # lengths bucketed 16, 16, 64
  sampler = Sampler(model, max_batch=2, eos_token_ids=(), **BUCKETS)
  out = sampler.generate(prompts, num_samples=2, max_new_tokens=6, seed=5)
  assert any(key[0] == 'grow' for key in sampler._compiled)
  for p, prompt in enumerate(prompts):
    alone = Sampler(model, max_batch=2, eos_token_ids=(), **BUCKETS).generate(
      [prompt], num_samples=2, max_new_tokens=6, prompt_keys=[p], seed=5
    )[0]
    assert [s.token_ids for s in alone] == [s.token_ids for s in out[p]]


def test_token_columns_round_to_the_smallest_bucket_not_the_next_power(model):
  """max_new_tokens=40 with buckets (16, 32, 64) decodes over 48 columns (every step attends over them), not 64."""
  sampler = Sampler(model, max_batch=2, eos_token_ids=(), **BUCKETS)
  out = sampler.generate([[5, 6, 7]], num_samples=2, max_new_tokens=40, seed=0)
  assert [len(s.token_ids) for s in out[0]] == [40, 40]
  decode_keys = [key for key in sampler._compiled if key[0] == 'decode']
  assert [(key[2], key[3]) for key in decode_keys] == [(16 + 48, 48)]  # (cache slots, token columns)
