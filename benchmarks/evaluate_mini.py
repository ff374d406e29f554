"""Time a full scoring of the `mini` benchmark and check the reference candidate sets.

  python benchmarks/evaluate_mini.py [--candidates=expert,src,wrong] [--workers=N] [--repeats=R]
                                     [--meter=cpu] [--problems=a,b] [--languages=c,go] [--out=DIR]

For each candidate set (the tasks' experts, their sources, programs printing a wrong answer) it runs
bite_jax.evaluate.evaluate_candidates on every selected task and prints the metrics, the meter, the
wall time and tasks/s; the expected bounds are expert: AP >= 90, OPT >= 90, COR = 100;
src: AP <= 10, OPT <= 10, COR = 100; wrong: AP = OPT = COR = 0. Writes DIR/summary.json.
Exit status 1 when a bound does not hold.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from absl import app, flags

from bite_jax.data.mini import load_mini
from bite_jax.evaluate import evaluate_candidates, reference_candidates

BOUNDS = {  # metric: (low, high)
  'expert': {'AP': (90, 100), 'OPT': (90, 100), 'COR': (100, 100)},
  'src': {'AP': (0, 10), 'OPT': (0, 10), 'COR': (100, 100)},
  'wrong': {'AP': (0, 0), 'OPT': (0, 0), 'COR': (0, 0)},
}

FLAGS = flags.FLAGS
flags.DEFINE_list('candidates', ['expert', 'src', 'wrong'], 'candidate sets to score, comma-separated')
flags.DEFINE_integer('workers', None, 'executor processes (default: one per core)')
flags.DEFINE_integer('repeats', None, "measured rounds per task (default: the executor's)")
flags.DEFINE_enum('meter', None, ['auto', 'cpu', 'instructions'], 'executor meter (default: auto)')
flags.DEFINE_list('problems', None, 'comma-separated problem ids (default: all)')
flags.DEFINE_list('languages', None, 'comma-separated languages (default: all five)')
flags.DEFINE_string('out', None, 'output directory (default: a new temporary directory)')


def check(kind: str, overall: dict) -> list[str]:
  """The bounds of BOUNDS[kind] that `overall` breaks."""
  return [
    f'{kind}: {m} = {overall[m]:.1f} not in [{lo}, {hi}]'
    for m, (lo, hi) in BOUNDS[kind].items()
    if not lo - 1e-9 <= overall[m] <= hi + 1e-9
  ]


def main(argv: list[str]) -> int:
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  t0 = time.monotonic()
  tasks = load_mini(languages=FLAGS.languages or None, problems=FLAGS.problems or None)
  load_s = time.monotonic() - t0
  out = Path(FLAGS.out or tempfile.mkdtemp(prefix='evaluate_mini_'))
  print(
    f'{len(tasks)} tasks loaded in {load_s:.1f} s; workers={FLAGS.workers or os.cpu_count()}; out={out}', flush=True
  )
  summary, failures = (
    {'tasks': len(tasks), 'load_s': round(load_s, 2), 'workers': FLAGS.workers or os.cpu_count(), 'runs': {}},
    [],
  )
  for kind in FLAGS.candidates:
    started = time.monotonic()
    metrics = evaluate_candidates(
      tasks,
      reference_candidates(tasks, kind),
      out / kind,
      workers=FLAGS.workers,
      repeats=FLAGS.repeats,
      meter=FLAGS.meter,
      resume=False,
      title=f'mini, {kind} candidates',
    )
    wall = time.monotonic() - started
    overall = metrics['overall']
    summary['runs'][kind] = {
      'wall_s': round(wall, 1),
      'tasks_per_s': round(len(tasks) / wall, 4),
      'meter': metrics['meter'],
      'overall': overall,
      'by_language': metrics['by_language'],
      'invalid_tasks': metrics['invalid_tasks'],
    }
    print(
      f'{kind:>6}: AP {overall["AP"]:6.1f}  OPT {overall["OPT"]:6.1f}  SP {overall["SP"]:9.1f}  '
      f'COR {overall["COR"]:6.1f}  invalid {metrics["invalid_tasks"]}  {wall:7.1f} s  '
      f'{len(tasks) / wall:.3f} tasks/s  meter {metrics["meter"]}',
      flush=True,
    )
    for lang, t in metrics['by_language'].items():
      print(f'        {lang:<7} AP {t["AP"]:6.1f}  OPT {t["OPT"]:6.1f}  COR {t["COR"]:6.1f}  ({t["tasks"]} tasks)')
    failures += check(kind, overall) if kind in BOUNDS else []
  (out / 'summary.json').write_text(json.dumps(summary, indent=1) + '\n', encoding='utf-8')
  for f in failures:
    print('FAIL', f)
  return 1 if failures else 0


if __name__ == '__main__':
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
