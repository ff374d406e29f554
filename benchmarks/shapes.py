"""Named model shapes for the throughput benchmarks (`--shape=NAME`, a comma list for several).

Each preset fixes a model shape (always a Qwen2 decoder with tied embeddings and random weights;
head_dim = hidden / heads) and the work each benchmark does with it: `train` settings for
train_throughput.py, `sample` settings for sample_throughput.py and profile_steps.py. Keys are the
benchmarks' flag names. A flag given on the command line wins over the preset; a flag the preset
leaves out keeps its default, so `small` is the scripts' earlier default shape (its MLP size and
vocabularies are each script's own defaults: --intermediate 512 for training and 256 for sampling).

  tiny      the smallest shape that exercises every code path (tests, smoke runs)
  small     hidden 128, 2 layers, 4 heads, 2 KV heads: the scripts' defaults
  demo      the CPU demo's editors: hidden 128, MLP 384, 4 layers, 4 heads (head_dim 32), 2 KV
            heads, vocab 4096; IFT 16 x 384; sampling 32 rows (4 prompts x 8), prompts of 180-220
            tokens, 320 new tokens
  compute   hidden 256, MLP 1024, 4 layers, 8 heads, 2 KV heads, vocab 4096; IFT 8 x 256;
            sampling 8 prompts x 10 samples x 128 new tokens at temperature 1
  qwen0.5b  Qwen2.5-0.5B: hidden 896, MLP 4864, 24 layers, 14 heads (head_dim 64), 2 KV heads,
            vocab 151936; IFT 1 x 256, one step per round beside torch eager only (every torch
            variant holds its own model, gradients and AdamW state: 8 GB each); a short sampling run
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any


@dataclasses.dataclass(frozen=True)
class Shape:
  """One preset: `model` flag values shared by the benchmarks, and per-benchmark `train` / `sample`
  flag values (run sizes, and any flag a benchmark should take differently for this shape)."""

  name: str
  model: dict[str, Any]
  train: dict[str, Any] = dataclasses.field(default_factory=dict)
  sample: dict[str, Any] = dataclasses.field(default_factory=dict)

  def settings(self, section: str) -> dict[str, Any]:
    """Flag values for one benchmark (`train` or `sample`): the model's, then the section's."""
    if section not in ('train', 'sample'):
      raise ValueError(f"Shape.settings: section {section!r} is not 'train' or 'sample'")
    values = dict(self.model)
    values.update(getattr(self, section))
    if 'vocab' in values:
      values['vocab'] = [str(values['vocab'])]  # the scripts' --vocab is a list
    return values


SHAPES: dict[str, Shape] = {
  shape.name: shape
  for shape in (
    Shape(
      'tiny',
      model=dict(vocab=256, hidden=32, intermediate=64, layers=1, heads=2, kv_heads=1),
      train=dict(batch=2, len=32),
      sample=dict(prompts=2, samples=2, new_tokens=8, prompt_len=8),
    ),
    Shape('small', model=dict(hidden=128, layers=2, heads=4, kv_heads=2)),
    Shape(
      'demo',
      model=dict(vocab=4096, hidden=128, intermediate=384, layers=4, heads=4, kv_heads=2),
      train=dict(batch=16, len=384),
      sample=dict(prompts=4, samples=8, new_tokens=320, prompt_len=220, prompt_min=180),
    ),
    Shape(
      'compute',
      model=dict(vocab=4096, hidden=256, intermediate=1024, layers=4, heads=8, kv_heads=2),
      train=dict(batch=8, len=256),
      sample=dict(prompts=8, samples=10, new_tokens=128, prompt_len=64),
    ),
    Shape(
      'qwen0.5b',
      model=dict(vocab=151936, hidden=896, intermediate=4864, layers=24, heads=14, kv_heads=2),
      train=dict(batch=1, len=256, steps=1, rounds=2, torch=['eager']),
      sample=dict(prompts=2, samples=2, new_tokens=32, prompt_len=64),
    ),
  )
}


def check_names(names: list[str]) -> bool:
  """True when every name is a preset (the --shape validator)."""
  return all(name in SHAPES for name in names)


def resolve(flag_values, names: list[str], section: str) -> list[tuple[str, types.SimpleNamespace]]:
  """(shape name, settings) per requested shape: the flags' values with the preset's on top, except
  flags given on the command line, which win. No names: the flags alone, under the name 'flags'.

  `flag_values` is an absl FlagValues (its `present` flags are the ones given) or a plain dict of
  defaults, none of which counts as given.
  """
  if isinstance(flag_values, dict):
    values, given = dict(flag_values), set()
  else:
    values = flag_values.flag_values_dict()
    given = {name for name in values if flag_values[name].present}
  if not names:
    return [('flags', types.SimpleNamespace(**values))]
  out = []
  for name in names:
    if name not in SHAPES:
      raise ValueError(f'unknown shape {name!r}: expected one of {", ".join(SHAPES)}')
    merged = dict(values)
    merged.update({k: v for k, v in SHAPES[name].settings(section).items() if k not in given})
    out.append((name, types.SimpleNamespace(**merged)))
  return out
