"""The editor a tree asks for children: anything that streams m samples per prompt.

`grow_tree` needs only `editor.stream(prompts, num_samples, seed)` yielding lists of samples
(objects with prompt_index, sample_index, text, finish_reason) as they complete, so tests plug
in a fake. An editor that also has `stream_keyed(prompts, keys, num_samples, seed)` seeds each
prompt's samples by its key instead of its position; the tree passes a key derived from the parent
node, so a rerun after a kill regenerates exactly the children it lost. `SamplerEditor` adapts
bite_jax.sample.Sampler with the `sample.*` settings and has both.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from bite_jax.sample.sampler import load_sampler

DEFAULT_STOP_STRINGS = ('\n###',)  # a response that runs on into a new prompt header is complete


class EditorSample(Protocol):
  prompt_index: int
  sample_index: int
  text: str | None
  finish_reason: str


class Editor(Protocol):
  """Streams `num_samples` responses per prompt, batch by batch as they complete."""

  def stream(self, prompts: list[str], num_samples: int, seed: int) -> Iterator[list[EditorSample]]: ...


class SamplerEditor:
  """An Editor over a bite_jax.sample.Sampler (one trained editor model).

  Args:
    sampler: a Sampler with a tokenizer.
    max_new_tokens: most generated tokens per child program.
    temperature, top_p, top_k: sampling law (temperature 0 = greedy).
    stop_strings: a sample ends once its text contains one of them.
    name: how tree nodes name the editor that drew them (load_editor: the model directory).
  """

  def __init__(
    self,
    sampler,
    *,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_p: float = 1.0,
    top_k: int = 0,
    stop_strings: Sequence[str] = DEFAULT_STOP_STRINGS,
    name: str | None = None,
  ):
    if sampler.tokenizer is None:
      raise ValueError('SamplerEditor: the sampler needs a tokenizer (prompts and children are text)')
    self.sampler = sampler
    self.max_new_tokens = int(max_new_tokens)
    self.temperature = float(temperature)
    self.top_p = float(top_p)
    self.top_k = int(top_k)
    self.stop_strings = tuple(stop_strings)
    self.name = name or type(sampler).__name__

  @classmethod
  def from_config(cls, sampler, sample_cfg, name: str | None = None) -> SamplerEditor:
    """Settings from the `sample` config section (temperature, top_p, top_k, max_new_tokens)."""
    return cls(
      sampler,
      name=name,
      max_new_tokens=sample_cfg.max_new_tokens,
      temperature=sample_cfg.temperature,
      top_p=sample_cfg.top_p,
      top_k=sample_cfg.top_k,
    )

  def stream(self, prompts: list[str], num_samples: int, seed: int) -> Iterator[list]:
    """Sampler.stream with this editor's settings; yields lists of bite_jax.sample.Sample."""
    return self.stream_keyed(prompts, None, num_samples, seed)

  def stream_keyed(self, prompts: list[str], keys: Sequence[int] | None, num_samples: int, seed: int) -> Iterator[list]:
    """`stream`, with prompt i's samples seeded by keys[i] (in [0, 2**31)) instead of i."""
    return self.sampler.stream(
      prompts,
      num_samples=num_samples,
      max_new_tokens=self.max_new_tokens,
      temperature=self.temperature,
      top_p=self.top_p,
      top_k=self.top_k,
      seed=seed,
      stop_strings=self.stop_strings,
      prompt_keys=keys,
    )


def load_editor(model_dir: str | Path, sample_cfg, *, mesh=None) -> SamplerEditor:
  """A SamplerEditor for a trained editor directory (the `final/` dir written by IFT).

  sample_cfg: the `sample` config section; `batch_size` is the sampler's rows per batch, `invariant`
  makes every sample independent of the others decoded with it (Sampler's `invariant`).
  """
  invariant = bool(sample_cfg.get('invariant', False))
  sampler = load_sampler(model_dir, mesh=mesh, max_batch=int(sample_cfg.batch_size), invariant=invariant)
  return SamplerEditor.from_config(sampler, sample_cfg, name=str(model_dir))
