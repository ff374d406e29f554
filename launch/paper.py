"""Presets for the paper's figures and tables, and the collection of a sweep's results.

  fig3    tree height h x children m for each tree direction apart, the other tree at the config's
          shape (Figure 3: AP and OPT against h, one line per m, one panel per tree)
  fig4    PKAC stage ablations: which stages run, progressive or union mixing (Figure 4: bars per
          stage set)
  fig5    consolidation (curriculum.top_fraction 0.5) or none (0), scored on simple and complex code
          (Figure 5; the split is by the source's McCabe complexity, bite_jax/evaluate/complexity.py)
  fig6    one model per language vs one for all languages (Figure 6)
  table4  where pairs come from: one user's successive submissions (PIE), different users of one
          problem (the editor pairs), BITE's trees; CodeBLEU similarity and speedup (Table 4)

`--reduced` keeps each grid to two or three points and adds REDUCED settings, so a preset runs end to
end on configs/tiny.py on a laptop CPU.
"""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

from bite_jax.data.mini import train_pairs
from bite_jax.data.pairs import read_pairs

LANGUAGES = ('c', 'cpp', 'go', 'java', 'python')
# Small settings for --reduced: one language, few roots and steps, short samples, a few test tasks.
REDUCED = {
  'data.languages': 'python',
  'tree.max_roots': '3',
  'sample.max_new_tokens': '48',
  'editors.optimizer.steps': '30',
  'editors.degrader.steps': '30',
  'pkac.steps': '10',
  'evaluate.limit': '4',
  'evaluate.seen_split': '',
  'evaluate.baselines': 'none',
  'evaluate.extra_inputs': '0',
}


def _fig3(reduced: bool) -> list[dict]:
  heights, widths = ((1, 2), (2,)) if reduced else ((1, 2, 3, 4, 5), (1, 2, 5, 10))
  return [
    {f'tree.{d}.height': str(h), f'tree.{d}.width': str(m)} for d in ('opt', 'degr') for h in heights for m in widths
  ]


def _fig4(reduced: bool) -> list[dict]:
  stages = ('3', '2,3', '1,2,3') if reduced else ('1', '2', '3', '1,2', '2,3', '1,2,3')
  mixings = ('progressive',) if reduced else ('progressive', 'union')
  return [
    {'curriculum.stages': s, 'curriculum.mixing': m} for m in mixings for s in stages if m == 'progressive' or ',' in s
  ]


def _fig5(reduced: bool) -> list[dict]:
  return [{'curriculum.top_fraction': f} for f in ('0.5', '0')]


def _fig6(reduced: bool) -> list[dict]:
  languages = ('c', 'python') if reduced else LANGUAGES
  return [{'data.languages': lang} for lang in languages] + [{'data.languages': ','.join(languages)}]


def _table4(reduced: bool) -> list[dict]:
  return [{}]  # one run: its editor pairs and its trees are two of the three sources


PRESETS = {'fig3': _fig3, 'fig4': _fig4, 'fig5': _fig5, 'fig6': _fig6, 'table4': _table4}
# What a preset costs at the paper's scale (README: "Reproducing the paper").
COSTS = {
  'fig3': '40 points sharing one pair of editors; each grows one tree anew (h up to 5, m up to 10) and trains PKAC',
  'fig4': '10 points sharing editors, trees and curriculum; each trains its PKAC stages and is scored',
  'fig5': '2 points sharing editors, trees and curriculum',
  'fig6': '6 full pipelines (5 monolingual, 1 multilingual): nothing shared',
  'table4': 'one pipeline through the trees, then CodeBLEU over the pairs (minutes of CPU)',
}


def points(preset: str, reduced: bool) -> list[dict]:
  if preset not in PRESETS:
    raise ValueError(f'--preset: unknown preset {preset!r}; choose from {", ".join(PRESETS)}')
  return PRESETS[preset](reduced)


def _read(path: Path):
  return json.loads(path.read_text(encoding='utf-8')) if path.is_file() else None


def collect_rows(root: Path, runs: list[tuple[str, dict]]) -> list[dict]:
  """One row per point: its values, whether it finished, and its metrics (overall, by language, by complexity)."""
  rows = []
  for workdir, values in runs:
    metrics = _read(Path(workdir) / 'metrics.json') or {}
    system = metrics.get('system')
    complexity = None
    if system:
      sys_metrics = _read(Path(workdir) / 'evaluate' / system / 'metrics.json') or {}
      complexity = sys_metrics.get('by_complexity')
    rows.append(
      {
        'point': Path(workdir).name,
        'values': values,
        'done': bool(metrics),
        'system': system,
        'overall': metrics.get('overall'),
        'by_language': metrics.get('by_language'),
        'by_complexity': complexity,
      }
    )
  return rows


def _metric(row: dict, name: str, part: str | None = None) -> float:
  table = row.get('overall') if part is None else ((row.get('by_complexity') or {}).get(part))
  return float(table[name]) if table else math.nan


def table_lines(preset: str, rows: list[dict]) -> list[str]:
  """The markdown table of a sweep: one row per point with AP / OPT / SP / COR (and the complexity split)."""
  fields = sorted({k for r in rows for k in r['values']})
  head = '| point | ' + ' | '.join(fields) + ' | AP | OPT | SP | COR | simple AP | complex AP |'
  lines = [head, '|' + ' --- |' * (len(fields) + 7)]
  for r in rows:
    cells = [r['values'].get(f, '') for f in fields]
    cells += [f'{_metric(r, m):.1f}' if r['overall'] else '-' for m in ('AP', 'OPT', 'SP', 'COR')]
    cells += [
      f'{_metric(r, "AP", p):.1f}' if r['by_complexity'] and r['by_complexity'].get(p) else '-'
      for p in ('simple', 'complex')
    ]
    lines.append(f'| {r["point"]} | ' + ' | '.join(cells) + ' |')
  return lines


def plot(preset: str, rows: list[dict], path: Path) -> Path:
  """The preset's figure, laid out like the paper's."""
  import matplotlib  # noqa: PLC0415 -- plotting alone needs it, and it is slow to import

  matplotlib.use('Agg')
  import matplotlib.pyplot as plt  # noqa: PLC0415

  done = [r for r in rows if r['overall']]
  if preset == 'fig3':
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), squeeze=False)
    for col, tree in enumerate(('opt', 'degr')):
      mine = [r for r in done if f'tree.{tree}.height' in r['values']]
      widths = sorted({int(r['values'][f'tree.{tree}.width']) for r in mine})
      for row_i, metric in enumerate(('AP', 'OPT')):
        ax = axes[row_i][col]
        for m in widths:
          pts = sorted(
            (int(r['values'][f'tree.{tree}.height']), _metric(r, metric))
            for r in mine
            if int(r['values'][f'tree.{tree}.width']) == m
          )
          ax.plot([h for h, _ in pts], [v for _, v in pts], marker='o', label=f'm={m}')
        ax.set_title(f'{"optimization" if tree == "opt" else "degradation"} tree: {metric}')
        ax.set_xlabel('height h')
        ax.set_ylabel(metric)
        ax.legend()
  elif preset == 'fig6':
    fig, ax = plt.subplots(figsize=(8, 4))
    multi = max(done, key=lambda r: len(r['values'].get('data.languages', '').split(',')), default=None)
    monos = [r for r in done if r is not multi]
    languages = [r['values']['data.languages'] for r in monos]
    xs = range(len(languages))
    mono_ap = [((r.get('by_language') or {}).get(lang) or {}).get('AP', math.nan) for r, lang in zip(monos, languages)]
    multi_ap = [(((multi or {}).get('by_language') or {}).get(lang) or {}).get('AP', math.nan) for lang in languages]
    ax.bar([x - 0.2 for x in xs], mono_ap, width=0.4, label='one model per language')
    ax.bar([x + 0.2 for x in xs], multi_ap, width=0.4, label='one model for all')
    ax.set_xticks(list(xs), languages)
    ax.set_ylabel('AP')
    ax.legend()
  else:
    labels = [', '.join(f'{k.split(".")[-1]}={v}' for k, v in r['values'].items()) or r['point'] for r in done]
    parts = [('simple', 'AP'), ('complex', 'AP')] if preset == 'fig5' else [(None, 'AP'), (None, 'OPT')]
    fig, ax = plt.subplots(figsize=(max(6, 1.4 * len(done)), 4))
    width = 0.8 / len(parts)
    for k, (part, metric) in enumerate(parts):
      values = [_metric(r, metric, part) for r in done]
      ax.bar([i + k * width for i in range(len(done))], values, width=width, label=f'{part or "all"} {metric}')
    ax.set_xticks([i + width * (len(parts) - 1) / 2 for i in range(len(done))], labels, rotation=20, ha='right')
    ax.legend()
  fig.suptitle(f'{preset}: {len(done)} of {len(rows)} points finished')
  fig.tight_layout()
  path.parent.mkdir(parents=True, exist_ok=True)
  fig.savefig(path, dpi=100)
  plt.close(fig)
  return path


def mean_or_none(values):
  values = [v for v in values if v is not None and not math.isnan(v)]
  return statistics.fmean(values) if values else None


def codebleu_similarity(pairs) -> list[float]:
  """CodeBLEU (the `codebleu` package: n-gram, weighted n-gram, syntax and data-flow matches, equal
  weights) of each pair's fast program against its slow one."""
  from codebleu import calc_codebleu  # noqa: PLC0415 -- table4 alone needs it (tree-sitter parsers)

  names = {'c': 'c', 'cpp': 'cpp', 'go': 'go', 'java': 'java', 'python': 'python'}
  return [
    float(calc_codebleu([p.fast], [p.slow], lang=names[p.language])['codebleu']) for p in pairs if p.slow and p.fast
  ]


def geometric_mean(values) -> float | None:
  values = [v for v in values if v is not None and v > 0]
  return math.exp(statistics.fmean(math.log(v) for v in values)) if values else None


def table4_rows(workdir: Path, user_pairs: str = '', limit: int = 500) -> list[dict]:
  """Table 4: for each source of pairs, how many, their mean CodeBLEU similarity (fast vs slow) and
  the geometric mean speedup of those with a known one. Sources: one user's successive submissions
  (`user_pairs`, a PIE file whose pairs share a user id), the editor pairs of the run (different
  programs of one problem), and BITE's trees (the run's curriculum pairs: root and tree node)."""
  workdir = Path(workdir)
  sources = []
  if user_pairs and Path(user_pairs).is_file():
    sources.append(('same user (PIE)', [p for p in read_pairs(user_pairs, language='python') if p.user_id]))
  config = _read(workdir / 'config.json') or {}
  pairs_file = config.get('data.pairs') or ''
  if pairs_file and Path(pairs_file).is_file():
    editor = read_pairs(pairs_file, language=config.get('data.language') or None)
  else:
    langs = [x.strip() for x in (config.get('data.languages') or '').split(',') if x.strip()] or None
    editor = train_pairs('train', languages=langs)
  sources.append(('same problem (editor pairs)', editor))
  tree_pairs = []
  for level in ('easy', 'medium', 'hard'):
    path = workdir / 'curriculum' / f'{level}.jsonl'
    if path.is_file():
      tree_pairs += read_pairs(path)
  sources.append(("BITE's trees (curriculum pairs)", tree_pairs))
  rows = []
  for name, pairs in sources:
    pairs = list(pairs)[:limit]
    sims = codebleu_similarity(pairs)
    rows.append(
      {
        'source': name,
        'pairs': len(pairs),
        'codebleu': mean_or_none(sims),
        'speedup': geometric_mean(p.speedup for p in pairs),
        'with_speedup': sum(p.speedup is not None for p in pairs),
      }
    )
  return rows


def table4_lines(rows: list[dict]) -> list[str]:
  lines = ['| pairs from | pairs | CodeBLEU (fast vs slow) | speedup (geometric mean) |', '| --- | --- | --- | --- |']
  for r in rows:
    sim = f'{r["codebleu"]:.3f}' if r['codebleu'] is not None else '-'
    speed = f'{r["speedup"]:.2f}x ({r["with_speedup"]} measured)' if r['speedup'] is not None else '-'
    lines.append(f'| {r["source"]} | {r["pairs"]} | {sim} | {speed} |')
  return lines


def plot_table4(rows: list[dict], path: Path) -> Path:
  import matplotlib  # noqa: PLC0415 -- plotting alone needs it, and it is slow to import

  matplotlib.use('Agg')
  import matplotlib.pyplot as plt  # noqa: PLC0415

  fig, axes = plt.subplots(1, 2, figsize=(10, 4))
  names = [r['source'] for r in rows]
  axes[0].bar(names, [r['codebleu'] or 0 for r in rows])
  axes[0].set_title('CodeBLEU similarity (fast vs slow)')
  axes[1].bar(names, [r['speedup'] or 0 for r in rows])
  axes[1].set_title('speedup (geometric mean)')
  for ax in axes:
    ax.tick_params(axis='x', labelrotation=15)
  fig.tight_layout()
  path.parent.mkdir(parents=True, exist_ok=True)
  fig.savefig(path, dpi=100)
  plt.close(fig)
  return path
