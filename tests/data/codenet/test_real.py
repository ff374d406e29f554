"""The data stage on a CodeNet-layout directory of real AtCoder programs (PIE's, from the shared data)
with CodeNet's statements and planted dirt, through `python -m bite_jax.main --config.stage=data`."""

import json
import subprocess
import sys
import tarfile

import pytest

from tests.helpers import paths
from tests.helpers.codenet import build_from_pie, metadata_rows, read_jsonl

PIE = paths.SHARED_DATA / 'pie' / 'py_reference.jsonl'
STATEMENTS = paths.SHARED_DATA / 'codenet' / 'problem_descriptions.tar.gz'
PROBLEMS = ('p03371', 'p03416', 'p03494')  # AtCoder problems with sample tests in their statements


@pytest.fixture(scope='module')
def run(tmp_path_factory):
  for path in (PIE, STATEMENTS):
    if not path.is_file():
      pytest.skip(f'real data not found at {path}')
  rows = [r for r in map(json.loads, PIE.open()) if r['problem_id'] in PROBLEMS]
  rows.sort(key=lambda r: (r['problem_id'], r['submission_id_v0'], r['submission_id_v1']))
  wanted = {f'problem_descriptions/{p}.html' for p in PROBLEMS}
  with tarfile.open(STATEMENTS) as tar:
    statements = {m.name[-11:-5]: tar.extractfile(m).read() for m in tar if m.name in wanted}
  tmp = tmp_path_factory.mktemp('real')
  build = build_from_pie(tmp / 'codenet', rows, statements)
  proc = subprocess.run(
    [
      sys.executable,
      '-m',
      'bite_jax.main',
      f'--config={paths.CONFIGS / "tiny.py"}',
      f'--workdir={tmp / "w"}',
      '--config.stage=data',
      f'--config.data.codenet={tmp / "codenet"}',
      '--config.data.pairs_per_language=12',  # leaves most programs to be roots
    ],
    cwd=paths.REPO,
    capture_output=True,
    text=True,
    timeout=900,
  )
  assert proc.returncode == 0, proc.stderr[-3000:]
  return tmp, build


def test_every_pair_is_two_accepted_python3_programs_of_one_problem_at_least_1_1x_apart(run):
  tmp, _ = run
  meta = metadata_rows(tmp / 'codenet')
  pairs = read_jsonl(tmp / 'w' / 'data' / 'pairs.jsonl')
  assert sorted(p['problem_id'] for p in pairs) == sorted(PROBLEMS * 4)  # spread evenly over the problems
  for p in pairs:
    slow, fast = meta[p['slow_id']], meta[p['fast_id']]
    assert slow['status'] == fast['status'] == 'Accepted'
    assert slow['original_language'] == fast['original_language'] == 'Python (3.4.3)'
    assert slow['problem_id'] == fast['problem_id'] == p['problem_id']
    assert float(slow['cpu_time']) >= 1.1 * float(fast['cpu_time'])


def test_roots_share_no_submission_with_a_pair_and_their_tests_are_the_statements(run):
  tmp, _ = run
  pairs = read_jsonl(tmp / 'w' / 'data' / 'pairs.jsonl')
  roots = read_jsonl(tmp / 'w' / 'data' / 'roots.jsonl')
  assert len(roots) >= 50
  assert {s for p in pairs for s in (p['slow_id'], p['fast_id'])}.isdisjoint(r['submission_id'] for r in roots)
  for r in roots:
    page = (tmp / 'codenet' / 'problem_descriptions' / f'{r["problem_id"]}.html').read_text()
    assert r['tests_from'] == 'statement'
    assert all(o.strip() in page for o in r['outputs'])


def test_the_planted_dirt_is_dropped_with_reasons(run):
  tmp, _ = run
  stats = json.loads((tmp / 'w' / 'data' / 'stats.json').read_text())
  python = stats['languages']['python']
  for reason in ('not_accepted', 'python2', 'not_utf8', 'missing_file', 'empty_file'):
    assert python['dropped'][reason] >= 1, reason
  assert python['normalised']['crlf'] == 1
  assert stats['settings']['roots_verified'] is True
  assert python['read'] == python['kept'] + sum(python['dropped'].values())
