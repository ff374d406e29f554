"""The editors' instruction prompts (BITE, Appendix B) and their tokenisation.

Prompt layout, parts joined by one newline:

    Below is a {LANGUAGE} program. Optimize the program and provide a more efficient version.
    ### {LANGUAGE} Code:
    {CODE}
    ### Optimized Version:

The degrader's first line is "Degenerate the program and provide a less
efficient versions." (the paper's wording, typo included) and its last header
"### Degraded Version:".

Choices made here (training, sampling and evaluation all share them):
- The prompt ends with a newline after the final header, so the response (the
  target program) starts on its own line and the model never has to emit that
  newline itself.
- Trailing newlines of CODE are stripped so exactly one newline separates it
  from the next header; the response is the target program verbatim + EOS.
- Prompt and response are tokenised separately (no special tokens added) and
  their ids concatenated, so the loss-mask boundary is exact.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from bite_jax.data.records import LANGUAGE_NAMES, normalize_language

OPTIMIZE = 'optimize'
DEGRADE = 'degrade'
DIRECTIONS = (OPTIMIZE, DEGRADE)

_INSTRUCTIONS = {
  OPTIMIZE: 'Optimize the program and provide a more efficient version.',
  DEGRADE: 'Degenerate the program and provide a less efficient versions.',
}
_RESPONSE_HEADERS = {
  OPTIMIZE: '### Optimized Version:',
  DEGRADE: '### Degraded Version:',
}


def check_direction(direction: str) -> str:
  """Returns `direction` if it is 'optimize' or 'degrade', else raises ValueError."""
  if direction not in DIRECTIONS:
    raise ValueError(f'direction: {direction!r} is not one of {", ".join(DIRECTIONS)}')
  return direction


def build_prompt(language: str, code: str, direction: str) -> str:
  """The instruction prompt for one program.

  Args:
    language: a language key or name ('python', 'C++', 'cpp', ...).
    code: the program to edit.
    direction: 'optimize' (slow -> fast, the optimizer) or 'degrade' (the degrader).

  Returns:
    The prompt text, ending with the response header and a newline.
  """
  name = LANGUAGE_NAMES[normalize_language(language)]
  check_direction(direction)
  parts = [
    f'Below is a {name} program. {_INSTRUCTIONS[direction]}',
    f'### {name} Code:',
    code.rstrip('\n'),
    _RESPONSE_HEADERS[direction],
  ]
  return '\n'.join(parts) + '\n'


def eos_token_id(tokenizer, fallback: int | None = None) -> int:
  """The tokenizer's end-of-sequence id, else `fallback` (the model config's eos_token_id, as
  transformers' generation falls back to it); raises ValueError when neither has one."""
  eos = getattr(tokenizer, 'eos_token_id', None)
  if eos is None:
    eos = fallback
  if eos is None:
    raise ValueError(
      f'tokenizer {getattr(tokenizer, "name_or_path", tokenizer)!r} has no eos_token and the '
      'model config has no eos_token_id; set eos_token in tokenizer_config.json or '
      'eos_token_id in config.json'
    )
  return int(eos)


def _encode(tokenizer, text: str) -> list[int]:
  return list(tokenizer(text, add_special_tokens=False)['input_ids'])


def encode_prompt(tokenizer, language: str, code: str, direction: str) -> list[int]:
  """Token ids of `build_prompt(language, code, direction)`, exactly as training sees them."""
  return _encode(tokenizer, build_prompt(language, code, direction))


@dataclasses.dataclass(frozen=True)
class PromptedPair:
  """A training item whose prompt is already written (the training-based baselines' formats:
  performance tags, trajectories, diffs); the response is trained on, followed by EOS."""

  language: str
  prompt: str
  response: str


@dataclasses.dataclass(frozen=True)
class Example:
  """One tokenised instruction example: prompt ids followed by response ids and EOS.

  Attributes:
    tokens: int32 [n] token ids.
    prompt_len: how many leading tokens belong to the prompt (no loss there).
  """

  tokens: np.ndarray
  prompt_len: int

  def __len__(self) -> int:
    return int(self.tokens.shape[0])

  @property
  def response_mask(self) -> np.ndarray:
    """int32 [n]: 1 on response tokens (the target program and EOS), 0 on the prompt."""
    mask = np.ones(len(self), np.int32)
    mask[: self.prompt_len] = 0
    return mask


def make_example(prompt_ids, response_ids, eos_id: int) -> Example:
  """Concatenates already-tokenised prompt and response ids and appends EOS."""
  tokens = np.asarray([*prompt_ids, *response_ids, eos_id], np.int32)
  return Example(tokens=tokens, prompt_len=len(prompt_ids))


def build_example(
  tokenizer, language: str, source: str, target: str, direction: str, *, eos_id: int | None = None
) -> Example:
  """Tokenises one (source program -> target program) instruction example.

  Args:
    tokenizer: a Hugging Face tokenizer (AutoTokenizer).
    language: the programs' language.
    source: the program shown in the prompt (slow for 'optimize', fast for 'degrade').
    target: the program the editor must write (the response).
    direction: 'optimize' or 'degrade'.
    eos_id: the EOS id to use when the tokenizer has none (the model config's eos_token_id).

  Returns:
    An Example whose response part is `target` followed by the tokenizer's EOS (else `eos_id`).
  """
  prompt_ids = encode_prompt(tokenizer, language, source, direction)
  return make_example(prompt_ids, _encode(tokenizer, target), eos_token_id(tokenizer, fallback=eos_id))
