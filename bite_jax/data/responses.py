"""The program inside an editor's response (the text generated after `### Optimized Version:`).

The editors are trained to write the target program and then EOS (bite_jax.data.prompts). A
response may still run on into another prompt header (`### Python Code:`, `### Optimized
Version:`...), wrap the program in a markdown fence, or stop at max_new_tokens mid-program;
`extract_program` handles all three and says which case it saw.
"""

from __future__ import annotations

import re

STATUSES = ('ok', 'empty', 'truncated')
FINISH_REASONS = ('eos', 'stop', 'length')

# A prompt header line: "###", a space, words, a final colon (e.g. "### C++ Code:").
_HEADER = re.compile(r'^###[ \t]+\S[^\n]*:[ \t]*$', re.MULTILINE)
_FENCE = re.compile(r'^[ \t]*```[^\n]*$', re.MULTILINE)


def _first_fenced_block(text: str) -> tuple[str, bool] | None:
  """(contents of the first ``` block, whether it was closed), or None when text has no fence."""
  opening = _FENCE.search(text)
  if opening is None:
    return None
  body_start = opening.end() + 1
  closing = _FENCE.search(text, body_start)
  if closing is None:
    return text[body_start:], False
  return text[body_start : closing.start()], True


def _trim_blank_lines(code: str) -> str:
  """Drops blank lines at both ends (indentation of the first code line is kept); ends with '\\n'."""
  lines = code.split('\n')
  while lines and not lines[0].strip():
    lines.pop(0)
  while lines and not lines[-1].strip():
    lines.pop()
  return '\n'.join(line.rstrip() for line in lines) + '\n' if lines else ''


def extract_program(text: str, finish_reason: str) -> tuple[str, str]:
  """(code, status) of one generated response.

  Args:
    text: the generated text after the prompt, without EOS (bite_jax.sample.Sample.text).
    finish_reason: 'eos', 'stop' or 'length' (the sample ran out of max_new_tokens).

  Returns:
    code: the text up to the next `### ...:` header line, the first markdown-fenced block taken
      out of its fence, blank lines trimmed at both ends ('' when nothing is left).
    status: 'empty' when no code is left; 'truncated' when generation hit max_new_tokens before
      the program ended (no EOS, header, stop string or closing fence after it); else 'ok'.
  """
  if not isinstance(text, str):
    raise ValueError(f'extract_program: text must be a str, got {type(text).__name__}')
  if finish_reason not in FINISH_REASONS:
    raise ValueError(f'extract_program: finish_reason={finish_reason!r} is not one of {FINISH_REASONS}')
  complete = finish_reason != 'length'
  header = _HEADER.search(text)
  if header is not None:
    text, complete = text[: header.start()], True
  block = _first_fenced_block(text)
  if block is not None:
    text, closed = block
    complete = complete or closed
  code = _trim_blank_lines(text)
  if not code:
    return '', 'empty'
  return code, 'ok' if complete else 'truncated'
