"""The IFT input pipeline: drops over-long pairs (counted), pads to fixed shapes, shuffles
deterministically, splits the global batch over processes, and resumes from its iterator state."""

import numpy as np
import pytest

from bite_jax.data import batching
from bite_jax.data.prompts import Example, make_example
from bite_jax.data.records import Pair
from tests.helpers.checkpoints import TokenizerWithoutEos


def _examples(n: int) -> list[Example]:
  # Example k has prompt [k, k] and response [100 + k], then EOS 2: ids identify the example.
  return [make_example([k, k], [100 + k], 2) for k in range(n)]


def test_pairs_longer_than_max_len_are_dropped_and_counted(tokenizer):
  pairs = [
    Pair('python', 'x = 1', 'print(1)'),
    Pair('python', 'y = 2\n' * 200, 'print(2)'),
    Pair('python', 'z = 3', 'print(3)'),
  ]
  kept, stats = batching.tokenize_pairs(pairs, tokenizer, direction='optimize', max_len=128, log=None)
  assert (stats.total, stats.kept, stats.dropped) == (3, 2, 1)
  assert len(kept) == 2 and all(len(ex) <= 128 for ex in kept)
  assert stats.longest > 128
  assert stats.target_tokens == sum(len(ex) - ex.prompt_len for ex in kept)


def test_drop_count_is_reported(tokenizer):
  lines = []
  batching.tokenize_pairs(
    [Pair('python', 'y = 2\n' * 200, 'print(2)')], tokenizer, direction='degrade', max_len=64, log=lines.append
  )
  assert any('1 dropped' in line and 'max_len=64' in line for line in lines)


def test_example_of_exactly_max_len_tokens_is_kept(tokenizer):
  pair = Pair('python', 'a = 1', 'print(a)')
  [example], _ = batching.tokenize_pairs([pair], tokenizer, direction='optimize', max_len=512, log=None)
  kept, stats = batching.tokenize_pairs([pair], tokenizer, direction='optimize', max_len=len(example), log=None)
  assert stats.dropped == 0 and len(kept) == 1
  _, stats = batching.tokenize_pairs([pair], tokenizer, direction='optimize', max_len=len(example) - 1, log=None)
  assert stats.dropped == 1


def test_padded_row_shifts_targets_and_masks_response_targets():
  example = make_example([7, 8, 9], [20, 21], 2)  # tokens 7 8 9 20 21 2, prompt_len 3
  row = batching.pad_example(example, max_len=8, pad_id=0)
  assert row['inputs'].tolist() == [7, 8, 9, 20, 21, 2, 0, 0]
  assert row['targets'].tolist() == [8, 9, 20, 21, 2, 0, 0, 0]
  # targets 20, 21 and EOS are the response: positions 2, 3, 4
  assert row['mask'].tolist() == [0, 0, 1, 1, 1, 0, 0, 0]
  assert all(row[k].dtype == np.int32 for k in ('inputs', 'targets', 'mask'))


def test_batches_have_fixed_shapes_over_several_epochs():
  ds = batching.make_dataset(_examples(5), batch_size=2, max_len=6, seed=0)
  it = batching.make_iterator(ds)
  for _ in range(12):
    batch = next(it)
    assert {k: v.shape for k, v in batch.items()} == {'inputs': (2, 6), 'targets': (2, 6), 'mask': (2, 6)}


def test_every_epoch_is_a_seeded_permutation():
  ds = batching.make_dataset(_examples(6), batch_size=3, max_len=5, seed=3)
  firsts = [int(ds[i]['inputs'][j, 0]) for i in range(4) for j in range(3)]
  assert sorted(firsts[:6]) == list(range(6)) and sorted(firsts[6:]) == list(range(6))
  assert firsts[:6] != firsts[6:]  # reshuffled per epoch
  again = batching.make_dataset(_examples(6), batch_size=3, max_len=5, seed=3)
  assert firsts == [int(again[i]['inputs'][j, 0]) for i in range(4) for j in range(3)]
  other = batching.make_dataset(_examples(6), batch_size=3, max_len=5, seed=4)
  assert firsts != [int(other[i]['inputs'][j, 0]) for i in range(4) for j in range(3)]


def test_process_shards_together_hold_the_global_batch():
  examples = _examples(10)
  whole = batching.make_dataset(examples, batch_size=4, max_len=5, seed=1)
  shards = [
    batching.make_dataset(examples, batch_size=4, max_len=5, seed=1, shard_index=i, shard_count=2) for i in range(2)
  ]
  for step in range(6):
    expected = sorted(whole[step]['inputs'][:, 0].tolist())
    local = [shard[step]['inputs'] for shard in shards]
    assert all(x.shape == (2, 5) for x in local)
    assert sorted(np.concatenate(local)[:, 0].tolist()) == expected
    # Contiguous blocks: end to end they are the global batch in its order (what mesh.invariant needs).
    assert (np.concatenate(local) == whole[step]['inputs']).all()


def test_iterator_state_resumes_the_same_sequence():
  ds = batching.make_dataset(_examples(7), batch_size=2, max_len=5, seed=0)
  it = batching.make_iterator(ds)
  for _ in range(3):
    next(it)
  state = it.get_state()
  expected = [next(it)['inputs'][:, 0].tolist() for _ in range(5)]
  resumed = batching.make_iterator(ds)
  resumed.set_state(state)
  assert [next(resumed)['inputs'][:, 0].tolist() for _ in range(5)] == expected


def test_batch_not_divisible_by_process_count_is_an_error():
  with pytest.raises(ValueError, match='batch_size'):
    batching.make_dataset(_examples(4), batch_size=3, max_len=5, seed=0, shard_count=2)


def test_empty_data_is_an_error():
  with pytest.raises(ValueError, match='no training examples'):
    batching.make_dataset([], batch_size=2, max_len=5, seed=0)


def test_epochs_to_steps_counts_whole_global_batches():
  assert batching.epochs_to_steps(2, num_examples=10, batch_size=4) == 5
  assert batching.epochs_to_steps(1, num_examples=3, batch_size=8) == 1


def test_a_tokenizer_without_eos_ends_responses_with_the_model_configs(tokenizer):
  pairs = [Pair(language='python', slow='print(1)\n', fast='print(2)\n')]
  no_eos = TokenizerWithoutEos(tokenizer)
  examples, _ = batching.tokenize_pairs(pairs, no_eos, direction='optimize', max_len=512, log=None, eos_id=5)
  assert examples[0].tokens[-1] == 5
  with pytest.raises(ValueError, match='no eos_token'):
    batching.tokenize_pairs(pairs, no_eos, direction='optimize', max_len=512, log=None)


def _sized(lengths: list[int]) -> list[Example]:
  # Example k: prompt [k] * (n - 2), response [100 + k], then EOS: len n, first id k.
  return [make_example([k] * (n - 2), [100 + k], 2) for k, n in enumerate(lengths)]


def test_bucket_lengths_halve_from_max_len_in_multiples_of_8():
  assert batching.bucket_lengths(512, 1) == (512,)
  assert batching.bucket_lengths(512, 3) == (128, 256, 512)
  assert batching.bucket_lengths(100, 3) == (32, 56, 100)
  assert batching.bucket_lengths(5, 4) == (5,)
  with pytest.raises(ValueError, match='length_buckets'):
    batching.bucket_lengths(512, 0)


def test_length_buckets_pad_each_batch_to_the_shortest_bucket_that_holds_it():
  examples = _sized([10, 12, 30, 60, 9, 11])
  ds = batching.make_dataset(examples, batch_size=2, max_len=64, seed=0, length_buckets=3)
  for step in range(9):
    batch = ds[step]
    longest = max(len(examples[k]) for k in batch['inputs'][:, 0].tolist())
    width = batch['inputs'].shape[1]
    assert width == min(n for n in (16, 32, 64) if n >= longest)
    plain = batching.make_dataset(examples, batch_size=2, max_len=64, seed=0)[step]
    # The same examples in the same order; the padding alone differs and stays out of the loss.
    assert (plain['inputs'][:, :width] == batch['inputs']).all() and plain['mask'][:, width:].sum() == 0
    assert (plain['mask'][:, :width] == batch['mask']).all()


def test_length_buckets_give_every_process_the_same_row_length():
  examples = _sized([10, 12, 30, 60, 9, 11, 20, 8])
  whole = batching.make_dataset(examples, batch_size=4, max_len=64, seed=2, length_buckets=3)
  shards = [
    batching.make_dataset(examples, batch_size=4, max_len=64, seed=2, shard_index=i, shard_count=2, length_buckets=3)
    for i in range(2)
  ]
  for step in range(6):
    local = [shard[step]['inputs'] for shard in shards]
    assert {x.shape for x in local} == {(2, whole[step]['inputs'].shape[1])}
    assert sorted(np.concatenate(local)[:, 0].tolist()) == sorted(whole[step]['inputs'][:, 0].tolist())
