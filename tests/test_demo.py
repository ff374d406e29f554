"""The README's demo command, end to end (slow: ~20 minutes cold on 2 quiet cores).

Runs `python -m bite_jax.main --config=configs/tiny.py` in a fresh workdir, then checks what the demo is
for: both trees keep children in every language, a kept child at depth 2, three non-empty levels, three
PKAC stages trained with falling loss, every kept child traceable to its sampled text, roots that are
the tasks' own sources, and a rerun that finds every stage done.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bite_jax.data.mini import load_problems
from bite_jax.data.responses import extract_program
from bite_jax.tree import read_tree

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _main(workdir: Path) -> subprocess.CompletedProcess:
  command = [sys.executable, '-m', 'bite_jax.main', '--config=configs/tiny.py', f'--workdir={workdir}']
  return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3600)


def check_demo(workdir: Path) -> None:
  """Asserts the demo's outcome in a finished workdir."""
  sources = {}
  for problem in load_problems():
    for lang in ('c', 'cpp', 'python'):
      sources[f'mini/{problem.problem_id}/{lang}'] = problem.source('src', lang)
  deepest = 0
  for name in ('opt', 'degr'):
    nodes = read_tree(workdir / 'trees' / f'{name}.jsonl')
    roots = [n for n in nodes if n['depth'] == 0]
    assert roots and all(n['sample'] is None and n['code'] == sources[n['node_id']] for n in roots), name
    kept = [n for n in nodes if n['depth'] > 0 and n['kept']]
    assert len(kept) >= 20, (name, len(kept))
    assert len({n['language'] for n in kept}) >= 3, name
    for node in kept:
      sample = node['sample']
      assert sample is not None and sample['sample_index'] == node['sample_index'], node['node_id']
      assert {'editor', 'seed', 'prompt_key', 'text'} <= set(sample), node['node_id']
      assert extract_program(sample['text'], sample['finish_reason'])[0] == node['code'], node['node_id']
      assert node['speedup'] > 1.1 if name == 'opt' else node['speedup'] < 1 / 1.1, node['node_id']
    deepest = max(deepest, max(n['depth'] for n in kept))
  assert deepest >= 2
  levels = json.loads((workdir / 'curriculum' / 'levels.json').read_text())
  for level in ('easy', 'medium', 'hard'):
    lines = (workdir / 'curriculum' / f'{level}.jsonl').read_text().splitlines()
    assert len(lines) >= 10, (level, len(lines), levels)
  for stage in (1, 2, 3):
    info = json.loads((workdir / 'pkac' / f'stage{stage}' / 'final' / 'train_info.json').read_text())
    assert info['trained'] is True and info['steps'] > 0, info
    assert info['final_loss'] < info['first_loss'], info
  metrics = json.loads((workdir / 'metrics.json').read_text())
  assert 'seen' in metrics, sorted(metrics)
  report = (workdir / 'report.md').read_text()
  for heading in ('## What this run shows', '## Trees', '## Curriculum', '## Training', 'Seen problems'):
    assert heading in report, heading
  assert 'PKAC stage 3' in report and '```diff' in report


def test_the_readme_demo_shows_bite_working(tmp_path):
  workdir = tmp_path / 'tiny'
  cold = _main(workdir)
  assert cold.returncode == 0, cold.stderr[-4000:]
  check_demo(workdir)
  rerun = _main(workdir)
  assert rerun.returncode == 0, rerun.stderr[-4000:]
  log = rerun.stdout + rerun.stderr
  assert 'summary: editors=done, trees=done, curriculum=done, pkac=done, evaluate=done' in log
  assert '[ift] step' not in log and '[tree opt] depth' not in log  # nothing was trained or grown again
