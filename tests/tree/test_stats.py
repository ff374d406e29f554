"""tree_statistics: counts per depth, share kept, pruning reasons, factors in the tree's direction."""

import json

import pytest

from bite_jax import report
from bite_jax.tree.stats import format_statistics, tree_statistics


def node(node_id, root_id, depth, reason, speedup=None, path=None, direction='optimize'):
  return {
    'node_id': node_id,
    'root_id': root_id,
    'depth': depth,
    'kept': reason in ('root', 'kept'),
    'reason': reason,
    'speedup': speedup,
    'path_speedup': path,
    'direction': direction,
    'meter': 'cpu',
  }


OPT = [
  node('a', 'a', 0, 'root', path=1.0),
  node('b', 'b', 0, 'runtime_error'),
  node('a:0', 'a', 1, 'kept', 2.0, 2.0),
  node('a:1', 'a', 1, 'wrong_output'),
  node('a:2', 'a', 1, 'kept', 1.5, 1.5),
  node('a:0.0', 'a', 2, 'kept', 4.0, 8.0),
  node('a:0.1', 'a', 2, 'not_faster', 1.02, 2.04),
  node('a:0.1', 'a', 2, 'not_faster', 1.02, 2.04),  # a repeated line counts once
]


def test_counts_per_depth_and_reasons():
  stats = tree_statistics(OPT)
  assert (stats['roots'], stats['roots_ok'], stats['roots_with_kept']) == (2, 1, 1)
  assert (stats['nodes'], stats['children'], stats['kept']) == (7, 5, 3)
  assert stats['kept_share'] == pytest.approx(0.6)
  assert stats['reasons'] == {'kept': 3, 'wrong_output': 1, 'not_faster': 1}
  assert stats['depths'] == [
    {'depth': 0, 'nodes': 2, 'kept': 1, 'kept_share': 0.5},
    {'depth': 1, 'nodes': 3, 'kept': 2, 'kept_share': 2 / 3},
    {'depth': 2, 'nodes': 2, 'kept': 1, 'kept_share': 0.5},
  ]


def test_factors_of_kept_edges_and_best_paths():
  stats = tree_statistics(OPT)
  edge = stats['edge_factor']
  assert (edge['count'], edge['min'], edge['median'], edge['max']) == (3, 1.5, 2.0, 4.0)
  assert edge['geomean'] == pytest.approx((1.5 * 2.0 * 4.0) ** (1 / 3))
  assert stats['best_path_factor']['max'] == 8.0 and stats['best_path_factor']['count'] == 1


def test_degradation_factors_are_slowdowns():
  degr = [
    node('a', 'a', 0, 'root', path=1.0, direction='degrade'),
    node('a:0', 'a', 1, 'kept', 0.5, 0.5, direction='degrade'),
    node('a:0.0', 'a', 2, 'kept', 0.25, 0.125, direction='degrade'),
  ]
  stats = tree_statistics(degr)
  assert stats['edge_factor']['min'] == 2.0 and stats['edge_factor']['max'] == 4.0
  assert stats['best_path_factor']['max'] == 8.0


def test_an_empty_tree_has_no_distributions():
  stats = tree_statistics([node('a', 'a', 0, 'root', path=1.0)])
  assert stats['kept_share'] is None and stats['edge_factor'] is None and stats['best_path_factor'] is None


def test_report_section_lists_depths_and_reasons():
  text = format_statistics(tree_statistics(OPT), 'optimization tree')
  assert text.startswith('### optimization tree')
  assert '| 1 | 3 | 2 | 66.7% |' in text
  assert 'pruning reasons: kept 3, wrong_output 1, not_faster 1' in text
  assert 'factor per kept edge: median 2.00x' in text


def test_the_extra_input_check_is_counted_with_its_cost():
  checked = [
    {**node('a:0', 'a', 1, 'kept', 2.0, 2.0), 'extra_inputs': 8, 'extra_runs': 16, 'extra_seconds': 0.5},
    {**node('a:1', 'a', 1, 'differs_on_extra', 3.0, 3.0), 'extra_inputs': 8, 'extra_runs': 8, 'extra_seconds': 0.25},
    {**node('a:2', 'a', 1, 'duplicate'), 'extra_inputs': 8, 'extra_runs': 0, 'extra_seconds': 0.0},
    {**node('a:3', 'a', 1, 'kept', 2.0, 2.0), 'extra_inputs': 6, 'extra_runs': 0, 'extra_seconds': 0.0},  # reused
  ]
  stats = tree_statistics([node('a', 'a', 0, 'root', path=1.0), *checked, node('a:4', 'a', 1, 'wrong_output')])
  assert stats['reasons']['differs_on_extra'] == 1
  assert stats['extra_check'] == {'checked': 3, 'differs': 1, 'inputs': 22, 'runs': 24, 'seconds': 0.75}
  text = format_statistics(stats, 'optimization tree')
  assert 'differs_on_extra 1' in text
  assert '3 checked on 22 inputs, 1 pruned as differs_on_extra; cost 24 runs, 0.8 s' in text


def test_a_tree_without_the_check_says_nothing_of_it():
  stats = tree_statistics(OPT)
  assert stats['extra_check'] == {'checked': 0, 'differs': 0, 'inputs': 0, 'runs': 0, 'seconds': 0}
  assert 'extra-input check' not in format_statistics(stats)


def test_the_run_report_shows_the_check_in_its_tree_section(tmp_path):
  nodes = [node('a', 'a', 0, 'root', path=1.0), {**node('a:0', 'a', 1, 'differs_on_extra'), 'extra_inputs': 8}]
  (tmp_path / 'trees').mkdir()
  (tmp_path / 'trees' / 'stats.json').write_text(json.dumps({'opt': tree_statistics(nodes)}))
  text = '\n'.join(report.tree_section(tmp_path))
  assert 'pruning reasons: differs_on_extra 1' in text and '1 pruned as differs_on_extra' in text
