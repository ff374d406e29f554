"""bite_jax.report: WORKDIR/report.md from the stages' files; a malformed file is one error naming it (and its line
or field), `python -m bite_jax.report` exits 2 on it and leaves the previous report.md in place."""

import json
import subprocess
import sys

import pytest

from bite_jax.data.pairs import write_pairs
from bite_jax.data.records import Pair
from bite_jax.report import ReportInputError, read_metrics_jsonl, write_report
from bite_jax.tree import tree_statistics
from tests.helpers import paths


def _metrics(path, lines):
  path.parent.mkdir(parents=True, exist_ok=True)
  path.write_text(''.join(line + '\n' for line in lines))
  return path


def _cli(*flags):
  return subprocess.run(
    [sys.executable, '-m', 'bite_jax.report', *flags], capture_output=True, text=True, cwd=paths.REPO, timeout=120
  )


def test_an_empty_workdir_gets_a_report_saying_nothing_ran_yet(tmp_path):
  text = write_report(tmp_path).read_text()
  assert 'No evaluation results yet' in text and 'No trees yet.' in text


def test_a_torn_last_metrics_line_is_ignored(tmp_path):
  path = _metrics(tmp_path / 'metrics.jsonl', ['{"step": 1, "loss": 2.0}', '{"step": 2, "lo'])
  assert read_metrics_jsonl(path) == [{'step': 1, 'loss': 2.0}]


@pytest.mark.parametrize(
  'line, why',
  [('{"step": 2, "lo', 'not valid JSON'), ('{"step": 2}', 'numeric "step" and "loss"'), ('[2, 1.5]', 'numeric')],
)
def test_a_bad_metrics_line_before_the_last_is_named_with_its_line(tmp_path, line, why):
  path = _metrics(tmp_path / 'metrics.jsonl', ['{"step": 1, "loss": 2.0}', line, '{"step": 3, "loss": 1.0}'])
  with pytest.raises(ReportInputError, match=f'metrics.jsonl:2: .*{why}'):
    read_metrics_jsonl(path)


@pytest.mark.parametrize(
  'relative, text, why',
  [
    ('trees/stats.json', '{"opt": ', 'not valid JSON'),
    ('trees/stats.json', '[1]', 'expected a JSON object, got list'),
    (
      'evaluate/summary.json',
      '{"bite-direct": {"model": "m"}}',
      "missing or malformed field \\(KeyError: 'metrics'\\)",
    ),
    ('curriculum/levels.json', '{"pairs": {}}', 'missing or malformed field'),
    ('isolation.json', '"bwrap"', 'expected a JSON object, got str'),
  ],
)
def test_a_malformed_workdir_file_is_named(tmp_path, relative, text, why):
  path = tmp_path / relative
  path.parent.mkdir(parents=True, exist_ok=True)
  path.write_text(text)
  if relative.startswith('curriculum'):
    (tmp_path / 'trees').mkdir(exist_ok=True)
    (tmp_path / 'trees' / 'stats.json').write_text('{"other": 1}')  # trees of no known name: levels are read
  with pytest.raises(ReportInputError, match=f'{path}.*{why}'):
    write_report(tmp_path)


def test_the_cli_refuses_a_malformed_file_and_keeps_the_previous_report(tmp_path):
  write_report(tmp_path)
  before = (tmp_path / 'report.md').read_bytes()
  (tmp_path / 'evaluate').mkdir()
  (tmp_path / 'evaluate' / 'summary.json').write_text('{"bite-direct": ')
  proc = _cli(f'--workdir={tmp_path}')
  assert proc.returncode == 2 and 'Traceback' not in proc.stderr
  assert proc.stderr.strip() == (
    f'python -m bite_jax.report: error: {tmp_path / "evaluate" / "summary.json"}: not valid JSON '
    '(Expecting value: line 1 column 17 (char 16))'
  )
  assert (tmp_path / 'report.md').read_bytes() == before


@pytest.mark.parametrize(
  'flags, message',
  [
    (['--workdir=/no/such/run'], '/no/such/run: no such run directory'),
    ([], '--workdir=W is required'),
    (['--bogus=1'], "Unknown command line flag 'bogus'"),
  ],
  ids=['missing-dir', 'no-workdir', 'unknown-flag'],
)
def test_the_cli_reports_bad_usage_in_one_line_with_status_2(flags, message):
  proc = _cli(*flags)
  assert proc.returncode == 2 and proc.stderr.strip() == f'python -m bite_jax.report: error: {message}'


def _node(node_id, parent, depth, code, *, kept=True, speedup=None, language='python', direction='optimize'):
  return {
    'node_id': node_id,
    'root_id': 'mini/p/python',
    'parent_id': parent,
    'depth': depth,
    'direction': direction,
    'language': language,
    'kept': kept,
    'reason': 'kept' if kept else 'compile_error',
    'speedup': speedup,
    'path_speedup': None,
    'meter': 'cpu',
    'code': code,
  }


def _grown_workdir(tmp_path):
  """A workdir with an optimization tree (a depth-2 chain), curriculum levels, PKAC curves and both evaluations."""
  src, mid, fast = (
    'n = int(input())\ns = 0\nfor i in range(n):\n    s += i\nprint(s)\n',
    'n = int(input())\nprint(sum(range(n)))\n',
    'n = int(input())\nprint(n * (n - 1) // 2)\n',
  )
  nodes = [
    _node('mini/p/python', None, 0, src, speedup=None),
    _node('mini/p/python:0', 'mini/p/python', 1, mid, speedup=2.5),
    _node('mini/p/python:1', 'mini/p/python', 1, 'print(', kept=False),
    _node('mini/p/python:0.0', 'mini/p/python:0', 2, fast, speedup=12.0),
  ]
  (tmp_path / 'trees').mkdir()
  (tmp_path / 'trees' / 'opt.jsonl').write_text(''.join(json.dumps(n) + '\n' for n in nodes))
  (tmp_path / 'trees' / 'stats.json').write_text(json.dumps({'opt': tree_statistics(nodes)}))
  (tmp_path / 'curriculum').mkdir()
  for level, speedups in (('easy', [1.5, 2.0]), ('medium', [3.0]), ('hard', [6.0, 30.0, 4.0])):
    write_pairs(tmp_path / 'curriculum' / f'{level}.jsonl', [Pair('python', src, fast, speedup=x) for x in speedups])
  levels = {
    'roots': 1,
    'pairs': {'easy': 2, 'medium': 1, 'hard': 3},
    'missing': dict.fromkeys(('easy', 'medium', 'hard'), 0),
  }
  levels['unconfirmed'] = levels['missing']
  (tmp_path / 'curriculum' / 'levels.json').write_text(json.dumps(levels))
  for k in (1, 2, 3):
    _metrics(
      tmp_path / 'pkac' / f'stage{k}' / 'metrics.jsonl', ['{"step": 1, "loss": 3.0}', '{"step": 2, "loss": 1.5}']
    )
    (tmp_path / 'pkac' / f'stage{k}' / 'final').mkdir(parents=True)
    (tmp_path / 'pkac' / f'stage{k}' / 'final' / 'train_info.json').write_text('{"trained": true, "steps": 2}')
  overall = {'AP': 10.0, 'OPT': 10.0, 'SP': 120.0, 'COR': 50.0, 'tasks': 2}
  for sub, ap in (('evaluate', 0.0), ('evaluate/seen', 87.5)):
    (tmp_path / sub).mkdir(parents=True, exist_ok=True)
    summary = {'bite-direct': {'metrics': {'overall': {**overall, 'AP': ap}, 'by_language': {}}, 'benchmark': 'mini'}}
    (tmp_path / sub / 'summary.json').write_text(json.dumps(summary))
  (tmp_path / 'base').mkdir()
  (tmp_path / 'base' / 'BASE_DONE').write_text('{}')
  return tmp_path


def test_report_shows_kept_children_per_depth_and_language_and_one_edit_as_a_diff(tmp_path):
  text = write_report(_grown_workdir(tmp_path)).read_text()
  assert '| depth | python | all |' in text and '| 2 | 1 | 1 |' in text
  assert 'speedup of kept edges (kept children per bin): 1-1.25x: 0, 1.25-1.5x: 0, 1.5-2x: 0, 2-4x: 1' in text
  assert '```diff' in text and '+print(n * (n - 1) // 2)' in text and '12.00x faster than its parent' in text


def test_report_shows_level_speedups_and_the_seen_evaluation_apart(tmp_path):
  text = write_report(_grown_workdir(tmp_path)).read_text()
  assert '| hard | 3 | 0 | 0 | 6.00x | 4.00x | 30.00x |' in text
  assert '### Seen problems' in text and 'cannot generalize' in text
  assert '| bite-direct | 2 | 87.5 |' in text


def test_report_says_plainly_what_the_run_shows(tmp_path):
  text = write_report(_grown_workdir(tmp_path)).read_text()
  summary = text.split('## What this run shows')[1].split('##')[0]
  assert 'kept 2 of 3 sampled children (1 languages: python; deepest kept child at depth 2)' in summary
  assert 'easy 2, medium 1, hard 3 pairs' in summary
  assert 'PKAC stage 3 loss 3.000 -> 1.500' in summary
  assert 'seen (trained on) problems: bite-direct AP 87.5' in summary


def test_report_shows_the_data_stage_counts_per_language(tmp_path):
  stats = {
    'metadata_files': {'read': 2},
    'languages': {
      'python': {'read': 10, 'kept': 6, 'pairs': 2, 'roots': 2, 'dropped': {'python2': 3, 'not_accepted': 1}},
      'other': {'read': 1, 'kept': 0, 'dropped': {'unknown_language': 1}},
    },
  }
  (tmp_path / 'data').mkdir()
  (tmp_path / 'data' / 'stats.json').write_text(json.dumps(stats))
  text = write_report(tmp_path).read_text()
  assert '## Data (Project CodeNet)' in text
  assert '| python | 10 | 6 | 2 | 2 | python2 3, not_accepted 1 |' in text
  assert '| other | 1 | 0 | 0 | 0 | unknown_language 1 |' in text
