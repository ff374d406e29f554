"""Prompts of the training-based baselines, in the editors' layout (bite_jax.data.prompts): an
instruction line, `### {LANGUAGE} ...:` sections, and a response header followed by a newline.

  perfcond    the optimizer prompt with a line naming the target's speedup bin before the response
              header; training shows each pair's bin, inference asks for the top one.
  trajectory  earlier versions of the program, oldest first, then "### Next Version:".
  diff        the program, then "### Diff:"; the response is a diff of it (bite_jax.baselines.diff).
"""

from __future__ import annotations

from collections.abc import Sequence

from bite_jax.data.records import LANGUAGE_NAMES, normalize_language

OPTIMIZED_HEADER = '### Optimized Version:'
NEXT_HEADER = '### Next Version:'
DIFF_HEADER = '### Diff:'


def _name(language: str) -> str:
  return LANGUAGE_NAMES[normalize_language(language)]


def perfcond_prompt(language: str, code: str, speedup_bin: int, bins: int) -> str:
  """The optimizer prompt asking for a version in speedup bin `speedup_bin` of `bins` (bins = the most)."""
  if not 1 <= speedup_bin <= bins:
    raise ValueError(f'speedup bin {speedup_bin} is not in 1..{bins}')
  name = _name(language)
  parts = [
    f'Below is a {name} program. Optimize the program and provide a more efficient version.',
    f'### {name} Code:',
    code.rstrip('\n'),
    f'### Target Speedup: bin {speedup_bin} of {bins} (bin {bins} is the largest speedup)',
    OPTIMIZED_HEADER,
  ]
  return '\n'.join(parts) + '\n'


def trajectory_prompt(language: str, versions: Sequence[str]) -> str:
  """Successive versions of one program, slowest first, asking for the next, faster one."""
  if not versions:
    raise ValueError('a trajectory prompt needs at least one version')
  name = _name(language)
  parts = [
    f'Below are successive versions of a {name} program, each more efficient than the one before. '
    'Provide the next, more efficient version.'
  ]
  for k, code in enumerate(versions, 1):
    parts += [f'### {name} Version {k}:', code.rstrip('\n')]
  parts.append(NEXT_HEADER)
  return '\n'.join(parts) + '\n'


def diff_prompt(language: str, code: str) -> str:
  """The program, then a request for the changes that make it more efficient, as a unified diff."""
  name = _name(language)
  parts = [
    f'Below is a {name} program. Optimize the program and provide the changes as a unified diff '
    '(hunks "@@ -start,count +start,count @@" of context " ", removed "-" and added "+" lines).',
    f'### {name} Code:',
    code.rstrip('\n'),
    DIFF_HEADER,
  ]
  return '\n'.join(parts) + '\n'
