"""The paper's metrics: AP, OPT, SP and COR, per task and aggregated.

For one task, `old` is the cost of the source program, `opti` of the expert
program and `new` of the candidate, all measured by one meter in one run
(seconds of CPU time or instructions). With `new = old` when the candidate is
incorrect:

  speedup = old / new                                   (1.0 when incorrect)
  AP      = clip(max(0, old - new) / (old - opti), 0, 1)   acceleration progress
  OPT     = correct and speedup >= 1.10                 (PIE's %OPT)
  SP      = speedup, counted as 1.0 when incorrect or slower (PIE)
  COR     = correct

Aggregates average over tasks and scale AP, OPT, SP and COR by 100. When a
task has no headroom (the expert is not cheaper than the source, old <= opti)
AP is 1 for a correct candidate at least as cheap as the expert, else 0.
With several samples per task (best-of-k) the sample with the highest speedup
among the correct ones counts; a task with no correct sample counts as incorrect.
"""

import dataclasses
from collections import defaultdict
from collections.abc import Iterable

OPT_THRESHOLD = 1.10


@dataclasses.dataclass(frozen=True)
class Outcome:
  """One scored candidate. Costs are in the meter's unit (seconds or instructions)."""

  task_id: str
  language: str
  correct: bool
  old: float
  new: float
  opti: float
  sample_index: int = 0


def speedup(o: Outcome) -> float:
  """old / new for a correct candidate, 1.0 otherwise."""
  if not o.correct or o.new <= 0:
    return 1.0
  return o.old / o.new


def acceleration_progress(o: Outcome) -> float:
  """AP of one candidate in [0, 1]."""
  new = o.new if o.correct else o.old
  headroom = o.old - o.opti
  if headroom <= 0:
    return 1.0 if o.correct and new <= o.opti else 0.0
  return min(1.0, max(0.0, o.old - new) / headroom)


def task_scores(o: Outcome) -> dict[str, float]:
  """Per-task values in [0, 1] (AP, OPT, COR) and the speedup used for SP."""
  s = speedup(o)
  return {
    'speedup': s,
    'ap': acceleration_progress(o),
    'opt': float(o.correct and s >= OPT_THRESHOLD),
    'sp': max(s, 1.0),
    'cor': float(o.correct),
  }


def best_of_k(samples: Iterable[Outcome]) -> Outcome:
  """The sample that counts for a task: the fastest correct one, else the first."""
  samples = list(samples)
  if not samples:
    raise ValueError('best_of_k: a task needs at least one sample')
  correct = [o for o in samples if o.correct]
  if not correct:
    return min(samples, key=lambda o: o.sample_index)
  return max(correct, key=lambda o: (speedup(o), -o.sample_index))


def _mean_table(outcomes: list[Outcome]) -> dict[str, float]:
  n = len(outcomes)
  scores = [task_scores(o) for o in outcomes]
  return {
    'AP': 100.0 * sum(s['ap'] for s in scores) / n,
    'OPT': 100.0 * sum(s['opt'] for s in scores) / n,
    'SP': 100.0 * sum(s['sp'] for s in scores) / n,
    'COR': 100.0 * sum(s['cor'] for s in scores) / n,
    'tasks': n,
  }


def aggregate(outcomes: Iterable[Outcome]) -> dict:
  """{'overall': {AP, OPT, SP, COR, tasks}, 'by_language': {lang: {...}}} over best-of-k per task."""
  by_task: dict[str, list[Outcome]] = defaultdict(list)
  for o in outcomes:
    by_task[o.task_id].append(o)
  if not by_task:
    raise ValueError('aggregate: no outcomes to score')
  chosen = [best_of_k(samples) for samples in by_task.values()]
  by_language: dict[str, list[Outcome]] = defaultdict(list)
  for o in chosen:
    by_language[o.language].append(o)
  return {
    'overall': _mean_table(chosen),
    'by_language': {lang: _mean_table(items) for lang, items in sorted(by_language.items())},
  }
