"""compare(): is a candidate correct and faster/slower than its baseline?  measure(): costs of N programs.

Both run the programs interleaved on the same inputs (order alternates every
input and round, so drifting machine load hits every program alike).  A round
is one run of every program on every input; a program's round cost is the sum
over inputs of (run cost - startup cost of the language's empty program),
floored at a small positive value.  Startup is subtracted because no edit of a
program can change it and it dilutes real speedups (Python: ~10 ms, JVM: ~45 ms).
In measure() (benchmark costs) with a noisy meter (cpu) the startup is measured
in the same rounds, like any other program: the empty program takes a turn on every input of every measured
round, and the startup is the median of those runs.  (A startup measured once
when the executor starts, as the minimum of a few runs, is biased low and misses
the load the programs meet later, so it shifts every net cost of that executor
by the same unknown amount: a program doing ~1 ms of work per input in Python
could then cost twice as much in one evaluation as in another.)  Exact meters,
and compare() (a yes/no verdict on a ratio, which a low startup only dilutes),
use the executor's cached startup (Executor.startup_cost).

compare() decides on paired log-ratios d_r = log(baseline_r / candidate_r):
the estimate is their 20 % trimmed mean, the interval Yuen's t interval at
`confidence`.  faster: lower bound > log(threshold); slower: upper bound <
-log(threshold).  Rounds are added until the interval settles the question
(above, below, or inside (-log t, log t)), max_rounds, or budget_s.  With an
exact meter (valgrind instructions) one round decides.  The first round always
runs natively (cpu meter): it checks correctness and warms caches, and a program
that fails or times out never reaches the 20-60x slower valgrind.
"""

from __future__ import annotations

import math
import time

from executor import stats
from executor.config import Limits
from executor.engine import Executor, Program, Run, overall_status
from executor.languages import canonical_language
from executor.meters import CPU
from executor.outputs import first_difference, outputs_equal

_FLOOR = {'cpu': 1e-4, 'instructions': 1000.0}  # seconds / instructions


def _default_min_rounds(meter) -> int:
  if meter.exact:
    return 1
  return 3 if meter.name == 'instructions' else 6


def _round(
  programs: list[Program], inputs: list, ex: Executor, limits: Limits, meter, index: int, empty: Program | None = None
) -> list[list[Run]]:
  """One interleaved round: runs[p][i] for program p on input i.  With `empty` (the language's empty
  program) it takes a turn on every input too, without stdin, and its runs come last: runs[len(programs)]."""
  programs = list(programs) + ([empty] if empty is not None else [])
  n = len(programs)
  runs = [[None] * len(inputs) for _ in programs]
  for i, data in enumerate(inputs):
    shift = (index + i) % n
    for k in range(n):
      p = (shift + k) % n if index % 2 == 0 else (shift - k) % n
      stdin = None if empty is not None and p == n - 1 else data
      runs[p][i] = ex.execute(programs[p], stdin, limits=limits, meter=meter)
  return runs


def _startup_program(ex: Executor, lang: str, meter, net: bool) -> Program | None:
  """The empty program to measure startup with in every round (net costs under a noisy meter), else None."""
  if not net or meter.exact:
    return None
  program = ex.compile(lang, ex.languages[lang].empty_program)
  return program if program.status == 'ok' else None


def _startup(ex: Executor, lang: str, meter, limits: Limits, empty_runs: list[Run]) -> float:
  """Median cost of the empty program's runs in the measured rounds; the executor's cached startup
  when there are none (exact meters, or an empty program that did not run)."""
  costs = [r.cost() for r in empty_runs if r.status == 'ok' and r.cost() is not None]
  return stats.median(costs) if costs else ex.startup_cost(lang, meter, limits)


def _round_cost(runs: list[Run], startup: float, floor: float) -> tuple[float, float]:
  """(net cost, raw cost) of one program over one round."""
  raw = sum(r.cost() for r in runs)
  net = sum(max(r.cost() - startup, floor) for r in runs)
  return net, raw


def _same_outputs(reference: list[Run], runs: list[Run], tol: dict) -> tuple[bool, dict | None]:
  for i, (a, b) in enumerate(zip(reference, runs)):
    if b.status != 'ok':
      return False, {'input': i, 'status': b.status, 'detail': b.result.detail, 'stderr': b.result.stderr_tail[-500:]}
    if a.result.stdout_sha256 != b.result.stdout_sha256 and not outputs_equal(a.result.stdout, b.result.stdout, **tol):
      return False, {'input': i, 'difference': first_difference(a.result.stdout, b.result.stdout, **tol)}
  return True, None


def compare(
  ex: Executor,
  lang: str,
  baseline: str,
  candidate: str,
  inputs,
  *,
  threshold: float = 1.1,
  meter: str | None = None,
  limits: Limits | None = None,
  confidence: float = 0.99,
  min_rounds: int | None = None,
  max_rounds: int = 40,
  budget_s: float = 300.0,
  rel_tol: float | None = None,
  abs_tol: float | None = None,
  exact: bool = False,
  net: bool = True,
) -> dict:
  """Correctness of candidate against baseline on every input, and its speedup with an interval.

  speedup = baseline cost / candidate cost (cost: CPU seconds or instructions, startup
  subtracted when net).  Returns the CLI `compare` JSON shape (see executor/README.md).
  """
  if not threshold > 1.0:
    raise ValueError(f'threshold must be > 1, got {threshold}')
  if not 0.5 < confidence < 1.0:
    raise ValueError(f'confidence must be in (0.5, 1), got {confidence}')
  lang = canonical_language(lang)
  limits = limits or Limits()
  tol = {
    'rel_tol': ex.config.rel_tol if rel_tol is None else rel_tol,
    'abs_tol': ex.config.abs_tol if abs_tol is None else abs_tol,
    'exact': exact,
  }
  m = ex.meter(meter, lang)
  min_rounds = min_rounds or _default_min_rounds(m)
  started = time.monotonic()
  inputs = list(inputs) or [None]
  programs = [ex.compile(lang, baseline), ex.compile(lang, candidate)]
  out = {
    'correct': False,
    'speedup': None,
    'interval': None,
    'faster': False,
    'slower': False,
    **m.as_dict(),
    'threshold': threshold,
    'confidence': confidence,
    'rounds': 0,
    'startup_cost': None,
    'reason': '',
    'mismatch': None,
    'language': lang,
    'isolation': ex.sandbox.isolation(),
    'baseline': {'compile': programs[0].compile_dict()},
    'candidate': {'compile': programs[1].compile_dict()},
  }
  for side, prog in zip(('baseline', 'candidate'), programs):
    if prog.status != 'ok':
      out['reason'] = f'{side} does not compile'
      out['elapsed_s'] = round(time.monotonic() - started, 3)
      return out
  # round 0 runs natively: correctness, warm-up, and a quick end to hopeless cases before any valgrind run
  first = _round(programs, inputs, ex, limits, CPU, 0)
  for side, runs in zip(('baseline', 'candidate'), first):
    out[side]['status'] = overall_status(r.status for r in runs)
    out[side]['runs'] = [r.as_dict(limits, i) for i, r in enumerate(runs)]
  bad = next((i for i, r in enumerate(first[0]) if r.status != 'ok'), None)
  if bad is not None:
    out['reason'] = f'baseline fails on input {bad}: {first[0][bad].status}'
    out['elapsed_s'] = round(time.monotonic() - started, 3)
    return out
  ok, mismatch = _same_outputs(first[0], first[1], tol)
  if not ok:
    out['reason'], out['mismatch'] = (
      'candidate output differs from baseline'
      if 'difference' in mismatch
      else f'candidate fails on input {mismatch["input"]}: {mismatch["status"]}',
      mismatch,
    )
    out['elapsed_s'] = round(time.monotonic() - started, 3)
    return out
  out['correct'] = True
  floor = _FLOOR[m.name]
  # compare() subtracts the executor's cached startup: an empty-program turn per input (as measure() takes)
  # would add half again to every tree verdict, and a startup estimate biased low only dilutes the ratio
  startup = ex.startup_cost(lang, m, limits) if net else 0.0
  costs: dict[str, list[tuple[float, float]]] = {'baseline': [], 'candidate': []}
  logs: list[float] = []
  est = lo = hi = 0.0
  while True:
    index = len(logs) + 1
    runs = _round(programs, inputs, ex, limits, m, index)
    for side, prog_runs in zip(('baseline', 'candidate'), runs):
      ok, mismatch = _same_outputs(first[0], prog_runs, tol)
      if not ok:  # flaky program: a later run failed or printed something else
        out.update(
          correct=False,
          mismatch=mismatch,
          reason=f'{side} is not reproducible: round {index} differs from round 0',
        )
        out['elapsed_s'] = round(time.monotonic() - started, 3)
        return out
    (nb, rb), (nc, rc) = (_round_cost(r, startup, floor) for r in runs)
    costs['baseline'].append((nb, rb))
    costs['candidate'].append((nc, rc))
    logs.append(math.log(nb / nc))
    n = len(logs)
    if n >= min_rounds or m.exact:
      est, lo, hi = stats.yuen_interval(logs, confidence)
      settled = (
        lo > math.log(threshold)
        or hi < -math.log(threshold)
        or (-math.log(threshold) < lo and hi < math.log(threshold))
      )
      if settled or m.exact or n >= max_rounds or time.monotonic() - started > budget_s:
        break
  out.update(
    speedup=math.exp(est),
    interval=[math.exp(lo), math.exp(hi)],
    rounds=len(logs),
    faster=lo > math.log(threshold),
    slower=hi < -math.log(threshold),
    startup_cost=startup,
  )
  for side in ('baseline', 'candidate'):
    out[side]['cost'] = stats.median(c[0] for c in costs[side])
    out[side]['raw_cost'] = stats.median(c[1] for c in costs[side])
    out[side]['costs'] = [c[0] for c in costs[side]]
  out['reason'] = (
    'faster'
    if out['faster']
    else 'slower'
    if out['slower']
    else f'speedup within [1/{threshold:g}, {threshold:g}] or not settled at {confidence:g} confidence'
  )
  out['elapsed_s'] = round(time.monotonic() - started, 3)
  return out


def measure(
  ex: Executor,
  lang: str,
  sources,
  inputs,
  *,
  meter: str | None = None,
  repeats: int | None = None,
  limits: Limits | None = None,
  confidence: float = 0.95,
  rel_tol: float | None = None,
  abs_tol: float | None = None,
  exact: bool = False,
  net: bool = True,
) -> dict:
  """Cost of each of N programs on the same inputs, measured interleaved.

  repeats: measured rounds (default 1 for exact meters, else 5); a native round that
  checks outputs and warms up comes first.  Per program: status,
  cost (median net round cost), raw_cost, cost_interval (order-statistic interval of
  the median), outputs_match_first, and speedup_vs_first with a Yuen interval.
  """
  lang = canonical_language(lang)
  limits = limits or Limits()
  tol = {
    'rel_tol': ex.config.rel_tol if rel_tol is None else rel_tol,
    'abs_tol': ex.config.abs_tol if abs_tol is None else abs_tol,
    'exact': exact,
  }
  m = ex.meter(meter, lang)
  repeats = repeats or (1 if m.exact else 5)
  started = time.monotonic()
  inputs = list(inputs) or [None]
  programs = [ex.compile(lang, s) for s in sources]
  entries = [{'compile': p.compile_dict(), 'status': p.status} for p in programs]
  live = [i for i, p in enumerate(programs) if p.status == 'ok']
  empty = _startup_program(ex, lang, m, net) if live else None
  first = _round([programs[i] for i in live], inputs, ex, limits, CPU, 0, empty) if live else []
  if empty is not None:
    first.pop()  # the warm-up round only warms the empty program up
  reference = None
  for i, runs in zip(live, first):
    entries[i]['status'] = overall_status(r.status for r in runs)
    entries[i]['runs'] = [r.as_dict(limits, k) for k, r in enumerate(runs)]
    if reference is None and i == 0:
      reference = runs
  for i, runs in zip(live, first):
    same = _same_outputs(reference, runs, tol)[0] if reference is not None else None
    entries[i]['outputs_match_first'] = same
  timed = [i for i, runs in zip(live, first) if all(r.status == 'ok' for r in runs)]
  empty = empty if timed else None
  floor = _FLOOR[m.name]
  ok_rounds: dict[int, list[list[Run]]] = {i: [] for i in timed}
  empty_runs: list[Run] = []
  for r in range(repeats):
    round_runs = _round([programs[i] for i in timed], inputs, ex, limits, m, r + 1, empty)
    if empty is not None:
      empty_runs += round_runs.pop()
    runs_by = dict(zip(timed, round_runs))
    for i in timed:
      if any(run.status != 'ok' for run in runs_by[i]):
        entries[i]['status'] = overall_status(run.status for run in runs_by[i])
        continue
      ok_rounds[i].append(runs_by[i])
  startup = _startup(ex, lang, m, limits, empty_runs) if (net and timed) else 0.0
  per_round = {i: [_round_cost(runs, startup, floor) for runs in ok_rounds[i]] for i in timed}
  for i in timed:
    costs = per_round[i]
    if not costs:
      continue
    med, lo, hi = stats.median_interval([c[0] for c in costs], confidence)
    entries[i].update(
      cost=med, cost_interval=[lo, hi], raw_cost=stats.median(c[1] for c in costs), costs=[c[0] for c in costs]
    )
    if i != 0 and 0 in per_round and len(per_round[0]) == len(costs):
      logs = [math.log(a[0] / b[0]) for a, b in zip(per_round[0], costs)]
      est, low, high = stats.yuen_interval(logs, confidence)
      entries[i]['speedup_vs_first'] = {'speedup': math.exp(est), 'interval': [math.exp(low), math.exp(high)]}
  return {
    'language': lang,
    **m.as_dict(),
    'rounds': repeats,
    'startup_cost': startup,
    'programs': entries,
    'isolation': ex.sandbox.isolation(),
    'elapsed_s': round(time.monotonic() - started, 3),
  }
