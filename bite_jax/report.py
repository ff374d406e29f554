"""WORKDIR/report.md: evaluation table, tree statistics, curriculum counts and training curves, with PNG plots.

Built only from files the stages wrote (WORKSPACE.md), so it can be regenerated at any time:

  python -m bite_jax.report --workdir=W
"""

from __future__ import annotations

import json
from pathlib import Path

from absl import app, flags

from bite_jax import usage
from bite_jax.baselines import DESCRIPTIONS
from bite_jax.data.pairs import PairFormatError, read_pairs
from bite_jax.tree.stats import example_edit, format_statistics
from bite_jax.tree.store import TreeFormatError, read_tree

PROG = 'python -m bite_jax.report'

TRAIN_RUNS = (
  ('optimizer editor', 'editors/optimizer'),
  ('degrader editor', 'editors/degrader'),
  ('PKAC stage 1', 'pkac/stage1'),
  ('PKAC stage 2', 'pkac/stage2'),
  ('PKAC stage 3', 'pkac/stage3'),
)
METRICS = ('AP', 'OPT', 'SP', 'COR')


class ReportInputError(ValueError):
  """A workdir file the report reads is malformed; the message names the file (and line or field)."""


def _read_json(path: Path):
  """The JSON object in `path`, or None when there is no such file; ReportInputError naming the file otherwise."""
  if not path.is_file():
    return None
  try:
    value = json.loads(path.read_text(encoding='utf-8'))
  except (UnicodeDecodeError, json.JSONDecodeError) as e:
    raise ReportInputError(f'{path}: not valid JSON ({e})') from None
  if not isinstance(value, dict):
    raise ReportInputError(f'{path}: expected a JSON object, got {type(value).__name__}')
  return value


def read_metrics_jsonl(path: Path) -> list[dict]:
  """Training metrics lines; a torn last line (a run killed, or still running, mid-write) is ignored.

  Raises ReportInputError naming file:line for any other line that is not a JSON object with a numeric
  `step` and `loss`.
  """
  rows = []
  if not path.is_file():
    return rows
  lines = path.read_text(encoding='utf-8').splitlines()
  for number, line in enumerate(lines, 1):
    if not line.strip():
      continue
    try:
      row = json.loads(line)
    except json.JSONDecodeError as e:
      if number == len(lines):
        break
      raise ReportInputError(f'{path}:{number}: not valid JSON ({e.msg})') from None
    numeric = isinstance(row, dict) and all(
      isinstance(row.get(k), (int, float)) and not isinstance(row.get(k), bool) for k in ('step', 'loss')
    )
    if not numeric:
      raise ReportInputError(f'{path}:{number}: expected an object with a numeric "step" and "loss"')
    rows.append(row)
  return rows


def _section(build, *files: Path):
  """build(), with a missing or mistyped field of the JSON files it reads reported as ReportInputError naming them."""
  try:
    return build()
  except ReportInputError:
    raise
  except (KeyError, TypeError, AttributeError, IndexError, ValueError) as e:
    names = ' or '.join(str(f) for f in files)
    raise ReportInputError(f'{names}: missing or malformed field ({type(e).__name__}: {e})') from None


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
  lines += _overall_rows(systems)
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
  lines += _complexity_lines(systems)
  known = [name for name in systems if name in DESCRIPTIONS]
  if known:
    lines += ['', 'Baselines:', ''] + [f'- {name}: {DESCRIPTIONS[name]}' for name in known]
  return lines + [''] + _seen_lines(workdir)


def _complexity_lines(systems: dict) -> list[str]:
  """AP and OPT of each system on the simple and the complex tasks (by their source's cyclomatic complexity)."""
  splits = {name: s['metrics'].get('by_complexity') for name, s in systems.items()}
  threshold = next((split['threshold'] for split in splits.values() if split), None)
  if threshold is None:
    return []
  lines = [
    '',
    f"By the source program's McCabe complexity (simple <= {threshold} < complex; bite_jax/evaluate/complexity.py):",
    '',
    '| system | simple tasks | simple AP | simple OPT | complex tasks | complex AP | complex OPT |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ]
  for name, split in splits.items():
    cells = []
    for part in ('simple', 'complex'):
      t = (split or {}).get(part)
      cells += [str(t['tasks']), f'{t["AP"]:.1f}', f'{t["OPT"]:.1f}'] if t else ['0', '-', '-']
    lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
  return lines


def _overall_rows(systems: dict) -> list[str]:
  rows = []
  for name, s in systems.items():
    o = s['metrics'].get('overall')
    if o is None:
      rows.append(f'| {name} | 0 | - | - | - | - |')
      continue
    rows.append(f'| {name} | {o.get("tasks", "?")} | ' + ' | '.join(f'{o[m]:.1f}' for m in METRICS) + ' |')
  return rows


def _seen_lines(workdir: Path) -> list[str]:
  """The systems scored on problems they trained on (evaluate.seen_split), with what that does and does
  not show; a from-scratch demo base says so."""
  seen = _read_json(workdir / 'evaluate' / 'seen' / 'summary.json')
  if not seen:
    return []
  lines = [
    f'### Seen problems: {next(iter(seen.values())).get("benchmark", "?")}',
    '',
    'The same systems on the problems whose programs the editors and the PKAC stages were trained on. '
    'A score here shows what training did where it can (the model has seen these programs and their faster '
    'versions); only the table above, on unseen problems, measures optimization of new code.',
    '',
  ]
  if (workdir / 'base' / 'BASE_DONE').is_file():
    lines += [
      'The base model of this run was trained from scratch on the bundled programs alone: it cannot generalize '
      'to unseen problems, so scores near zero above are expected. Generalization comes from a pretrained code '
      'model (`--config.model.hf_path=...`, e.g. Qwen2.5-Coder), which this pipeline runs unchanged.',
      '',
    ]
  lines += [
    '| system | tasks | AP | OPT | SP | COR |',
    '| --- | --- | --- | --- | --- | --- |',
    *_overall_rows(seen),
    '',
  ]
  return lines


def data_section(workdir: Path) -> list[str]:
  """The data stage's counts per language (WORKDIR/data/stats.json); [] when the run had no data stage."""
  stats = _read_json(workdir / 'data' / 'stats.json')
  if not stats:
    return []
  lines = [
    '## Data (Project CodeNet)',
    '',
    '| language | rows read | kept | pairs | roots | dropped (most common reasons) |',
  ]
  lines.append('| --- | --- | --- | --- | --- | --- |')
  for lang, s in stats['languages'].items():
    top = sorted(s['dropped'].items(), key=lambda kv: -kv[1])[:3]
    dropped = ', '.join(f'{why} {n}' for why, n in top) or '-'
    lines.append(f'| {lang} | {s["read"]} | {s["kept"]} | {s.get("pairs", 0)} | {s.get("roots", 0)} | {dropped} |')
  return lines + ['']


def tree_section(workdir: Path) -> list[str]:
  stats = _read_json(workdir / 'trees' / 'stats.json')
  lines = ['## Trees', '']
  if not stats:
    return lines + ['No trees yet.', '']
  for name, title in (('opt', 'optimization tree'), ('degr', 'degradation tree')):
    if name in stats:
      lines += [format_statistics(stats[name], title)]
      lines += _example_lines(workdir / 'trees' / f'{name}.jsonl', title)
  levels = _read_json(workdir / 'curriculum' / 'levels.json')
  if levels:
    lines += [
      '## Curriculum',
      '',
      '| level | pairs | roots lacking it | unconfirmed | speedup median | min | max |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    ]
    for level in ('easy', 'medium', 'hard'):
      speedups = _level_speedups(workdir / 'curriculum' / f'{level}.jsonl')
      spread = (
        f'{speedups[len(speedups) // 2]:.2f}x | {speedups[0]:.2f}x | {speedups[-1]:.2f}x' if speedups else '- | - | -'
      )
      lines.append(
        f'| {level} | {levels["pairs"][level]} | {levels["missing"][level]} | {levels["unconfirmed"][level]} '
        f'| {spread} |'
      )
    lines.append('')
  return lines


def _example_lines(path: Path, title: str) -> list[str]:
  """One kept edit of the tree in `path` as a diff with its measured factor (none when nothing was kept)."""
  if not path.is_file():
    return []
  try:
    edit = example_edit(read_tree(path))
  except TreeFormatError as e:
    raise ReportInputError(str(e)) from None
  if edit is None:
    return []
  word = 'faster' if title.startswith('optim') else 'slower'
  return [
    f'One kept edit ({edit["node_id"]}, {edit["language"]}, depth {edit["depth"]}): {edit["factor"]:.2f}x {word} '
    'than its parent, as measured by the executor.',
    '',
    '```diff',
    *edit['diff'],
    '```',
    '',
  ]


def _level_speedups(path: Path) -> list[float]:
  """The measured speedups of a curriculum level's pairs, sorted (pairs without one are left out)."""
  if not path.is_file():
    return []
  try:
    return sorted(p.speedup for p in read_pairs(path) if p.speedup is not None)
  except PairFormatError as e:
    raise ReportInputError(str(e)) from None


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


def summary_lines(workdir: Path) -> list[str]:
  """What the run shows, in a few plain sentences, from the stage outputs present so far."""
  lines = []
  stats = _read_json(workdir / 'trees' / 'stats.json') or {}
  for name, title in (('opt', 'optimization'), ('degr', 'degradation')):
    s = stats.get(name)
    if s and not s['kept']:
      lines.append(f'- The {title} tree kept none of its {s["children"]} sampled children.')
    elif s:
      by_depth = s.get('kept_by_depth_language') or {}
      languages = sorted({lang for row in by_depth.values() for lang in row})
      deepest = max((int(d) for d in by_depth), default=0)
      lines.append(
        f'- The {title} tree kept {s["kept"]} of {s["children"]} sampled children ({len(languages)} languages: '
        f'{", ".join(languages) or "-"}; deepest kept child at depth {deepest}), each confirmed by the executor.'
      )
  levels = _read_json(workdir / 'curriculum' / 'levels.json')
  if levels:
    sizes = ', '.join(f'{level} {levels["pairs"][level]}' for level in ('easy', 'medium', 'hard'))
    lines.append(f'- The curriculum built from them holds {sizes} pairs.')
  stages = []
  for title, sub in TRAIN_RUNS[2:]:
    info = _read_json(workdir / sub / 'final' / 'train_info.json')
    rows = read_metrics_jsonl(workdir / sub / 'metrics.jsonl')
    if info is None:
      continue
    if info.get('trained') is False or not rows:
      stages.append(f'{title} untrained ({info.get("reason", "no steps")})')
    else:
      stages.append(f'{title} loss {rows[0]["loss"]:.3f} -> {rows[-1]["loss"]:.3f}')
  if stages:
    lines.append('- ' + '; '.join(stages) + '.')
  unseen = _read_json(workdir / 'evaluate' / 'summary.json') or {}
  seen = _read_json(workdir / 'evaluate' / 'seen' / 'summary.json') or {}
  for label, systems in (('unseen (benchmark)', unseen), ('seen (trained on)', seen)):
    scores = [
      f'{name} AP {s["metrics"]["overall"]["AP"]:.1f}' for name, s in systems.items() if s['metrics'].get('overall')
    ]
    if scores:
      lines.append(f'- On {label} problems: ' + ', '.join(scores) + '.')
  return ['## What this run shows', '', *lines, ''] if lines else []


def write_report(workdir: str | Path) -> Path:
  """Writes WORKDIR/report.md (and WORKDIR/plots/*.png); returns the report path."""
  workdir = Path(workdir)
  plots = workdir / 'plots'
  if not workdir.is_dir():
    raise FileNotFoundError(f'{workdir}: no such run directory')
  lines = [f'# BITE run report: {workdir.name}', '']
  isolation = workdir / 'isolation.json'
  lines += _section(lambda: isolation_lines(_read_json(isolation)), isolation)
  read = [workdir / 'trees' / 'stats.json', workdir / 'curriculum' / 'levels.json']
  read += [workdir / 'evaluate' / 'summary.json', workdir / 'evaluate' / 'seen' / 'summary.json']
  read += [workdir / sub / 'final' / 'train_info.json' for _, sub in TRAIN_RUNS[2:]]
  lines += _section(lambda: summary_lines(workdir), *read)
  summaries = (workdir / 'evaluate' / 'summary.json', workdir / 'evaluate' / 'seen' / 'summary.json')
  lines += _section(lambda: evaluation_section(workdir), *summaries)
  for png in sorted((workdir / 'evaluate').glob('*/*.png')):
    lines += [f'![{png.parent.name}]({png.relative_to(workdir)})', '']
  lines += _section(lambda: data_section(workdir), workdir / 'data' / 'stats.json')
  stats, levels = workdir / 'trees' / 'stats.json', workdir / 'curriculum' / 'levels.json'
  lines += _section(lambda: tree_section(workdir), stats, levels)
  if _section(lambda: _plot_tree_depths(workdir, plots / 'tree_depths.png'), stats):
    lines += ['![tree depths](plots/tree_depths.png)', '']
  infos = [workdir / sub / 'final' / 'train_info.json' for _, sub in TRAIN_RUNS]
  lines += _section(lambda: training_section(workdir, plots), *infos)
  path = workdir / 'report.md'
  tmp = path.with_name('report.md.tmp')
  tmp.write_text('\n'.join(lines), encoding='utf-8')
  tmp.replace(path)
  return path


def main(argv: list[str]) -> None:
  """Writes WORKDIR/report.md; bad usage or a malformed workdir file is one line on stderr and exit status 2."""
  if len(argv) > 1:
    usage.fail(PROG, f'unexpected arguments: {argv[1:]}')
  if not flags.FLAGS.workdir:
    usage.fail(PROG, '--workdir=W is required')
  try:
    print(write_report(flags.FLAGS.workdir))
  except (ReportInputError, FileNotFoundError) as e:
    usage.fail(PROG, str(e))


if __name__ == '__main__':
  # Defined here, not at import: bite_jax.main, which imports this module, has its own --workdir.
  flags.DEFINE_string('workdir', None, 'Run directory whose report.md is (re)written.')
  app.run(main, flags_parser=usage.flags_parser(PROG))
