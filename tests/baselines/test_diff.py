"""Supersonic's diffs: written from a (slow, fast) pair, applied strictly, refused when they do not fit."""

import json

import pytest

from bite_jax.baselines.diff import DiffError, apply_diff, extract_diff, make_diff, parse_diff
from bite_jax.data.mini import train_pairs
from tests.helpers import paths

SRC = 'a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n'


def test_a_diff_turns_the_source_into_the_target():
  target = 'a = 1\nb = 20\nc = 3\ne = 5\nf = 6\n'
  diff = make_diff(SRC, target)
  assert diff.startswith('@@ -1,')
  assert apply_diff(SRC, diff) == target


def test_equal_programs_give_an_empty_diff_that_applies_to_the_source():
  assert make_diff(SRC, SRC + '\n\n') == ''
  assert apply_diff(SRC, '') == SRC


def test_every_mini_pair_round_trips():
  pairs = train_pairs('train')
  for p in pairs:
    assert apply_diff(p.slow, make_diff(p.slow, p.fast)).rstrip('\n') == p.fast.rstrip('\n')


def test_every_real_pie_pair_round_trips_with_any_context():
  path = paths.SHARED_DATA / 'pie' / 'py_reference.jsonl'
  if not path.is_file():
    pytest.skip(f'{path} is absent (real PIE pairs are not part of the project)')
  rows = [json.loads(line) for line in path.read_text(encoding='utf-8').splitlines()]
  assert len(rows) == 1000
  for context in (0, 1, 3):
    for r in rows:
      assert apply_diff(r['input'], make_diff(r['input'], r['target'], context)).rstrip('\n') == r['target'].rstrip(
        '\n'
      )


def test_a_hunk_whose_lines_moved_applies_at_the_nearest_offset():
  diff = '@@ -2,1 +2,1 @@\n-b = 2\n+b = 3'
  moved = 'x = 0\ny = 0\n' + SRC
  assert apply_diff(moved, diff) == 'x = 0\ny = 0\na = 1\nb = 3\nc = 3\nd = 4\ne = 5\n'


def test_a_hunk_whose_lines_are_not_in_the_source_is_refused():
  with pytest.raises(DiffError, match='line 1: the hunk'):
    apply_diff(SRC, '@@ -2,1 +2,1 @@\n-b = 99\n+b = 3')


def test_hunks_apply_in_order_and_may_not_go_back():
  diff = '@@ -4,1 +4,1 @@\n-d = 4\n+d = 40\n@@ -1,1 +1,1 @@\n-a = 1\n+a = 10'
  with pytest.raises(DiffError, match='line 4'):
    apply_diff(SRC, diff)


@pytest.mark.parametrize(
  'diff, message',
  [
    ('print(1)', 'line 1: expected a hunk header'),
    ('@@ -1,1 +1,2 @@\n-a = 1\n+a = 2', 'counts 1 old and 2 new'),
    ('@@ -1,1 +1,1 @@\n*a = 1\n+a = 2', 'line 2: a hunk line must start'),
  ],
)
def test_malformed_diffs_name_the_line(diff, message):
  with pytest.raises(DiffError, match=message):
    apply_diff(SRC, diff)


def test_blank_context_lines_that_lost_their_space_at_the_end_still_apply():
  src = 'a\n\nb\n\nc\n'
  diff = make_diff(src, 'a\n\nB\n\nc\n')
  assert diff.endswith('\n ')
  assert apply_diff(src, diff.rstrip()) == 'a\n\nB\n\nc\n'
  assert len(parse_diff(diff.rstrip())) == 1


def test_extract_diff_reads_a_fence_and_stops_at_a_prompt_header():
  diff = '@@ -1,1 +1,1 @@\n-a = 1\n+a = 2'
  assert extract_diff('\n```diff\n' + diff + '\n```\nthanks') == diff
  assert extract_diff(diff + '\n### Python Code:\nx = 1') == diff
