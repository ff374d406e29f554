"""WORKDIR/report.md: evaluation table, tree statistics, curriculum counts and training curves, with PNG plots.

Built only from files the stages wrote (WORKSPACE.md), so it can be regenerated at any time:

  python -m bite_jax.report --workdir=W
"""

from __future__ import annotations

import json
from pathlib import Path

from absl import app, flags

from bite_jax.tree.stats import format_statistics

TRAIN_RUNS = (
  ('optimizer editor', 'editors/optimizer'),
  ('degrader editor', 'editors/degrader'),
  ('PKAC stage 1', 'pkac/stage1'),
  ('PKAC stage 2', 'pkac/stage2'),
  ('PKAC stage 3', 'pkac/stage3'),
)
METRICS = ('AP', 'OPT', 'SP', 'COR')


def _read_json(path: Path):
  return json.loads(path.read_text(encoding='utf-8')) if path.is_file() else None


def read_metrics_jsonl(path: Path) -> list[dict]:
  """Training metrics lines; a torn last line (a run killed mid-write) is ignored."""
  rows = []
  if not path.is_file():
    return rows
  for line in path.read_text(encoding='utf-8').splitlines():
    try:
      rows.append(json.loads(line))
    except json.JSONDecodeError:
      continue
  return rows


def _meter_names(meter) -> list[str]:
  if isinstance(meter, dict):
    return [str(m) for m in meter.values()]
  return [str(meter or '?')]


def evaluation_section(workdir: Path) -> list[str]:
  systems = _read_json(workdir / 'evaluate' / 'summary.json') or {}
  lines = ['## Evaluation', '']
  if not systems:
    return lines + ['No evaluation results yet (run `--config.stage=evaluate`).', '']
  languages = sorted({lang for s in systems.values() for lang in (s['metrics'].get('by_language') or {})})
  meters = sorted({m for s in systems.values() for m in _meter_names(s.get('meter'))})
  meter_text = ', '.join(meters) or 'none (no candidate was correct, so nothing was timed)'
  lines += [
    f'Benchmark: {next(iter(systems.values())).get("benchmark", "?")}; meter: {meter_text}. '
    'AP, OPT, SP and COR as defined in bite_jax/evaluate/metrics.py (x100; SP 100 = no speedup).',
    '',
    '| system | tasks | AP | OPT | SP | COR |',
    '| --- | --- | --- | --- | --- | --- |',
  ]
  for name, s in systems.items():
    o = s['metrics'].get('overall')
    if o is None:
      lines.append(f'| {name} | 0 | - | - | - | - |')
      continue
    lines.append(f'| {name} | {o.get("tasks", "?")} | ' + ' | '.join(f'{o[m]:.1f}' for m in METRICS) + ' |')
  for metric in METRICS:
    lines += [
      '',
      f'{metric} by language:',
      '',
      '| system | ' + ' | '.join(languages) + ' |',
      '| --- |' + ' --- |' * len(languages),
    ]
    for name, s in systems.items():
      by = s['metrics'].get('by_language') or {}
      lines.append(
        f'| {name} | ' + ' | '.join(f'{by[lang][metric]:.1f}' if lang in by else '-' for lang in languages) + ' |'
      )
  return lines + ['']


def tree_section(workdir: Path) -> list[str]:
  stats = _read_json(workdir / 'trees' / 'stats.json')
  lines = ['## Trees', '']
  if not stats:
    return lines + ['No trees yet.', '']
  for name, title in (('opt', 'optimization tree'), ('degr', 'degradation tree')):
    if name in stats:
      lines += [format_statistics(stats[name], title)]
  levels = _read_json(workdir / 'curriculum' / 'levels.json')
  if levels:
    lines += ['## Curriculum', '', '| level | pairs | roots lacking it | unconfirmed |', '| --- | --- | --- | --- |']
    for level in ('easy', 'medium', 'hard'):
      lines.append(
        f'| {level} | {levels["pairs"][level]} | {levels["missing"][level]} | {levels["unconfirmed"][level]} |'
      )
    lines.append('')
  return lines


def training_section(workdir: Path, plots: Path) -> list[str]:
  lines = ['## Training', '', '| run | steps | first loss | last loss | trained |', '| --- | --- | --- | --- | --- |']
  curves = {}
  for title, sub in TRAIN_RUNS:
    rows = read_metrics_jsonl(workdir / sub / 'metrics.jsonl')
    info = _read_json(workdir / sub / 'final' / 'train_info.json') or {}
    if not rows and not info:
      continue
    trained = 'no: ' + info.get('reason', '') if info.get('trained') is False else 'yes'
    if rows:
      curves[title] = rows
      lines.append(f'| {title} | {rows[-1]["step"]} | {rows[0]["loss"]:.4f} | {rows[-1]["loss"]:.4f} | {trained} |')
    else:
      lines.append(f'| {title} | 0 | - | - | {trained} |')
  if curves:
    _plot_curves(curves, plots / 'training_curves.png')
    lines += ['', '![training curves](plots/training_curves.png)']
  return lines + ['']


def _plot_curves(curves: dict[str, list[dict]], path: Path) -> None:
  import matplotlib  # noqa: PLC0415 -- plotting alone needs it, and it is slow to import

  matplotlib.use('Agg')
  import matplotlib.pyplot as plt  # noqa: PLC0415

  fig, ax = plt.subplots(figsize=(7, 4))
  for title, rows in curves.items():
    ax.plot([r['step'] for r in rows], [r['loss'] for r in rows], label=title)
  ax.set_xlabel('step')
  ax.set_ylabel('loss per target token')
  ax.legend()
  ax.grid(alpha=0.3)
  fig.tight_layout()
  path.parent.mkdir(parents=True, exist_ok=True)
  fig.savefig(path, dpi=100)
  plt.close(fig)


def _plot_tree_depths(workdir: Path, path: Path) -> bool:
  stats = _read_json(workdir / 'trees' / 'stats.json')
  if not stats:
    return False
  import matplotlib  # noqa: PLC0415 -- plotting alone needs it, and it is slow to import

  matplotlib.use('Agg')
  import matplotlib.pyplot as plt  # noqa: PLC0415

  fig, axes = plt.subplots(1, len(stats), figsize=(4 * len(stats), 3.2), squeeze=False)
  for ax, (name, s) in zip(axes[0], stats.items()):
    depths = [d['depth'] for d in s['depths']]
    ax.bar(depths, [d['nodes'] for d in s['depths']], label='nodes', color='0.75')
    ax.bar(depths, [d['kept'] for d in s['depths']], label='kept', color='tab:green')
    ax.set_title(f'{name} tree')
    ax.set_xlabel('depth')
    ax.legend()
  fig.tight_layout()
  path.parent.mkdir(parents=True, exist_ok=True)
  fig.savefig(path, dpi=100)
  plt.close(fig)
  return True


def isolation_lines(isolation: dict | None) -> list[str]:
  """One line on how model-written programs were isolated (WORKDIR/isolation.json), if any ran."""
  if not isolation:
    return []
  if isolation.get('sandbox') == 'bwrap':
    extra = ', '.join(f'{k} {isolation[k]}' for k in ('memory_limit', 'process_limit', 'seccomp') if isolation.get(k))
    text = f'Sandbox: bubblewrap, namespaces {"/".join(isolation.get("namespaces", []))}' + (
      f'; {extra}' if extra else ''
    )
  else:
    text = (
      '**Sandbox: unsandboxed** (executor.allow_unsandboxed=True): model-written programs ran without namespaces, '
      'with the host network and files reachable'
    )
  return [text + '.', '']


def write_report(workdir: str | Path) -> Path:
  """Writes WORKDIR/report.md (and WORKDIR/plots/*.png); returns the report path."""
  workdir = Path(workdir)
  plots = workdir / 'plots'
  lines = [f'# BITE run report: {workdir.name}', '']
  lines += isolation_lines(_read_json(workdir / 'isolation.json'))
  lines += evaluation_section(workdir)
  for png in sorted((workdir / 'evaluate').glob('*/*.png')):
    lines += [f'![{png.parent.name}]({png.relative_to(workdir)})', '']
  lines += tree_section(workdir)
  if _plot_tree_depths(workdir, plots / 'tree_depths.png'):
    lines += ['![tree depths](plots/tree_depths.png)', '']
  lines += training_section(workdir, plots)
  path = workdir / 'report.md'
  tmp = path.with_name('report.md.tmp')
  tmp.write_text('\n'.join(lines), encoding='utf-8')
  tmp.replace(path)
  return path


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    raise app.UsageError(f'unexpected arguments: {argv[1:]}')
  if not flags.FLAGS.workdir:
    raise app.UsageError('--workdir=W is required')
  print(write_report(flags.FLAGS.workdir))


if __name__ == '__main__':
  # Defined here, not at import: bite_jax.main, which imports this module, has its own --workdir.
  flags.DEFINE_string('workdir', None, 'Run directory whose report.md is (re)written.')
  app.run(main)
