"""Host-side planning for the sampler: shape buckets, batches of (prompt, sample) rows, stop strings."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

DEFAULT_LENGTH_BUCKETS = (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
DEFAULT_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


def round_up(n: int, buckets: Sequence[int]) -> int:
  """Smallest bucket >= n; past the largest bucket, the next multiple of the largest."""
  for bucket in buckets:
    if bucket >= n:
      return bucket
  largest = buckets[-1]
  return -(-n // largest) * largest


def check_buckets(name: str, buckets: Sequence[int]) -> tuple[int, ...]:
  """Sorted, de-duplicated positive bucket sizes; ValueError naming `name` otherwise."""
  values = tuple(sorted({int(b) for b in buckets}))
  if not values or values[0] <= 0:
    raise ValueError(f'{name}={tuple(buckets)}: expected a non-empty list of positive sizes')
  return values


def batch_sizes(buckets: Sequence[int], max_batch: int, multiple: int) -> tuple[int, ...]:
  """Row-count buckets up to max_batch, each rounded up to a multiple of the data-parallel size."""
  if max_batch <= 0 or max_batch % multiple:
    raise ValueError(f'max_batch={max_batch} must be a positive multiple of the data-parallel size {multiple}')
  sizes = {-(-b // multiple) * multiple for b in buckets if b <= max_batch}
  return tuple(sorted(sizes | {max_batch}))


@dataclasses.dataclass(frozen=True)
class Batch:
  """One compiled call: the distinct prompts to prefill and the (prompt, sample) rows to decode.

  prompts: global prompt indices, in prefill-row order. rows: (global prompt index, sample index).
  """

  prompts: tuple[int, ...]
  rows: tuple[tuple[int, int], ...]


def plan_batches(lengths: Sequence[int], num_samples: int, max_batch: int) -> list[Batch]:
  """Groups prompts (sorted by length, so a batch pads little) into batches of <= max_batch rows.

  With num_samples <= max_batch each batch holds whole prompts (all their samples); otherwise each
  prompt's samples are split over several single-prompt batches.
  """
  order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
  batches = []
  if num_samples <= max_batch:
    per_batch = max_batch // num_samples
    for start in range(0, len(order), per_batch):
      prompts = tuple(order[start : start + per_batch])
      rows = tuple((p, s) for p in prompts for s in range(num_samples))
      batches.append(Batch(prompts=prompts, rows=rows))
  else:
    for p in order:
      for start in range(0, num_samples, max_batch):
        rows = tuple((p, s) for s in range(start, min(num_samples, start + max_batch)))
        batches.append(Batch(prompts=(p,), rows=rows))
  return batches


def left_pad(
  prompts: Sequence[Sequence[int]],
  rows: int,
  length: int,
  pad_id: int,
) -> tuple[np.ndarray, np.ndarray]:
  """(input_ids, attention_mask) int32 [rows, length], each prompt right-aligned; extra rows empty."""
  ids = np.full((rows, length), pad_id, np.int32)
  mask = np.zeros((rows, length), np.int32)
  for i, prompt in enumerate(prompts):
    if len(prompt):
      ids[i, length - len(prompt) :] = prompt
      mask[i, length - len(prompt) :] = 1
  return ids, mask


def find_stop(text: str, stop_strings: Sequence[str]) -> int:
  """Character index of the earliest occurrence of any stop string in text, or -1."""
  hits = [i for i in (text.find(s) for s in stop_strings) if i >= 0]
  return min(hits) if hits else -1


def truncate_at_stop(
  token_ids: Sequence[int],
  decode,
  stop_strings: Sequence[str],
) -> tuple[list[int], str] | None:
  """(shortest token prefix whose text contains a stop string, its text cut before that string).

  `decode` maps a token list to text. Returns None when the full text contains no stop string.
  """
  if find_stop(decode(list(token_ids)), stop_strings) < 0:
    return None
  lo, hi = 1, len(token_ids)  # invariant: the prefix of length hi contains a stop string
  while lo < hi:
    mid = (lo + hi) // 2
    if find_stop(decode(list(token_ids[:mid])), stop_strings) >= 0:
      hi = mid
    else:
      lo = mid + 1
  text = decode(list(token_ids[:hi]))
  return list(token_ids[:hi]), text[: find_stop(text, stop_strings)]
