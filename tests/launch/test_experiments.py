"""launch.sweep's paper presets: points sharing upstream stages produce each one once, and --collect
writes the summary, the table and a figure."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bite_jax.data.mini import train_pairs
from bite_jax.data.pairs import write_pairs
from bite_jax.data.records import Pair
from launch import experiments, paper, sweep
from tests.helpers import paths

PRODUCES = {  # what a stage leaves when it completes (experiments._COMPLETE), per unit
  'base': ['base/config.json'],
  'editors': ['editors/optimizer/final/x', 'editors/degrader/final/x'],
  'trees/opt': ['trees/opt.jsonl', 'trees/opt.done'],
  'trees/degr': ['trees/degr.jsonl', 'trees/degr.done'],
  'curriculum': ['curriculum/levels.json'],
}


class FakeMain:
  """Stands in for `bite_jax.main`: each unit whose outputs are not in the workdir is 'run' (counted)."""

  def __init__(self):
    self.runs = Counter()

  def __call__(self, argv):
    workdir = Path(next(a for a in argv if a.startswith('--workdir='))[len('--workdir=') :])
    for unit, files in PRODUCES.items():
      if all((workdir / f).exists() for f in files):
        continue
      self.runs[unit] += 1
      for f in files:
        (workdir / f).parent.mkdir(parents=True, exist_ok=True)
        (workdir / f).write_text('x')
    (workdir / 'metrics.json').write_text(json.dumps({'overall': {'AP': 1.0, 'OPT': 2.0, 'SP': 100.0, 'COR': 50.0}}))
    return 0


def _run(preset, tmp_path, parallel=1):
  commands = sweep.point_commands('configs/tiny.py', str(tmp_path), paper.points(preset, True), dict(paper.REDUCED))
  fake = FakeMain()
  assert experiments.run_points(commands, 'configs/tiny.py', tmp_path, fake, parallel=parallel, log=lambda m: None) == 0
  return commands, fake.runs


@pytest.mark.parametrize('parallel', [1, 2])
def test_pkac_ablations_train_the_editors_and_grow_the_trees_once(tmp_path, parallel):
  commands, runs = _run('fig4', tmp_path, parallel)
  assert len(commands) == 3
  assert runs == {'base': 1, 'editors': 1, 'trees/opt': 1, 'trees/degr': 1, 'curriculum': 1}
  linked = [w for w, _, _ in commands if (Path(w) / 'editors').is_symlink()]
  assert len(linked) == 2


def test_consolidation_variants_share_the_curriculum(tmp_path):
  _, runs = _run('fig5', tmp_path)
  assert runs['curriculum'] == 1 and runs['editors'] == 1


def test_tree_shape_points_share_the_editors_and_the_tree_they_do_not_vary(tmp_path):
  commands, runs = _run('fig3', tmp_path)
  assert len(commands) == 4  # h in 1, 2 for each direction
  assert runs['editors'] == 1
  # The varied shapes h=1, h=2 (m=2); the fixed tree is configs/tiny.py's h=2, m=2: the same as h=2.
  assert runs['trees/opt'] == 2 and runs['trees/degr'] == 2
  assert runs['curriculum'] == 3  # opt h=2 and degr h=2 are the same effective trees


def test_monolingual_points_share_nothing(tmp_path):
  commands, runs = _run('fig6', tmp_path)
  assert len(commands) == 3 and runs['editors'] == 3 and runs['base'] == 3


def test_a_resumed_sweep_runs_nothing_again(tmp_path):
  _run('fig4', tmp_path)
  _, runs = _run('fig4', tmp_path)
  assert sum(runs.values()) == 0


@pytest.mark.parametrize('config_file', ['configs/tiny.py', 'no/such/config.py'])
def test_unit_keys_ignore_what_the_unit_does_not_depend_on(config_file):
  a = {'tree.opt.height': '3', 'curriculum.stages': '3'}
  b = {'tree.opt.height': '4', 'curriculum.stages': '2,3'}
  key = experiments.unit_key
  assert key('editors', config_file, a) == key('editors', config_file, b)
  assert key('trees/degr', config_file, a) == key('trees/degr', config_file, b)
  assert key('trees/opt', config_file, a) != key('trees/opt', config_file, b)
  assert key('base', config_file, {'data.languages': 'c'}) != key('base', config_file, {'data.languages': 'go'})


def test_unit_keys_read_the_effective_tree_shape():
  key = experiments.unit_key
  # configs/tiny.py grows h=2, m=2 trees: spelling that shape out is the same tree.
  assert key('trees/opt', 'configs/tiny.py', {'tree.opt.height': '2'}) == key('trees/opt', 'configs/tiny.py', {})
  assert key('trees/opt', 'configs/tiny.py', {'tree.height': '3'}) != key('trees/opt', 'configs/tiny.py', {})
  assert key('editors', 'configs/tiny.py', {}) != key('editors', 'configs/qwen2_5_1_5b.py', {})


def _metrics(workdir, ap, simple, complex_):
  workdir.mkdir(parents=True, exist_ok=True)
  table = {'AP': ap, 'OPT': ap / 2, 'SP': 100.0 + ap, 'COR': 50.0, 'tasks': 4}
  (workdir / 'metrics.json').write_text(
    json.dumps({'overall': table, 'by_language': {'python': table, 'c': table}, 'system': 'bite-direct'})
  )
  split = {'threshold': 10, 'simple': dict(table, AP=simple), 'complex': dict(table, AP=complex_)}
  (workdir / 'evaluate' / 'bite-direct').mkdir(parents=True, exist_ok=True)
  (workdir / 'evaluate' / 'bite-direct' / 'metrics.json').write_text(json.dumps({'by_complexity': split}))


@pytest.mark.parametrize('preset', ['fig3', 'fig4', 'fig5', 'fig6'])
def test_collect_writes_the_summary_the_table_and_the_figure(tmp_path, preset):
  commands = sweep.point_commands('configs/tiny.py', str(tmp_path), paper.points(preset, True), dict(paper.REDUCED))
  for i, (workdir, _, _) in enumerate(commands):
    _metrics(Path(workdir), 10.0 * (i + 1), 30.0, 5.0)
  written = sweep.collect(preset, tmp_path, commands)
  rows = [json.loads(line) for line in Path(written['summary']).read_text().splitlines()]
  assert len(rows) == len(commands) and all(r['done'] for r in rows)
  assert rows[0]['by_complexity']['simple']['AP'] == 30.0
  report = (tmp_path / 'report.md').read_text()
  assert f'{len(commands)} of {len(commands)} points finished' in report and '| 10.0 | 5.0 |' in report
  png = Path(written['figure'])
  assert png.name == f'{preset}.png' and png.read_bytes()[:4] == b'\x89PNG'


def test_codebleu_matches_the_packages_published_example():
  pair = Pair('python', 'def add ( a , b ) :\n return a + b', 'def sum ( first , second ) :\n return second + first')
  assert paper.codebleu_similarity([pair]) == [pytest.approx(0.5537, abs=1e-3)]


def test_table4_rows_cover_each_source_of_pairs(tmp_path):
  work = tmp_path / 'run'
  (work / 'curriculum').mkdir(parents=True)
  tree_pairs = [p.__class__(**{**p.to_dict(), 'speedup': 2.0}) for p in train_pairs('train', ['python'])[:3]]
  write_pairs(work / 'curriculum' / 'hard.jsonl', tree_pairs)
  (work / 'config.json').write_text(json.dumps({'data.languages': 'python'}))
  user = tmp_path / 'user.jsonl'
  user.write_text(
    json.dumps(
      {
        'user_id': 'u1',
        'problem_id': 'p',
        'input': 'print(1)\n',
        'target': 'print( 1 )\n',
        'cpu_time_v0': 30,
        'cpu_time_v1': 10,
      }
    )
    + '\n'
  )
  rows = paper.table4_rows(work, str(user), limit=5)
  assert [r['source'] for r in rows] == [
    'same user (PIE)',
    'same problem (editor pairs)',
    "BITE's trees (curriculum pairs)",
  ]
  assert rows[0]['pairs'] == 1 and rows[0]['speedup'] == pytest.approx(3.0)
  assert rows[2]['pairs'] == 3 and rows[2]['speedup'] == pytest.approx(2.0)
  assert all(0 <= r['codebleu'] <= 1 for r in rows)
  assert '| same user (PIE) | 1 |' in '\n'.join(paper.table4_lines(rows))


@pytest.mark.slow
def test_fig5_reduced_runs_on_the_tiny_config_and_trains_the_editors_once(tmp_path):
  root = tmp_path / 'fig5'
  base = [
    sys.executable,
    '-m',
    'launch.sweep',
    '--config=configs/tiny.py',
    f'--root={root}',
    '--preset=fig5',
    '--reduced',
  ]
  run = subprocess.run(base, cwd=paths.REPO, capture_output=True, text=True, timeout=3600)
  assert run.returncode == 0, run.stderr[-3000:]
  assert 'reusing base of' in run.stderr and 'curriculum of' in run.stderr
  assert sum('editors: training the optimizer' in line for line in run.stdout.splitlines()) == 1
  collect = subprocess.run([*base, '--collect'], cwd=paths.REPO, capture_output=True, text=True, timeout=600)
  assert collect.returncode == 0, collect.stderr[-3000:]
  rows = [json.loads(line) for line in (root / 'summary.jsonl').read_text().splitlines()]
  assert [r['done'] for r in rows] == [True, True] and all(r['by_complexity'] for r in rows)
  assert (root / 'fig5.png').read_bytes()[:4] == b'\x89PNG' and '| point |' in (root / 'report.md').read_text()
