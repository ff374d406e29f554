"""From executor results to scoring verdicts: is a program correct, and what did it cost?

Correct = every run ends `ok` and prints the expected output when the task has one, else what src
prints, on every input (whitespace-separated tokens, numbers within 1e-6: executor.outputs_equal),
and prints what src prints on every extra input src accepts (bite_jax.data.inputs: differential
testing with src as the oracle; `extra_check`), else it is 'differs_on_extra'.
Costs come from one executor `measure` job that runs [src, expert, candidates...] interleaved:
old = src's median net cost per round (the meter's unit: CPU seconds or instructions); opti and new
are old divided by the expert's / candidate's paired speedup over src (exp of the 20 % trimmed mean
of per-round log ratios), so noise common to a round cancels. A candidate whose speedup interval
still contains the OPT threshold gets more rounds (`unsettled`), pooled with the first ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math

from executor import outputs_equal, stats
from executor.outputs import first_difference, tokens

# A run field that may hold one of these says the program failed (executor statuses).
FAILURES = ('compile_error', 'runtime_error', 'timeout', 'memory_limit', 'output_limit', 'internal_error', 'error')


@dataclasses.dataclass(frozen=True)
class Reference:
  """What one input must print: the text (possibly cut at the executor's stdout window), its sha256,
  and whether the text is cut."""

  text: str
  sha256: str
  truncated: bool = False


def expected_references(outputs) -> list[Reference]:
  """References from a task's expected outputs."""
  return [Reference(o, hashlib.sha256(o.encode('utf-8', errors='surrogatepass')).hexdigest()) for o in outputs]


def run_references(result: dict) -> list[Reference]:
  """References from a successful run job result (src's own outputs)."""
  return [
    Reference(r.get('stdout', ''), r.get('stdout_sha256', ''), bool(r.get('stdout_truncated')))
    for r in result.get('runs', [])
  ]


@dataclasses.dataclass(frozen=True)
class Check:
  """Verdict of one program's runs. reason: 'ok', an executor failure status, 'wrong_output', or
  'undecided' (outputs too long to compare here; the measure job's own comparison decides)."""

  reason: str
  detail: str = ''

  @property
  def ok(self) -> bool:
    return self.reason == 'ok'


def failure(result: dict) -> Check | None:
  """The first failure of a run job result (compile error, broken job, failing run), or None."""
  compile_info = result.get('compile') or {}
  if compile_info.get('status') not in (None, 'ok'):
    lines = (compile_info.get('message') or '').strip().splitlines()
    return Check(compile_info.get('status', 'compile_error'), lines[0][:300] if lines else '')
  if result.get('status') in ('internal_error', 'error'):
    return Check(result['status'], str(result.get('error', ''))[:300])
  for i, run in enumerate(result.get('runs', [])):
    if run.get('status') != 'ok':
      stderr = (run.get('stderr') or '').strip().splitlines()
      tail = f'; {stderr[-1][:200]}' if stderr else ''
      return Check(run.get('status', 'runtime_error'), f'input {i}: {run.get("detail", "")}{tail}'.strip())
  return None


def _prefix_difference(ref: str, ref_cut: bool, out: str, out_cut: bool, rel_tol: float, abs_tol: float):
  """A certain difference between two outputs of which one or both are cut: tokens before the cut disagree,
  or the uncut one ends before the other's known tokens. None when the known parts agree."""
  a, b = tokens(ref), tokens(out)
  if ref_cut:
    a = a[:-1]  # the last token may be cut mid-way
  if out_cut:
    b = b[:-1]
  n = min(len(a), len(b))
  for k in range(n):
    if not outputs_equal(a[k], b[k], rel_tol=rel_tol, abs_tol=abs_tol):
      return {'token': k, 'expected': a[k][:80], 'got': b[k][:80]}
  if (not ref_cut and len(b) > len(a)) or (not out_cut and len(a) > len(b)):
    return {'token': n, 'expected': a[n][:80] if n < len(a) else '<end>', 'got': b[n][:80] if n < len(b) else '<end>'}
  return None


def check_runs(result: dict, references: list[Reference], *, rel_tol: float = 1e-6, abs_tol: float = 1e-6) -> Check:
  """Whether the runs of a run job (or one measure entry) succeed and print the references."""
  failed = failure(result)
  if failed is not None:
    return failed
  runs = result.get('runs', [])
  if len(runs) != len(references):
    return Check('runtime_error', f'{len(runs)} runs for {len(references)} inputs')
  undecided = None
  for i, (ref, run) in enumerate(zip(references, runs)):
    if run.get('stdout_sha256') == ref.sha256:
      continue
    if run.get('stdout_truncated') or ref.truncated:
      diff = _prefix_difference(
        ref.text, ref.truncated, run.get('stdout', ''), bool(run.get('stdout_truncated')), rel_tol, abs_tol
      )
      if diff is not None:
        return Check(
          'wrong_output', f'input {i}: token {diff["token"]}: expected {diff["expected"]!r}, got {diff["got"]!r}'
        )
      undecided = undecided or Check('undecided', f'input {i}: output over the compare window differs in bytes')
      continue
    if not outputs_equal(ref.text, run.get('stdout', ''), rel_tol=rel_tol, abs_tol=abs_tol):
      diff = first_difference(ref.text, run.get('stdout', ''), rel_tol=rel_tol, abs_tol=abs_tol) or {}
      return Check(
        'wrong_output',
        f'input {i}: token {diff.get("token")}: expected {diff.get("expected")!r}, got {diff.get("got")!r}',
      )
  return undecided or Check('ok')


DIFFERS = 'differs_on_extra'


def accepted_references(result: dict, expert: dict | None = None) -> list[tuple[int, Reference]]:
  """(extra input index, what src printed) for each extra input src ran cleanly on ([] when its job broke)
  and, given the expert's run job on the same extras, on which the expert prints the same (an input
  outside the problem's constraints tends to split them: no candidate is held to it)."""
  if failure({k: v for k, v in result.items() if k != 'runs'}) is not None:
    return []
  runs = run_references(result)
  out = [(i, ref) for i, (ref, run) in enumerate(zip(runs, result.get('runs', []))) if run.get('status') == 'ok']
  if expert is None:
    return out
  theirs = expert.get('runs', []) if failure({k: v for k, v in expert.items() if k != 'runs'}) is None else []
  return [(i, ref) for i, ref in out if i < len(theirs) and check_runs({'runs': [theirs[i]]}, [ref]).ok]


def extra_check(result: dict, accepted: list[tuple[int, Reference]]) -> Check:
  """A candidate's run job on the extra inputs src accepted (`accepted`, in job order): Check('ok'), or
  Check(DIFFERS) naming the first extra input where it fails or prints something else than src."""
  runs = result.get('runs', [])
  broken = failure({k: v for k, v in result.items() if k != 'runs'})
  if broken is not None:  # the job itself failed, as a check-stage job can
    return Check(broken.reason, f'extra inputs: {broken.detail}'.strip())
  if len(runs) != len(accepted):
    return Check('runtime_error', f'{len(runs)} runs for {len(accepted)} extra inputs')
  for (i, ref), run in zip(accepted, runs):
    if run.get('status') != 'ok':
      stderr = (run.get('stderr') or '').strip().splitlines()
      tail = f'; {stderr[-1][:200]}' if stderr else ''
      return Check(DIFFERS, f'extra input {i}: {run.get("status")} where src runs{tail}')
    verdict = check_runs({'runs': [run]}, [ref])
    if verdict.reason == 'wrong_output':
      return Check(DIFFERS, f'extra input {i}: {verdict.detail.split(": ", 1)[1]}')
  return Check('ok')


def run_seconds(result: dict) -> float:
  """Seconds a run job spent: its runs' wall time plus the compile, when not cached."""
  compile_info = result.get('compile') or {}
  seconds = 0.0 if compile_info.get('cached', True) else float(compile_info.get('seconds') or 0.0)
  return seconds + sum(float(r.get('wall_time') or 0.0) for r in result.get('runs') or [])


def paired_logs(result: dict, index: int) -> list[float] | None:
  """Per measured round, log(src cost / cost of programs[index]) in a measure result; None when the
  program's rounds are missing or incomplete."""
  programs = result.get('programs') or []
  if index >= len(programs):
    return None
  src, mine = programs[0].get('costs'), programs[index].get('costs')
  if not src or not mine or len(src) != len(mine) or min(src) <= 0 or min(mine) <= 0:
    return None
  return [math.log(a / b) for a, b in zip(src, mine)]


def speedup_interval(logs: list[float], confidence: float) -> tuple[float, float, float]:
  """(speedup, low, high): exp of the 20 % trimmed mean of the log ratios and of Yuen's interval."""
  est, lo, hi = stats.yuen_interval(logs, confidence)
  return math.exp(est), math.exp(lo), math.exp(hi)


def unsettled(logs: list[float], confidence: float, threshold: float) -> bool:
  """Whether the speedup's interval still contains `threshold` (more rounds could change OPT)."""
  if len(logs) < 3:
    return False
  _, lo, hi = speedup_interval(logs, confidence)
  return lo < threshold < hi


@dataclasses.dataclass
class Costs:
  """Measured costs of one task's programs (the meter's unit). For candidate j: logs[j] its paired
  per-round log ratios over src (None when it failed while measured; reasons[j] says why)."""

  old: float
  opti: float
  logs: list
  reasons: list
  meter: str
  meter_backend: str
  exact: bool = False

  def speedup(self, j: int, confidence: float) -> tuple[float, float, float] | None:
    """(speedup, low, high) of candidate j, or None when it is not correct."""
    return None if self.logs[j] is None else speedup_interval(self.logs[j], confidence)


def _entry_verdict(entry: dict, logs, expected, unsure: bool) -> str:
  """'ok' or why a measured candidate is not correct after all."""
  check = check_runs(entry, expected) if expected is not None else None
  if entry.get('status') != 'ok' or logs is None:
    return f'flaky: {entry.get("status")} while measured'
  if entry.get('outputs_match_first') is False and (check is None or not check.ok):
    return 'wrong_output' if unsure else 'flaky: output changed while measured'
  if check is not None and not check.ok and check.reason != 'undecided':
    return f'flaky: {check.reason} while measured'
  return 'ok'


def measured_costs(
  result: dict, n_candidates: int, expected: list[Reference] | None, undecided: list[bool] | None = None
) -> tuple[Costs | None, str]:
  """(Costs, '') from a measure job of [src, expert, candidates...], or (None, why) when src or the expert
  failed while measured (the task cannot be scored). undecided[j]: candidate j's output could not be
  compared before (too long); the measure job's full comparison then decides it."""
  programs = result.get('programs')
  if result.get('status') in ('internal_error', 'error') or not isinstance(programs, list):
    return None, f'measure job failed: {result.get("error", result.get("status"))}'
  if len(programs) != n_candidates + 2:
    return None, f'measure job returned {len(programs)} programs for {n_candidates + 2}'
  src, expert = programs[0], programs[1]
  if src.get('status') != 'ok' or 'cost' not in src:
    return None, f'src failed while measured: {src.get("status")}'
  expert_logs = paired_logs(result, 1)
  if expert.get('status') != 'ok' or expert_logs is None:
    return None, f'expert failed while measured: {expert.get("status")}'
  if expert.get('outputs_match_first') is False and (expected is None or not check_runs(expert, expected).ok):
    return None, 'expert output differs from src in the measure run'
  logs, reasons = [], []
  undecided = undecided or [False] * n_candidates
  for k, (entry, unsure) in enumerate(zip(programs[2:], undecided)):
    mine = paired_logs(result, k + 2)
    reason = _entry_verdict(entry, mine, expected, unsure)
    logs.append(mine if reason == 'ok' else None)
    reasons.append(reason)
  old = float(src['cost'])
  opti = old / math.exp(stats.yuen_interval(expert_logs)[0])
  return Costs(
    old=old,
    opti=opti,
    logs=logs,
    reasons=reasons,
    meter=result.get('meter', ''),
    meter_backend=result.get('meter_backend', ''),
    exact=bool(result.get('meter_exact')),
  ), ''


def add_rounds(costs: Costs, result: dict, candidates: list[int], expected: list[Reference] | None) -> None:
  """Pools the rounds of a follow-up measure job of [src, candidates...] into costs (in place); a
  candidate that fails or prints something else there is no longer correct."""
  programs = result.get('programs')
  if not isinstance(programs, list) or len(programs) != len(candidates) + 1 or programs[0].get('status') != 'ok':
    return  # the follow-up itself broke (src failed): the first measurement stands
  for k, j in enumerate(candidates):
    mine = paired_logs(result, k + 1)
    reason = _entry_verdict(programs[k + 1], mine, expected, False)
    if reason != 'ok':
      costs.logs[j], costs.reasons[j] = None, reason
    else:
      costs.logs[j] = costs.logs[j] + mine
