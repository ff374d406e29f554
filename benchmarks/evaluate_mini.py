"""Time a full scoring of the `mini` benchmark and check the reference candidate sets.

  python benchmarks/evaluate_mini.py [--candidates expert,src,wrong] [--workers N] [--repeats R]
                                     [--meter cpu] [--problems a,b] [--languages c,go] [--out DIR]

For each candidate set (the tasks' experts, their sources, programs printing a wrong answer) it runs
bite_jax.evaluate.evaluate_candidates on every selected task and prints the metrics, the meter, the
wall time and tasks/s; the expected bounds are expert: AP >= 90, OPT >= 90, COR = 100;
src: AP <= 10, OPT <= 10, COR = 100; wrong: AP = OPT = COR = 0. Writes DIR/summary.json.
Exit status 1 when a bound does not hold.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from bite_jax.data.mini import load_mini
from bite_jax.evaluate import evaluate_candidates, reference_candidates

BOUNDS = {  # metric: (low, high)
  'expert': {'AP': (90, 100), 'OPT': (90, 100), 'COR': (100, 100)},
  'src': {'AP': (0, 10), 'OPT': (0, 10), 'COR': (100, 100)},
  'wrong': {'AP': (0, 0), 'OPT': (0, 0), 'COR': (0, 0)},
}


def check(kind: str, overall: dict) -> list[str]:
  """The bounds of BOUNDS[kind] that `overall` breaks."""
  return [
    f'{kind}: {m} = {overall[m]:.1f} not in [{lo}, {hi}]'
    for m, (lo, hi) in BOUNDS[kind].items()
    if not lo - 1e-9 <= overall[m] <= hi + 1e-9
  ]


def main(argv=None) -> int:
  p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  p.add_argument('--candidates', default='expert,src,wrong')
  p.add_argument('--workers', type=int, default=None, help='executor processes (default: one per core)')
  p.add_argument('--repeats', type=int, default=None)
  p.add_argument('--meter', default=None)
  p.add_argument('--problems', default=None)
  p.add_argument('--languages', default=None)
  p.add_argument('--out', default=None)
  args = p.parse_args(argv)
  split = lambda text: text.split(',') if text else None
  t0 = time.monotonic()
  tasks = load_mini(languages=split(args.languages), problems=split(args.problems))
  load_s = time.monotonic() - t0
  out = Path(args.out or tempfile.mkdtemp(prefix='evaluate_mini_'))
  print(f'{len(tasks)} tasks loaded in {load_s:.1f} s; workers={args.workers or os.cpu_count()}; out={out}', flush=True)
  summary, failures = (
    {'tasks': len(tasks), 'load_s': round(load_s, 2), 'workers': args.workers or os.cpu_count(), 'runs': {}},
    [],
  )
  for kind in split(args.candidates):
    started = time.monotonic()
    metrics = evaluate_candidates(
      tasks,
      reference_candidates(tasks, kind),
      out / kind,
      workers=args.workers,
      repeats=args.repeats,
      meter=args.meter,
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
  sys.exit(main())
