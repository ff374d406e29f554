"""Preference records for DPO: a program, a faster and a slower rewrite of it, and their padded batches.

A preference file is JSONL, one object per line:
  {"src": program shown in the prompt, "chosen": the faster rewrite, "rejected": the slower one,
   "language": "python", "problem_id": optional}
A line in our pair format ({"language", "slow", "fast"}) is read as src = slow, chosen = fast,
rejected = slow: the model should rewrite, not copy.

The prompt is the optimizer editor's (bite_jax.data.prompts, direction 'optimize') for `src`; each
response is `chosen` or `rejected` followed by EOS, tokenised exactly as IFT tokenises a response.
A record becomes two IFT-style rows (bite_jax.data.batching.pad_example): the loss mask is 1 on
response tokens only. A batch holds both rows of every record: int32 arrays [pairs, 2, L], index 0
of the middle axis the chosen row and 1 the rejected one, both padded to the same length L
(max_len, or the shortest length bucket that holds the batch's longest row).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Sequence
from pathlib import Path

import grain
import numpy as np

from bite_jax.data.batching import bucket_lengths, pad_example, process_rows
from bite_jax.data.pairs import PairFormatError, read_records
from bite_jax.data.prompts import OPTIMIZE, Example, build_prompt, eos_token_id, make_example
from bite_jax.data.records import normalize_language, required_str

_TOKENIZE_CHUNK = 256
ROW_KEYS = ('inputs', 'targets', 'mask')


class PreferenceFormatError(PairFormatError):
  """A preferences file line that is not a valid preference record; the message names file:line and field."""


@dataclasses.dataclass(frozen=True)
class Preference:
  """A program `src` in `language`, a preferred rewrite `chosen` (faster) and a dispreferred one `rejected`."""

  language: str
  src: str
  chosen: str
  rejected: str
  problem_id: str | None = None


def preference_from_record(record, language: str | None = None) -> Preference:
  """One JSON object (preference or pair format) as a Preference; ValueError names the bad field.

  language: the language of a record that names none; None makes such a record an error.
  """
  if not isinstance(record, dict):
    raise ValueError(f'expected a JSON object, got {type(record).__name__}')
  if record.get('language') not in (None, ''):
    try:
      lang = normalize_language(record['language'])
    except ValueError as e:
      raise ValueError(f"field 'language': {e}") from None
  elif language is not None:
    lang = normalize_language(language)
  else:
    raise ValueError("missing field 'language' (say the file's language, e.g. --config.data.language=cpp)")
  problem_id = record.get('problem_id')
  problem_id = None if problem_id is None else str(problem_id)
  if 'src' in record or 'chosen' in record or 'rejected' in record:
    src, chosen, rejected = (required_str(record, k) for k in ('src', 'chosen', 'rejected'))
    return Preference(lang, src, chosen, rejected, problem_id)
  if 'slow' in record or 'fast' in record:
    slow, fast = required_str(record, 'slow'), required_str(record, 'fast')
    return Preference(lang, slow, fast, slow, problem_id)
  raise ValueError("missing fields 'src', 'chosen', 'rejected' (or a pair's 'slow', 'fast')")


def read_preferences(path: str | Path, language: str | None = None) -> list[Preference]:
  """All preference records of a JSONL file (blank lines skipped).

  Raises:
    FileNotFoundError: the file does not exist.
    PreferenceFormatError: 'FILE:LINE: why' for a line that is not JSON or not a record.
  """
  return read_records(
    path, lambda record: preference_from_record(record, language), PreferenceFormatError, 'preferences'
  )


def write_preferences(path: str | Path, preferences: Sequence[Preference]) -> Path:
  """Writes preference records as JSONL; returns the path."""
  path = Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  with path.open('w', encoding='utf-8') as f:
    for p in preferences:
      f.write(json.dumps(dataclasses.asdict(p), ensure_ascii=False) + '\n')
  return path


@dataclasses.dataclass(frozen=True)
class PreferenceExample:
  """The two tokenised rows of one record: the same prompt, then the chosen or the rejected response + EOS."""

  chosen: Example
  rejected: Example

  def __len__(self) -> int:
    return max(len(self.chosen), len(self.rejected))


@dataclasses.dataclass(frozen=True)
class PreferenceStats:
  """What tokenisation kept: records, and response tokens (chosen + rejected, EOS included)."""

  total: int
  kept: int
  dropped: int  # a row longer than max_len tokens
  max_len: int
  longest: int
  target_tokens: int

  def summary(self) -> str:
    return (
      f'{self.kept}/{self.total} preference records kept, {self.dropped} dropped as longer than '
      f'max_len={self.max_len} tokens (longest {self.longest}); {self.target_tokens} response tokens'
    )


def tokenize_preferences(
  preferences: Sequence[Preference], tokenizer, *, max_len: int, log=print, eos_id: int | None = None
) -> tuple[list[PreferenceExample], PreferenceStats]:
  """Tokenises every record's two rows; drops a record whose longer row exceeds `max_len` tokens.

  eos_id: the EOS id to use when the tokenizer has none (the model config's eos_token_id).
  Returns (kept examples in input order, counts).
  """
  if max_len < 2:
    raise ValueError(f'max_len: must be >= 2 tokens, got {max_len}')
  eos = eos_token_id(tokenizer, fallback=eos_id)
  kept, dropped, longest, target_tokens = [], 0, 0, 0
  last_log = time.time()
  for lo in range(0, len(preferences), _TOKENIZE_CHUNK):
    chunk = preferences[lo : lo + _TOKENIZE_CHUNK]
    prompts = tokenizer([build_prompt(p.language, p.src, OPTIMIZE) for p in chunk], add_special_tokens=False)
    chosen = tokenizer([p.chosen for p in chunk], add_special_tokens=False)
    rejected = tokenizer([p.rejected for p in chunk], add_special_tokens=False)
    for p_ids, c_ids, r_ids in zip(prompts['input_ids'], chosen['input_ids'], rejected['input_ids']):
      example = PreferenceExample(make_example(p_ids, c_ids, eos), make_example(p_ids, r_ids, eos))
      longest = max(longest, len(example))
      if len(example) > max_len:
        dropped += 1
        continue
      kept.append(example)
      target_tokens += sum(len(ex) - ex.prompt_len for ex in (example.chosen, example.rejected))
    if log and time.time() - last_log > 10:
      done = lo + len(chunk)
      log(f'[data] tokenised {done}/{len(preferences)} preference records')
      last_log = time.time()
  stats = PreferenceStats(len(preferences), len(kept), dropped, max_len, longest, target_tokens)
  if log:
    log(f'[data] {stats.summary()}')
  return kept, stats


def pad_preferences(
  examples: Sequence[PreferenceExample], lengths: Sequence[int], pad_id: int, rows: slice
) -> dict[str, np.ndarray]:
  """Rows `rows` of a global batch as int32 [pairs, 2, L] arrays (chosen, rejected), L the shortest of
  `lengths` that holds the global batch's longest row."""
  longest = max(len(ex) for ex in examples)
  length = next((n for n in lengths if n >= longest), None)
  if length is None:
    raise ValueError(f'example of {longest} tokens does not fit max_len={max(lengths)}')
  padded = [[pad_example(row, length, pad_id) for row in (ex.chosen, ex.rejected)] for ex in examples[rows]]
  return {key: np.stack([np.stack([c[key], r[key]]) for c, r in padded]) for key in ROW_KEYS}


def make_preference_dataset(
  examples: Sequence[PreferenceExample],
  *,
  batch_size: int,
  max_len: int,
  seed: int,
  shard_index: int = 0,
  shard_count: int = 1,
  pad_id: int = 0,
  length_buckets: int = 1,
) -> grain.MapDataset:
  """An endless, seeded, per-epoch reshuffled dataset of this process's local batches ([pairs / shard_count,
  2, L] int32 arrays); the sharding and bucket rules are bite_jax.data.batching.make_dataset's.

  batch_size: records per global batch (each gives two rows).
  """
  if not examples:
    raise ValueError('no preference examples: every record was dropped or the data is empty')
  if batch_size <= 0 or batch_size % shard_count:
    raise ValueError(f'batch_size: {batch_size} must be a positive multiple of the process count {shard_count}')
  lengths = bucket_lengths(max_len, length_buckets)
  rows = process_rows(batch_size, shard_index, shard_count)
  ds = grain.MapDataset.source(list(examples)).shuffle(seed).repeat(None)
  return ds.batch(batch_size, drop_remainder=True, batch_fn=lambda exs: pad_preferences(exs, lengths, pad_id, rows))
