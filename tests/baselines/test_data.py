"""Training data of the training-based baselines: speedup bins, trajectories, diffs and preference records."""

import json
from collections import Counter

import numpy as np
import pytest

from bite_jax.baselines import data
from bite_jax.baselines.diff import apply_diff
from bite_jax.baselines.prompts import NEXT_HEADER, diff_prompt, perfcond_prompt, trajectory_prompt
from bite_jax.data.mini import load_problems, train_pairs
from bite_jax.data.pairs import read_pairs
from bite_jax.data.records import Pair
from tests.helpers import paths

PIE = paths.SHARED_DATA / 'pie' / 'py_reference.jsonl'


def pie_pairs():
  if not PIE.is_file():
    pytest.skip(f'{PIE} is absent (real PIE pairs are not part of the project)')
  return read_pairs(PIE)


def test_speedup_bins_hold_equal_counts_and_order_by_speedup():
  speedups = list(np.exp(np.linspace(0, 3, 100)))
  edges = data.speedup_edges(speedups, 10)
  bins = [data.speedup_bin(s, edges) for s in speedups]
  assert Counter(bins) == {k: 10 for k in range(1, 11)}
  assert bins == sorted(bins)


def test_perfcond_bins_on_real_pie_pairs():
  pairs = pie_pairs()
  assert all(p.speedup for p in pairs)
  items = data.perfcond_pairs(pairs, 10)
  assert len(items) == len(pairs)
  edges = data.speedup_edges([p.speedup for p in pairs], 10)
  counts = Counter(data.speedup_bin(p.speedup, edges) for p in pairs)
  assert set(counts) == set(range(1, 11))
  assert max(counts.values()) < 3 * min(counts.values())  # quantile bins: ties on equal speedups only
  best = max(pairs, key=lambda p: p.speedup)
  item = items[pairs.index(best)]
  assert item.prompt == perfcond_prompt('python', best.slow, 10, 10)
  assert item.response == best.fast
  worst = min(pairs, key=lambda p: p.speedup)
  assert 'bin 1 of 10' in items[pairs.index(worst)].prompt


def test_perfcond_leaves_out_pairs_without_a_speedup():
  pairs = [Pair('python', 'a', 'b', speedup=2.0), Pair('python', 'c', 'd'), Pair('python', 'e', 'f', speedup=4.0)]
  items = data.perfcond_pairs(pairs, 2)
  assert [i.response for i in items] == ['b', 'f']
  assert ['bin 1 of 2' in items[0].prompt, 'bin 2 of 2' in items[1].prompt] == [True, True]


def test_a_mini_problem_history_reads_slowest_first():
  pairs = train_pairs('train', languages=['python'])
  problem = next(p for p in load_problems('train') if p.source('slow', 'python') and p.source('mid', 'python'))
  versions = data.histories(pairs)[('python', problem.problem_id, None)]
  assert versions == [problem.source(v, 'python') for v in ('slow', 'src', 'mid', 'expert')]


def test_trajectory_items_show_the_earlier_versions_and_target_the_next():
  chain = ['v1', 'v2', 'v3', 'v4', 'v5']
  pairs = [Pair('cpp', a, b, problem_id='p', user_id='u') for a, b in zip(chain[1:], chain[2:])]
  pairs.insert(0, Pair('cpp', 'v1', 'v2', problem_id='p', user_id='u'))
  items = data.trajectory_pairs(pairs, max_context=2)
  assert [i.response for i in items] == ['v2', 'v3', 'v4', 'v5']
  assert items[-1].prompt == trajectory_prompt('cpp', ['v3', 'v4'])
  assert items[0].prompt.endswith('### C++ Version 1:\nv1\n' + NEXT_HEADER + '\n')


def test_histories_keep_users_and_problems_apart():
  pairs = [
    Pair('python', 'a', 'b', problem_id='p', user_id='u1'),
    Pair('python', 'b', 'c', problem_id='p', user_id='u2'),
    Pair('python', 'x', 'y', problem_id='q', user_id='u1'),
    Pair('python', 'm', 'n'),
    Pair('python', 'n', 'o'),
  ]
  hist = data.histories(pairs)
  assert sorted(hist.values()) == [['a', 'b'], ['b', 'c'], ['m', 'n'], ['n', 'o'], ['x', 'y']]


def test_trajectories_of_real_pie_users():
  pairs = pie_pairs()
  assert all(p.user_id for p in pairs)
  hist = data.histories(pairs)
  groups = Counter((p.problem_id, p.user_id) for p in pairs)
  assert len(hist) == len(groups)
  items = data.trajectory_pairs(pairs)
  assert len(items) == sum(len(v) - 1 for v in hist.values())
  # A user with several pairs on one problem gives a trajectory longer than one pair.
  (pid, uid), n = groups.most_common(1)[0]
  assert n > 1 and len(hist[('python', pid, uid)]) > 2
  for p in pairs:  # every pair's slow program comes before its fast one in the user's history
    versions = hist[('python', p.problem_id, p.user_id)]
    assert versions.index(p.slow) < versions.index(p.fast)


def test_pairs_links_decide_the_order_of_a_history():
  pairs = [Pair('go', 'b', 'c', problem_id='p'), Pair('go', 'a', 'b', problem_id='p')]
  assert data.histories(pairs)[('go', 'p', None)] == ['a', 'b', 'c']


def test_diff_items_on_real_pie_pairs_apply_back_to_the_fast_program():
  pairs = pie_pairs()[:200]
  items = data.diff_pairs(pairs)
  for p, item in zip(pairs, items):
    assert item.prompt == diff_prompt('python', p.slow)
    assert apply_diff(p.slow, item.response).rstrip('\n') == p.fast.rstrip('\n')


def test_preference_records_choose_fast_and_reject_the_slowest_known_version():
  pairs = train_pairs('train', languages=['python'])
  problem = next(p for p in load_problems('train') if p.source('slow', 'python'))
  slow, src, expert = (problem.source(v, 'python') for v in ('slow', 'src', 'expert'))
  records = data.preference_records(pairs)
  assert len(records) == len(pairs)
  by_prompt = {(r['src'], r['chosen']): r for r in records}
  assert by_prompt[(src, expert)]['rejected'] == slow  # slower than src, known from the pair slow -> src
  assert by_prompt[(slow, src)]['rejected'] == slow  # nothing slower known: the prompt's own program
  for r in records:
    assert r['rejected'] != r['chosen'] and r['language'] == 'python'


def test_preference_records_on_real_pie_pairs():
  pairs = pie_pairs()
  records = data.preference_records(pairs)
  assert len(records) == len(pairs)
  assert sum(r['rejected'] == r['src'] for r in records) >= len(records) // 2
  assert json.loads(json.dumps(records[0])) == records[0]
