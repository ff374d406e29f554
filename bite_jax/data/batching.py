"""The IFT input pipeline: tokenise pairs once, then a grain dataset of padded batches.

Each row holds one example, right-padded to the batch's row length (packing would
let attention cross example boundaries; the decoder's mask only knows padding).
The row length is `max_len`, or with length buckets the shortest of
`bucket_lengths(max_len, k)` that holds the longest example of the global batch,
so short examples do not pay for the longest (each length compiles its own step).
With right padding and causal attention a real token never attends to a pad,
so no attention mask is needed; the loss mask is 0 on the prompt and on pads.

Row layout for an example of n <= max_len tokens t[0..n-1] (prompt_len p):
  inputs[i]  = t[i]      for i < n, pad after
  targets[i] = t[i + 1]  for i < n - 1, pad after
  mask[i]    = 1 where targets[i] is a response token (i + 1 >= p), else 0

The dataset is an infinite, seeded, per-epoch reshuffled stream; process k of
P reads elements k, k + P, ... so the P local batches of step s together hold
exactly global elements [s * B, (s + 1) * B) whatever P is.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence

import grain
import numpy as np

from bite_jax.data.pairs import source_and_target
from bite_jax.data.prompts import Example, PromptedPair, build_prompt, check_direction, eos_token_id, make_example
from bite_jax.data.records import Pair

_TOKENIZE_CHUNK = 512


@dataclasses.dataclass(frozen=True)
class TokenizeStats:
  """What tokenisation kept: counts of pairs and response (target) tokens."""

  total: int
  kept: int
  dropped: int  # longer than max_len tokens (prompt + response + EOS)
  max_len: int
  longest: int  # tokens of the longest example seen, kept or not
  target_tokens: int  # response tokens (incl. EOS) over the kept examples

  def summary(self) -> str:
    return (
      f'{self.kept}/{self.total} pairs kept, {self.dropped} dropped as longer than '
      f'max_len={self.max_len} tokens (longest {self.longest}); '
      f'{self.target_tokens} target tokens'
    )


def prompt_and_response(item: Pair | PromptedPair, direction: str) -> tuple[str, str]:
  """The prompt and response texts of one training item: a Pair through the editor prompt of
  `direction`; a PromptedPair (the training-based baselines' own formats) as it is."""
  if isinstance(item, PromptedPair):
    return item.prompt, item.response
  source, target = source_and_target(item, direction)
  return build_prompt(item.language, source, direction), target


def tokenize_pairs(
  pairs: Sequence[Pair | PromptedPair],
  tokenizer,
  *,
  direction: str,
  max_len: int,
  log=print,
  eos_id: int | None = None,
) -> tuple[list[Example], TokenizeStats]:
  """Tokenises every pair into an Example and drops those longer than `max_len`.

  Args:
    pairs: the (slow, fast) pairs, or PromptedPairs whose prompt and response are already written.
    tokenizer: a Hugging Face tokenizer.
    direction: 'optimize' (prompt slow, respond fast) or 'degrade' (the reverse).
    max_len: the row length in tokens; an example fits when prompt + response + EOS <= max_len.
    log: where progress and the drop count go (None: silent).
    eos_id: the EOS id to use when the tokenizer has none (the model config's eos_token_id).

  Returns:
    (kept examples in input order, counts).
  """
  check_direction(direction)
  if max_len < 2:
    raise ValueError(f'max_len: must be >= 2 tokens, got {max_len}')
  eos = eos_token_id(tokenizer, fallback=eos_id)
  kept, dropped, longest, target_tokens = [], 0, 0, 0
  start = last_log = time.time()
  for lo in range(0, len(pairs), _TOKENIZE_CHUNK):
    chunk = pairs[lo : lo + _TOKENIZE_CHUNK]
    prompts, targets = zip(*(prompt_and_response(p, direction) for p in chunk))
    prompts = list(prompts)
    prompt_ids = tokenizer(prompts, add_special_tokens=False)['input_ids']
    response_ids = tokenizer(list(targets), add_special_tokens=False)['input_ids']
    for p_ids, r_ids in zip(prompt_ids, response_ids):
      example = make_example(p_ids, r_ids, eos)
      longest = max(longest, len(example))
      if len(example) > max_len:
        dropped += 1
        continue
      kept.append(example)
      target_tokens += len(example) - example.prompt_len
    if log and time.time() - last_log > 10:
      done = lo + len(chunk)
      log(f'[data] tokenised {done}/{len(pairs)} pairs ({done / (time.time() - start):.0f} pairs/s)')
      last_log = time.time()
  stats = TokenizeStats(
    total=len(pairs), kept=len(kept), dropped=dropped, max_len=max_len, longest=longest, target_tokens=target_tokens
  )
  if log:
    log(f'[data] {stats.summary()}')
  return kept, stats


def pad_example(example: Example, max_len: int, pad_id: int = 0) -> dict[str, np.ndarray]:
  """One training row: 'inputs', 'targets' (int32 [max_len]) and 'mask' (int32 [max_len])."""
  n = len(example)
  if n > max_len:
    raise ValueError(f'example of {n} tokens does not fit max_len={max_len}')
  inputs = np.full(max_len, pad_id, np.int32)
  targets = np.full(max_len, pad_id, np.int32)
  mask = np.zeros(max_len, np.int32)
  inputs[:n] = example.tokens
  targets[: n - 1] = example.tokens[1:]
  mask[max(example.prompt_len - 1, 0) : n - 1] = 1
  return {'inputs': inputs, 'targets': targets, 'mask': mask}


def steps_per_epoch(num_examples: int, batch_size: int) -> float:
  """Optimizer steps of `batch_size` global rows that make one pass over the data."""
  return num_examples / batch_size


def bucket_lengths(max_len: int, buckets: int) -> tuple[int, ...]:
  """Row lengths a batch may be padded to, shortest first: max_len / 2**k for k < buckets, rounded up to a
  multiple of 8 (buckets=1: max_len alone)."""
  if buckets < 1:
    raise ValueError(f'length_buckets: {buckets} must be >= 1')
  return tuple(sorted({min(max_len, -(-max_len // 2**k // 8) * 8) for k in range(buckets)}))


def pad_batch(examples: Sequence[Example], lengths: Sequence[int], pad_id: int, rows: slice) -> dict[str, np.ndarray]:
  """The rows `rows` of a global batch, padded to the shortest of `lengths` that holds all its examples."""
  longest = max(len(ex) for ex in examples)
  length = next((n for n in lengths if n >= longest), None)
  if length is None:
    raise ValueError(f'example of {longest} tokens does not fit max_len={max(lengths)}')
  padded = [pad_example(ex, length, pad_id) for ex in examples[rows]]
  return {key: np.stack([row[key] for row in padded]) for key in ('inputs', 'targets', 'mask')}


def process_rows(batch_size: int, shard_index: int, shard_count: int) -> slice:
  """The rows of a global batch that process `shard_index` of `shard_count` holds: one contiguous block,
  so the processes' rows laid end to end (the global array, device by device) are the batch in order."""
  per = batch_size // shard_count
  return slice(shard_index * per, (shard_index + 1) * per)


def make_dataset(
  examples: Sequence[Example],
  *,
  batch_size: int,
  max_len: int,
  seed: int,
  shard_index: int = 0,
  shard_count: int = 1,
  pad_id: int = 0,
  length_buckets: int = 1,
) -> grain.MapDataset:
  """An endless dataset of this process's local batches (dicts of int32 [batch_size / shard_count, L]).

  Args:
    examples: the kept examples.
    batch_size: the global batch (rows per optimizer step over all processes).
    max_len: the longest row, in tokens.
    seed: the shuffle seed; every epoch is reshuffled from it deterministically.
    shard_index, shard_count: this process and the process count (jax.process_index/count).
    pad_id: the id written into padded positions (never attended to, never in the loss).
    length_buckets: 1 pads every row to max_len; k > 1 pads a batch to the shortest of
      bucket_lengths(max_len, k) that holds the longest example of the global batch, the same L on every process.
  """
  if not examples:
    raise ValueError('no training examples: every pair was dropped or the data is empty')
  if batch_size <= 0 or batch_size % shard_count:
    raise ValueError(f'batch_size: {batch_size} must be a positive multiple of the process count {shard_count}')
  if not 0 <= shard_index < shard_count:
    raise ValueError(f'shard_index {shard_index} is not in [0, {shard_count})')
  lengths = bucket_lengths(max_len, length_buckets)
  rows = process_rows(batch_size, shard_index, shard_count)
  ds = grain.MapDataset.source(list(examples)).shuffle(seed).repeat(None)
  return ds.batch(batch_size, drop_remainder=True, batch_fn=lambda exs: pad_batch(exs, lengths, pad_id, rows))


def make_iterator(dataset: grain.MapDataset, *, prefetch: int = 4):
  """A checkpointable iterator (get_state/set_state) over `dataset`."""
  options = grain.ReadOptions(num_threads=1, prefetch_buffer_size=prefetch)
  return iter(dataset.to_iter_dataset(options))


def epochs_to_steps(epochs: float, num_examples: int, batch_size: int) -> int:
  """The number of whole optimizer steps that `epochs` passes over the data take (at least 1)."""
  return max(1, math.floor(epochs * steps_per_epoch(num_examples, batch_size)))
