"""Metrics, the markdown report and the speedup plot, all computed from the rows of results.jsonl.

metrics.json: {"overall": {AP, OPT, SP, COR, tasks}, "by_language": {lang: {...}}, "meter": {lang: meter},
"tasks", "scored_tasks", "invalid_tasks", "invalid": [{task_id, reason}], "samples", "failure_reasons"}.
Invalid tasks (src or expert fails on the task's own inputs) are left out of every mean.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from bite_jax.data.records import LANGUAGE_NAMES
from bite_jax.evaluate import metrics
from bite_jax.evaluate.complexity import CLASSES, THRESHOLD, complexity_class
from bite_jax.evaluate.metrics import Outcome

DEFINITIONS = """\
Per task, old, new and opti are the costs of the source, the candidate and the expert, measured
in one executor run, interleaved, by the meter named above; new = old when the candidate is
incorrect. With several samples per task the fastest correct sample counts (best-of-k).

* AP (acceleration progress) = mean of clip(max(0, old - new) / (old - opti), 0, 1), x100
* OPT = % of tasks whose candidate is correct and >= 1.10x faster than old (PIE's %OPT)
* SP = mean speedup old / new, incorrect or slower candidates counted as 1.0, x100 (PIE)
* COR = % of tasks whose candidate is functionally correct (same output as expected, else as
  the source, on every input; a failing run is incorrect)
"""


def outcomes(rows) -> list[Outcome]:
  """Per-sample Outcomes of the scored rows (incorrect samples get new = old; their costs enter no metric)."""
  out = []
  for row in rows:
    if row.get('status') != 'scored':
      continue
    old = row['old'] if row.get('old') is not None else 1.0
    opti = row['opti'] if row.get('opti') is not None else old
    for s in row['samples']:
      correct = bool(s['correct']) and s.get('new') is not None
      out.append(
        Outcome(
          task_id=row['task_id'],
          language=row['language'],
          correct=correct,
          old=old,
          new=s['new'] if correct else old,
          opti=opti,
          sample_index=s['sample_index'],
        )
      )
  return out


def by_complexity(found: list[Outcome], complexities: dict[str, int], threshold: int) -> dict:
  """{'threshold', 'simple': table | None, 'complex': table | None}: the metrics of the tasks whose source
  program's cyclomatic complexity is at most / above the threshold (bite_jax.evaluate.complexity)."""
  out = {'threshold': threshold}
  for name in CLASSES:
    part = [o for o in found if complexity_class(complexities.get(o.task_id, 0), threshold) == name]
    out[name] = metrics.aggregate(part)['overall'] if part else None
  return out


def summarize(rows, complexities: dict[str, int] | None = None, threshold: int = THRESHOLD) -> dict:
  """metrics.json's content from results rows (see the module docstring); with `complexities`
  ({task_id: cyclomatic complexity of its source}) also `by_complexity`."""
  rows = list(rows)
  scored = [r for r in rows if r.get('status') == 'scored']
  found = outcomes(scored)
  table = metrics.aggregate(found) if found else {'overall': None, 'by_language': {}}
  if complexities is not None:
    table['by_complexity'] = by_complexity(found, complexities, threshold)
  meters = defaultdict(set)
  for r in scored:
    if r.get('meter'):
      meters[r['language']].add(r['meter'])
  reasons = Counter(s['reason'] for r in scored for s in r['samples'] if not s['correct'])
  return {
    **table,
    'meter': {lang: '/'.join(sorted(m)) for lang, m in sorted(meters.items())},
    'tasks': len(rows),
    'scored_tasks': len(scored),
    'invalid_tasks': len(rows) - len(scored),
    'invalid': [{'task_id': r['task_id'], 'reason': r.get('reason', '')} for r in rows if r.get('status') != 'scored'],
    'samples': sum(len(r['samples']) for r in scored),
    'failure_reasons': dict(reasons.most_common()),
  }


def _fmt_row(name: str, t: dict) -> str:
  return f'| {name} | {t["AP"]:.1f} | {t["OPT"]:.1f} | {t["SP"]:.1f} | {t["COR"]:.1f} | {t["tasks"]} |'


def render_report(
  summary: dict, *, title: str = 'Evaluation', plot_name: str | None = None, details: dict | None = None
) -> str:
  """The markdown report: the metric table overall and per language, meters, failures, definitions."""
  lines = [f'# {title}', '']
  for key, value in (details or {}).items():
    lines.append(f'- {key}: {value}')
  meters = (
    ', '.join(f'{LANGUAGE_NAMES.get(k, k)}: {v}' for k, v in summary['meter'].items()) or 'none (nothing measured)'
  )
  lines += [
    f'- meter: {meters}',
    f'- tasks: {summary["tasks"]} ({summary["scored_tasks"]} scored, '
    f'{summary["invalid_tasks"]} invalid), samples: {summary["samples"]}',
    '',
  ]
  if summary['overall'] is None:
    lines += ['No task could be scored.', '']
  else:
    lines += [
      '| | AP | OPT | SP | COR | tasks |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      _fmt_row('overall', summary['overall']),
    ]
    lines += [_fmt_row(LANGUAGE_NAMES.get(lang, lang), t) for lang, t in summary['by_language'].items()]
    split = summary.get('by_complexity')
    if split:
      for name, sign in (('simple', '<='), ('complex', '>')):
        if split.get(name):
          lines.append(_fmt_row(f'{name} (complexity {sign} {split["threshold"]})', split[name]))
    lines.append('')
  if plot_name:
    lines += [f'![speedup per task, by language]({plot_name})', '']
  if summary['failure_reasons']:
    lines += ['Why samples were incorrect:', '']
    lines += [f'- {reason}: {count}' for reason, count in summary['failure_reasons'].items()]
    lines.append('')
  if summary['invalid']:
    lines += ['Invalid tasks (left out of the means):', '']
    lines += [f'- {item["task_id"]}: {item["reason"]}' for item in summary['invalid'][:50]]
    if len(summary['invalid']) > 50:
      lines.append(f'- ... and {len(summary["invalid"]) - 50} more (results.jsonl)')
    lines.append('')
  lines += ['## Definitions', '', DEFINITIONS]
  return '\n'.join(lines)


def plot_speedups(rows, path) -> Path | None:
  """A PNG of each scored task's speedup (best sample, log scale) by language, with the 1.10x line;
  None when no task was scored."""
  import matplotlib  # noqa: PLC0415 -- plotting alone needs it, and it is slow to import

  matplotlib.use('Agg')
  import matplotlib.pyplot as plt  # noqa: PLC0415

  by_lang = defaultdict(list)
  for r in rows:
    if r.get('status') == 'scored':
      by_lang[r['language']].append(max(float(r['speedup']), 1e-3))
  if not by_lang:
    return None
  langs = sorted(by_lang)
  fig, ax = plt.subplots(figsize=(1.6 * len(langs) + 2.5, 4.0))
  for i, lang in enumerate(langs):
    values = sorted(by_lang[lang])
    offsets = [(k - (len(values) - 1) / 2) * min(0.5 / max(len(values), 1), 0.05) for k in range(len(values))]
    ax.scatter([i + o for o in offsets], values, s=14, alpha=0.7)
  ax.boxplot([by_lang[lang] for lang in langs], positions=range(len(langs)), widths=0.5, showfliers=False)
  ax.axhline(metrics.OPT_THRESHOLD, color='grey', linestyle='--', linewidth=1, label='1.10x (OPT)')
  ax.set_yscale('log')
  ax.set_xticks(range(len(langs)), [LANGUAGE_NAMES.get(lang, lang) for lang in langs])
  ax.set_ylabel('speedup old / new (incorrect = 1)')
  ax.legend(loc='upper left', fontsize=8)
  fig.tight_layout()
  path = Path(path)
  fig.savefig(path, dpi=110)
  plt.close(fig)
  return path


def write_outputs(
  rows,
  out_dir,
  *,
  title: str = 'Evaluation',
  details: dict | None = None,
  complexities: dict[str, int] | None = None,
  threshold: int = THRESHOLD,
) -> dict:
  """Writes metrics.json, report.md and speedups.png into out_dir; returns the metrics dict."""
  out_dir = Path(out_dir)
  rows = list(rows)
  summary = summarize(rows, complexities, threshold)
  if details:
    summary['run'] = details
  (out_dir / 'metrics.json').write_text(json.dumps(summary, indent=1) + '\n', encoding='utf-8')
  plot = plot_speedups(rows, out_dir / 'speedups.png')
  report = render_report(summary, title=title, plot_name=plot.name if plot else None, details=details)
  (out_dir / 'report.md').write_text(report, encoding='utf-8')
  return summary
