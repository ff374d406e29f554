"""From executor results to tree verdicts: which child is kept, and why the others are pruned.

A child is kept when it is correct (same outputs as its parent on every input) and the executor's
compare verdict says it is faster (optimization tree) or slower (degradation tree) than its
parent by more than the threshold with confidence. Pruning reasons:

  empty, truncated      the response held no program / stopped at max_new_tokens mid-program
  unchanged             the program is its parent (after normalisation); not executed
  duplicate             same program as an earlier sibling; not executed, its verdict is copied
  compile_error, runtime_error, timeout, memory_limit, output_limit   the child's own failure
  wrong_output          it runs but prints something else than its parent
  flaky                 a later round printed something else than the first
  not_faster, not_slower  correct, but the speed change is not settled beyond the threshold
  differs_on_extra      correct and faster (slower) on the task's inputs, but on an extra input that its
                        parent accepts it fails or prints something else (differential testing: the
                        parent is the oracle; the extras come from bite_jax.data.inputs)
  parent_error          the parent itself failed in this comparison
  executor_error        the executor broke (worker died); the child is not judged
"""

from __future__ import annotations

import hashlib
import json

from bite_jax.data.prompts import DEGRADE, OPTIMIZE
from executor import outputs_equal
from executor.outputs import first_difference, tokens

KEPT = 'kept'
DIFFERS = 'differs_on_extra'
EXTRACTION_REASONS = ('empty', 'truncated')
RUN_FAILURES = ('compile_error', 'runtime_error', 'timeout', 'memory_limit', 'output_limit')
REASONS = (
  KEPT,
  *EXTRACTION_REASONS,
  'unchanged',
  'duplicate',
  *RUN_FAILURES,
  'wrong_output',
  'flaky',
  'not_faster',
  'not_slower',
  DIFFERS,
  'parent_error',
  'executor_error',
)
ROOT_REASON = 'root'
COMPARE_OPTIONS = ('confidence', 'min_rounds', 'max_rounds', 'budget_s', 'rel_tol', 'abs_tol', 'exact', 'net')
METERS = (None, '', 'auto', 'cpu', 'instructions')
# Fields a verdict carries from the executor into a node (and back, when a verdict is reused).
VERDICT_FIELDS = (
  'correct',
  'kept',
  'reason',
  'cost',
  'parent_cost',
  'speedup',
  'interval',
  'meter',
  'rounds',
  'detail',
  'extra_inputs',  # extra inputs the child was compared with its parent on (None: not checked)
  'extra_digest',  # which extras those were (bite_jax.data.inputs.inputs_digest of the root's extras)
)


def normalize_code(code: str) -> str:
  """The program with line endings unified, trailing spaces and blank lines dropped (for dedupe)."""
  lines = code.replace('\r\n', '\n').replace('\r', '\n').split('\n')
  return '\n'.join(line.rstrip() for line in lines if line.strip())


def verdict_key(language: str, parent_code: str, child_code: str, inputs) -> str:
  """One compare's identity: the same (parent, child, inputs) anywhere gets the same verdict."""
  h = hashlib.sha256()
  for part in (language, normalize_code(parent_code), normalize_code(child_code), json.dumps(list(inputs))):
    h.update(part.encode('utf-8', errors='surrogatepass'))
    h.update(b'\0')
  return h.hexdigest()


def extra_key(language: str, parent_code: str, child_code: str, digest: str) -> str:
  """One differential check's identity: (parent, child) on the extra inputs with this digest."""
  return verdict_key(language, parent_code, child_code, ['extra', digest])


def limit_fields(meter: str | None, timeout: float | None, memory_mb: int | None) -> dict:
  """The optional job fields for a meter and per-run limits (None = the executor's default)."""
  if meter not in METERS:
    raise ValueError(f'executor.meter: {meter!r} is not one of auto, cpu, instructions')
  out = {}
  if meter:
    out['meter'] = meter
  if timeout is not None:
    if not timeout > 0:
      raise ValueError(f'executor.timeout: {timeout!r} must be > 0 seconds')
    out['timeout'] = float(timeout)
  if memory_mb is not None:
    if int(memory_mb) <= 0:
      raise ValueError(f'executor.memory_mb: {memory_mb!r} must be a positive integer')
    out['memory_mb'] = int(memory_mb)
  return out


def check_compare_options(options) -> dict:
  """A copy of the compare options, refusing any the executor's compare does not take."""
  options = dict(options or {})
  unknown = sorted(set(options) - set(COMPARE_OPTIONS))
  if unknown:
    raise ValueError(f'compare_options: unknown option(s) {unknown}; allowed: {", ".join(COMPARE_OPTIONS)}')
  return options


def compare_job(
  job_id, language: str, parent_code: str, child_code: str, inputs, *, threshold: float, limits: dict, options: dict
) -> dict:
  """The executor compare job for (parent -> child)."""
  return {
    'kind': 'compare',
    'id': job_id,
    'lang': language,
    'baseline': parent_code,
    'candidate': child_code,
    'inputs': list(inputs),
    'threshold': float(threshold),
    **limits,
    **options,
  }


def measure_job(job_id, language: str, sources, inputs, *, limits: dict, repeats: int | None = None) -> dict:
  """The executor measure job for several programs on the same inputs (interleaved)."""
  job = {'kind': 'measure', 'id': job_id, 'lang': language, 'sources': list(sources), 'inputs': list(inputs), **limits}
  if repeats:
    job['repeats'] = int(repeats)
  return job


def run_job(job_id, language: str, source: str, inputs, *, limits: dict) -> dict:
  """The executor run job of one program on `inputs` (once each, outputs kept)."""
  job = {'kind': 'run', 'id': job_id, 'lang': language, 'source': source, 'inputs': list(inputs), **limits}
  job['meter'] = 'cpu'  # a check only reads outputs: the cheapest meter
  return job


def run_seconds(result: dict) -> float:
  """Seconds a run job spent: its runs' wall time plus the compile, when not cached."""
  compile_info = result.get('compile') or {}
  seconds = 0.0 if compile_info.get('cached', True) else float(compile_info.get('seconds') or 0.0)
  return seconds + sum(float(r.get('wall_time') or 0.0) for r in result.get('runs') or [])


def accepted_runs(result: dict) -> list[tuple[int, dict]] | None:
  """(input index, run) of each input the program (the parent, the oracle) ran cleanly on; None when the
  job broke (no runs, the executor failed, the program did not compile: nothing can be judged)."""
  runs = result.get('runs')
  if result.get('status') in ('internal_error', 'error') or not runs:
    return None
  if (result.get('compile') or {}).get('status', 'ok') != 'ok':
    return None
  return [(i, run) for i, run in enumerate(runs) if run.get('status') == 'ok']


def same_output(expected: dict, got: dict) -> bool:
  """Whether two runs printed the same tokens (numbers within 1e-6); outputs cut at the executor's window
  agree when their hashes do, or (undecidable) when their known tokens do."""
  if expected.get('stdout_sha256') and expected.get('stdout_sha256') == got.get('stdout_sha256'):
    return True
  a, b = expected.get('stdout', ''), got.get('stdout', '')
  cut_a, cut_b = bool(expected.get('stdout_truncated')), bool(got.get('stdout_truncated'))
  if not cut_a and not cut_b:
    return outputs_equal(a, b)
  ta, tb = tokens(a)[: -1 if cut_a else None], tokens(b)[: -1 if cut_b else None]
  n = min(len(ta), len(tb))
  if (not cut_a and len(tb) > len(ta)) or (not cut_b and len(ta) > len(tb)):
    return False
  return outputs_equal(' '.join(ta[:n]), ' '.join(tb[:n]))


def extra_verdict(parent_runs: list[tuple[int, dict]], result: dict) -> dict:
  """The check of a child's run job on the inputs its parent accepted (`parent_runs`, in job order).

  Returns {'reason': KEPT, DIFFERS or 'executor_error', 'detail', 'extra_inputs'}: DIFFERS names the first
  extra input on which the child failed or printed something else than its parent.
  """
  runs = result.get('runs') or []
  broken = result.get('status') in ('internal_error', 'error') or len(runs) != len(parent_runs)
  if broken or (result.get('compile') or {}).get('status', 'ok') != 'ok':
    why = result.get('error') or (result.get('compile') or {}).get('status') or f'{len(runs)} runs'
    return {'reason': 'executor_error', 'detail': _short(f'extra-input check: {why}'), 'extra_inputs': None}
  for (i, want), run in zip(parent_runs, runs):
    if run.get('status') != 'ok':
      stderr = (run.get('stderr') or '').strip().splitlines()
      tail = f': {stderr[-1]}' if stderr else ''
      detail = f'extra input {i}: {run.get("status")} where the parent runs{tail}'
      return {'reason': DIFFERS, 'detail': _short(detail), 'extra_inputs': len(parent_runs)}
    if not same_output(want, run):
      diff = first_difference(want.get('stdout', ''), run.get('stdout', '')) or {}
      detail = (
        f'extra input {i}: token {diff.get("token")}: parent printed {str(diff.get("expected"))[:60]!r}, '
        f'child {str(diff.get("got"))[:60]!r}'
      )
      return {'reason': DIFFERS, 'detail': _short(detail), 'extra_inputs': len(parent_runs)}
  return {'reason': KEPT, 'detail': None, 'extra_inputs': len(parent_runs)}


def _short(text, limit: int = 300) -> str:
  text = '' if text is None else str(text)
  return text if len(text) <= limit else text[:limit] + '...'


def compare_verdict(result: dict, direction: str) -> dict:
  """The verdict fields (VERDICT_FIELDS) of one executor compare result for a child of `direction`."""
  verdict = dict.fromkeys(VERDICT_FIELDS)
  verdict.update(correct=None, kept=False, meter=result.get('meter'))
  if 'correct' not in result:
    verdict.update(reason='executor_error', detail=_short(result.get('error') or result.get('status')))
    return verdict
  verdict['detail'] = _short(result.get('reason'))
  if not result['correct']:
    verdict['correct'] = False
    verdict['reason'] = _failure_reason(result)
    mismatch = result.get('mismatch') or {}
    if mismatch.get('stderr'):
      verdict['detail'] = _short(f'{result.get("reason")}: {mismatch["stderr"].strip()}')
    return verdict
  kept = bool(result['faster']) if direction == OPTIMIZE else bool(result['slower'])
  verdict.update(
    correct=True,
    kept=kept,
    reason=KEPT if kept else ('not_faster' if direction == OPTIMIZE else 'not_slower'),
    cost=result.get('candidate', {}).get('cost'),
    parent_cost=result.get('baseline', {}).get('cost'),
    speedup=result.get('speedup'),
    interval=result.get('interval'),
    rounds=result.get('rounds'),
  )
  return verdict


def _failure_reason(result: dict) -> str:
  baseline, candidate = result.get('baseline') or {}, result.get('candidate') or {}
  reason = result.get('reason') or ''
  if baseline.get('compile', {}).get('status', 'ok') != 'ok' or baseline.get('status', 'ok') != 'ok':
    return 'parent_error'
  if candidate.get('compile', {}).get('status', 'ok') != 'ok':
    return 'compile_error'
  if 'not reproducible' in reason:
    return 'parent_error' if reason.startswith('baseline') else 'flaky'
  status = (result.get('mismatch') or {}).get('status')
  if status in RUN_FAILURES:
    return status
  if status:
    return 'runtime_error'
  return 'wrong_output'


def root_verdict(result: dict, expected_outputs) -> dict:
  """Root node fields from a one-program measure result; checks outputs when the task knows them."""
  out = {'correct': None, 'kept': False, 'cost': None, 'meter': result.get('meter'), 'detail': None}
  programs = result.get('programs')
  if not programs:
    out.update(reason='executor_error', detail=_short(result.get('error') or result.get('status')))
    return out
  entry = programs[0]
  status = entry.get('status')
  if status != 'ok':
    reason = status if status in RUN_FAILURES else 'runtime_error'
    runs = entry.get('runs') or []
    stderr = next((r.get('stderr') for r in runs if r.get('status') != 'ok'), None) or entry.get('compile', {}).get(
      'message'
    )
    out.update(correct=False, reason=reason, detail=_short(stderr))
    return out
  if expected_outputs is not None:
    for i, (run, want) in enumerate(zip(entry.get('runs') or [], expected_outputs)):
      if not outputs_equal(run.get('stdout', ''), want):
        out.update(correct=False, reason='wrong_output', detail=f"input {i}: output differs from the task's")
        return out
  if entry.get('cost') is None:
    out.update(reason='executor_error', detail='no cost measured')
    return out
  out.update(correct=True, kept=True, reason=ROOT_REASON, cost=entry['cost'])
  return out


def check_direction(direction: str) -> str:
  """Returns 'optimize' or 'degrade' unchanged; anything else is an error naming the argument."""
  if direction not in (OPTIMIZE, DEGRADE):
    raise ValueError(f'direction: {direction!r} is not one of {OPTIMIZE}, {DEGRADE}')
  return direction
