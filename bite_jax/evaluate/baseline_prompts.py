"""Prompts of the baselines: direct (the optimizer prompt), RAG (retrieved slow -> fast pairs as
in-context examples before it) and refine (a previous attempt with the executor's feedback).

All of them end with the optimizer's `### Optimized Version:` header and a newline, like the
prompts the editors are trained on (bite_jax.data.prompts), so responses are read the same way.
"""

from __future__ import annotations

from bite_jax.data.prompts import OPTIMIZE, build_prompt
from bite_jax.data.records import LANGUAGE_NAMES, Pair, normalize_language

MAX_FEEDBACK_CHARS = 1500


def direct_prompt(language: str, code: str) -> str:
  """The optimizer prompt for one program."""
  return build_prompt(language, code, OPTIMIZE)


def rag_prompt(language: str, code: str, examples: list[Pair]) -> str:
  """Worked examples (slow program -> its fast version, in the prompt format) and then the task."""
  parts = [build_prompt(p.language, p.slow, OPTIMIZE) + p.fast.rstrip('\n') + '\n' for p in examples]
  return '\n'.join(parts + [build_prompt(language, code, OPTIMIZE)])


def refine_prompt(language: str, code: str, attempt: str, feedback: str) -> str:
  """The task with a previous attempt and what running it showed, asking for a better version."""
  name = LANGUAGE_NAMES[normalize_language(language)]
  feedback = feedback.strip()
  if len(feedback) > MAX_FEEDBACK_CHARS:
    feedback = feedback[:MAX_FEEDBACK_CHARS] + '\n...'
  parts = [
    f'Below is a {name} program, a previous attempt at a more efficient version, and what running '
    'that attempt showed. Optimize the program and provide a more efficient version.',
    f'### {name} Code:',
    code.rstrip('\n'),
    '### Previous Attempt:',
    attempt.rstrip('\n') or '(no program)',
    '### Execution Feedback:',
    feedback,
    '### Optimized Version:',
  ]
  return '\n'.join(parts) + '\n'


def feedback_text(result: dict | None, extraction: str = 'ok', threshold: float = 1.1) -> tuple[str, int, float]:
  """(feedback, rank, speedup) from an executor compare result of (src, attempt) on feedback inputs.

  rank orders attempts: 2 = correct and faster by threshold, 1 = correct, 0 = failing or wrong.
  """
  if extraction == 'empty' or result is None:
    return 'The response held no program.', 0, 0.0
  compile_info = (result.get('candidate') or {}).get('compile') or {}
  if compile_info.get('status') not in (None, 'ok'):
    message = '\n'.join((compile_info.get('message') or '').strip().splitlines()[:15])
    return f'Compilation failed:\n{message}', 0, 0.0
  if result.get('status') in ('internal_error', 'error'):
    return f'The program could not be run: {result.get("error", "")}', 0, 0.0
  if not result.get('correct'):
    mismatch = result.get('mismatch') or {}
    if 'difference' in mismatch:
      d = mismatch['difference']
      text = (
        f'Wrong output on input {mismatch.get("input", 0)}: token {d.get("token")} is {d.get("got")!r} '
        f'where {d.get("expected")!r} is expected.'
      )
    else:
      text = f'The program failed: {result.get("reason", "")}.'
      stderr = mismatch.get('stderr') or ''
      if stderr.strip():
        text += '\n' + '\n'.join(stderr.strip().splitlines()[-8:])
    if extraction == 'truncated':
      text += '\nThe response was cut off before the program ended.'
    return text, 0, 0.0
  speedup = float(result.get('speedup') or 1.0)
  if result.get('faster'):
    return f'The program is correct and {speedup:.2f}x as fast as the original. Make it faster still.', 2, speedup
  return (
    (
      f'The program is correct but only {speedup:.2f}x as fast as the original (at least {threshold:.2f}x is '
      'needed). Find a more efficient algorithm or data structure.'
    ),
    1,
    speedup,
  )


def _clip(text: str) -> str:
  text = text.strip()
  return text[:MAX_FEEDBACK_CHARS] + '\n...' if len(text) > MAX_FEEDBACK_CHARS else text


def sbllm_prompt(
  language: str,
  code: str,
  kept: list[tuple[str, float]],
  failing: tuple[str, str] | None,
  patterns: list[Pair],
) -> str:
  """SBLLM's genetic-operator prompt: retrieved patterns (slow -> fast), the task, the best versions found
  so far with their measured speedups (kept: [(code, speedup)]), a failing version with what went wrong
  (failing: (code, feedback) or None), asking to combine the versions (crossover) and apply what they
  miss (mutation)."""
  name = LANGUAGE_NAMES[normalize_language(language)]
  parts = [
    f'Below are optimization patterns (a slow {name} program and its efficient version), a {name} program, '
    'versions of it found so far with their measured speedups, and possibly a failing version. Combine the '
    'optimizations of the versions found so far, apply an optimization they miss (from the patterns or your '
    "own), avoid the failing version's mistake, and provide a more efficient version of the program."
  ]
  for k, p in enumerate(patterns, 1):
    parts += [f'### Pattern {k} Slow:', p.slow.rstrip('\n'), f'### Pattern {k} Fast:', p.fast.rstrip('\n')]
  parts += [f'### {name} Code:', code.rstrip('\n')]
  for k, (version, speedup) in enumerate(kept, 1):
    parts += [f'### Version {k} ({speedup:.2f}x as fast):', version.rstrip('\n')]
  if failing is not None:
    parts += ['### Failing Version:', failing[0].rstrip('\n') or '(no program)', '### Why It Fails:', _clip(failing[1])]
  parts.append('### Optimized Version:')
  return '\n'.join(parts) + '\n'
