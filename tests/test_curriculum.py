"""Multi-level pairs (easy, medium, hard) from the trees, and the PKAC stage mixtures."""

import concurrent.futures
import re

import pytest

from bite_jax import config as bite_config
from bite_jax.curriculum import (
  build_levels,
  extreme_nodes,
  levels_kwargs,
  merge_levels,
  mixtures_kwargs,
  parse_stages,
  path_factors,
  pkac_mixtures,
  read_levels,
  top_by_speedup,
  write_levels,
)
from bite_jax.data.pairs import read_pairs
from bite_jax.data.records import Pair
from executor import ExecutorConfig, Pool
from tests.helpers.tree_fakes import N, make_task, program, reps


def node(node_id, root_id, depth, speedup=None, kept=True, code=None, parent_id=None):
  """A tree node as read_tree returns it (only the fields the curriculum reads)."""
  parent = parent_id or (root_id if depth == 1 else node_id.rsplit('.', 1)[0])
  return {
    'node_id': node_id,
    'root_id': root_id,
    'parent_id': None if depth == 0 else parent,
    'depth': depth,
    'kept': kept,
    'reason': 'root' if depth == 0 else ('kept' if kept else 'not_faster'),
    'speedup': speedup,
    'code': code or f'# {node_id}\n',
  }


def opt_tree(root_id):
  """Root, r:0 (2x), r:0.0 (3x more: 6x from the root), r:1 (4x), r:2 pruned though 9x."""
  return [
    node(root_id, root_id, 0),
    node(f'{root_id}:0', root_id, 1, 2.0, code=program(1)),
    node(f'{root_id}:0.0', root_id, 2, 3.0, code=program(2)),
    node(f'{root_id}:1', root_id, 1, 4.0),
    node(f'{root_id}:2', root_id, 1, 9.0, kept=False),
  ]


def degr_tree(root_id):
  """Root, r:0 (0.5x), r:0.1 (0.5x more: 0.25x from the root), r:1 pruned though 0.1x."""
  return [
    node(root_id, root_id, 0),
    node(f'{root_id}:0', root_id, 1, 0.5),
    node(f'{root_id}:0.1', root_id, 2, 0.5, code=program(-1)),
    node(f'{root_id}:1', root_id, 1, 0.1, False),
  ]


class FakeMeasurePool:
  """Answers measure jobs with costs proportional to each program's level repetitions (a test double).

  `overrides[code]` replaces fields of that program's entry (e.g. a failed status).
  """

  def __init__(self, overrides=None):
    self.jobs = []
    self.overrides = overrides or {}

  def submit(self, job):
    self.jobs.append(job)
    entries = []
    for code in job['sources']:
      level = re.search(r'# level (-?\d+)', code)
      cost = 1e-4 * reps(int(level.group(1)) if level else 0)
      entries.append({'status': 'ok', 'outputs_match_first': True, 'cost': cost})
    for entry, code in zip(entries, job['sources']):
      entry['speedup_vs_first'] = {'speedup': entries[0]['cost'] / entry['cost']}
      entry.update(self.overrides.get(code, {}))
    future = concurrent.futures.Future()
    future.set_result({'id': job['id'], 'kind': 'measure', 'meter': 'cpu', 'programs': entries})
    return future

  def map_unordered(self, jobs):
    for job in reversed(list(jobs)):  # finishing out of order, as a real pool may
      yield self.submit(job).result()


def test_path_factors_multiply_kept_ratios_from_the_root():
  factors = path_factors(opt_tree('r'))
  assert factors == {'r': 1.0, 'r:0': 2.0, 'r:0.0': 6.0, 'r:1': 4.0}


def test_slow_is_the_least_and_fast_the_most_efficient_kept_node():
  assert extreme_nodes(opt_tree('r'), most_efficient=True)['r']['node_id'] == 'r:0.0'
  assert extreme_nodes(degr_tree('r'), most_efficient=False)['r']['node_id'] == 'r:0.1'


def test_levels_pair_slow_src_and_fast_with_speedups_measured_together():
  root = make_task('r', level=0)
  pool = FakeMeasurePool()
  levels = build_levels([root], opt_tree('r'), degr_tree('r'), pool=pool, meter='cpu', progress=False)
  assert [j['sources'] for j in pool.jobs] == [[root.src, program(-1), program(2)]]
  (easy,), (medium,), (hard,) = levels['easy'], levels['medium'], levels['hard']
  assert (easy.slow, easy.fast) == (program(-1), root.src)
  assert (medium.slow, medium.fast) == (root.src, program(2))
  assert (hard.slow, hard.fast) == (program(-1), program(2))
  # Costs scale with 8x repetitions per level: slow (level -1) -> src (0) -> fast (2).
  assert easy.speedup == pytest.approx(8.0) and medium.speedup == pytest.approx(64.0)
  assert hard.speedup == pytest.approx(easy.speedup * medium.speedup)
  assert {p.source for p in (easy, medium, hard)} == {'tree/easy', 'tree/medium', 'tree/hard'}
  assert easy.problem_id == 'sumloop' and easy.language == 'python'
  assert levels['details'][0]['measured'] == {'slow': True, 'fast': True}


def test_roots_lacking_a_kept_node_are_counted_per_level():
  roots = [make_task(r) for r in ('only_opt', 'only_degr', 'nothing', 'no_tree')]
  opt = opt_tree('only_opt') + [node('nothing', 'nothing', 0), node('nothing:0', 'nothing', 1, 3.0, kept=False)]
  degr = degr_tree('only_degr') + [node('nothing', 'nothing', 0)]
  pool = FakeMeasurePool()
  levels = build_levels(roots, opt, degr, pool=pool, progress=False)
  assert levels['missing'] == {'easy': 3, 'medium': 3, 'hard': 4}
  assert (len(levels['easy']), len(levels['medium']), len(levels['hard'])) == (1, 1, 0)
  assert len(pool.jobs) == 2 and levels['roots'] == 4


def test_a_pair_the_measurement_does_not_confirm_is_dropped():
  root = make_task('r')
  # The optimized program measures as slow as the root: no medium pair; slow -> fast is still a speedup.
  pool = FakeMeasurePool({program(2): {'speedup_vs_first': {'speedup': 0.97}}})
  levels = build_levels([root], opt_tree('r'), degr_tree('r'), pool=pool, progress=False)
  assert levels['unconfirmed'] == {'easy': 0, 'medium': 1, 'hard': 0}
  assert len(levels['easy']) == 1 and levels['medium'] == []
  assert levels['hard'][0].speedup == pytest.approx(8.0 * 0.97)
  pool = FakeMeasurePool({program(-1): {'speedup_vs_first': {'speedup': 1.0}}})
  levels = build_levels([root], opt_tree('r'), degr_tree('r'), pool=pool, min_speedup=1.1, progress=False)
  assert levels['unconfirmed'] == {'easy': 1, 'medium': 0, 'hard': 0}


def test_a_program_whose_outputs_differ_on_remeasure_is_dropped():
  pool = FakeMeasurePool({program(-1): {'outputs_match_first': False}})
  levels = build_levels([make_task('r')], opt_tree('r'), degr_tree('r'), pool=pool, progress=False)
  assert levels['unconfirmed'] == {'easy': 1, 'medium': 0, 'hard': 1}
  assert len(levels['medium']) == 1


def test_path_ratios_are_the_fallback_when_a_measurement_fails():
  pool = FakeMeasurePool({program(2): {'status': 'timeout', 'speedup_vs_first': None}})
  levels = build_levels([make_task('r')], opt_tree('r'), degr_tree('r'), pool=pool, progress=False)
  assert levels['medium'][0].speedup == pytest.approx(6.0)  # 2x then 3x along the tree
  assert levels['hard'][0].speedup == pytest.approx(6.0 * 8.0)  # measured easy x path medium
  assert levels['details'][0]['measured'] == {'slow': True, 'fast': False}


def test_levels_measured_by_the_executor(tmp_path):
  root = make_task('r', level=1, n=8 * N)  # level 2 then costs ~4 ms: clear of start-up noise
  opt = [node('r', 'r', 0), node('r:0', 'r', 1, 7.0, code=program(2))]
  degr = [node('r', 'r', 0), node('r:0', 'r', 1, 0.15, code=program(0))]
  with Pool(2, config=ExecutorConfig(cache_dir=tmp_path / 'executor-cache')) as pool:
    levels = build_levels([root], opt, degr, pool=pool, meter='cpu', repeats=3, progress=False)
  easy, medium, hard = levels['easy'][0], levels['medium'][0], levels['hard'][0]
  assert easy.speedup > 2 and medium.speedup > 2  # 8x fewer repetitions per level
  assert hard.speedup == pytest.approx(easy.speedup * medium.speedup)
  assert set(levels['details'][0]['costs']) == {'src', 'slow', 'fast'}


def test_levels_are_written_as_pair_files_with_a_summary(tmp_path):
  levels = build_levels([make_task('r')], opt_tree('r'), degr_tree('r'), pool=FakeMeasurePool(), progress=False)
  paths = write_levels(levels, tmp_path / 'curriculum')
  assert read_pairs(paths['hard']) == levels['hard']
  assert '"missing"' in paths['summary'].read_text()


def pairs(speedups, tag):
  return [Pair(language='python', slow=f'{tag}{i}', fast='f', speedup=s) for i, s in enumerate(speedups)]


def test_top_fraction_keeps_the_largest_speedups_rounding_up():
  ranked = top_by_speedup(pairs([1.2, 3.0, None, 2.0, 1.5], 'e'), 0.5)
  assert [p.speedup for p in ranked] == [3.0, 2.0, 1.5]
  assert top_by_speedup(pairs([1.2], 'e'), 0.5)[0].speedup == 1.2
  assert top_by_speedup([], 0.5) == []


def test_progressive_stages_add_one_level_and_keep_the_best_of_the_last():
  easy, medium, hard = pairs([1.2, 3.0, 2.0, 1.5], 'e'), pairs([4.0, 1.3], 'm'), pairs([9.0], 'h')
  stage1, stage2, stage3 = pkac_mixtures(easy, medium, hard)
  assert stage1 == easy
  assert stage2 == [easy[1], easy[2]] + medium
  assert stage3 == [medium[0]] + hard


def test_stage_ablations_and_union_mixing():
  easy, medium, hard = pairs([1.2, 3.0], 'e'), pairs([4.0, 1.3], 'm'), pairs([9.0], 'h')
  assert pkac_mixtures(easy, medium, hard, stages='2,3') == [[easy[1]] + medium, [medium[0]] + hard]
  assert pkac_mixtures(easy, medium, hard, stages='3') == [[medium[0]] + hard]
  assert pkac_mixtures(easy, medium, hard, mixing='union') == [easy + medium + hard]
  assert pkac_mixtures(easy, medium, hard, stages='3', mixing='union') == [hard]
  assert pkac_mixtures(easy, medium, hard, top_fraction=1.0)[1] == [easy[1], easy[0]] + medium


@pytest.mark.parametrize(
  'kwargs, message',
  [
    (dict(stages='1,3,2'), 'curriculum.stages'),
    (dict(stages='0,1'), 'curriculum.stages'),
    (dict(stages='one'), 'curriculum.stages'),
    (dict(stages=''), 'curriculum.stages'),
    (dict(mixing='mixed'), "curriculum.mixing: 'mixed'"),
    (dict(top_fraction=-0.5), 'curriculum.top_fraction: -0.5'),
    (dict(top_fraction=1.5), 'curriculum.top_fraction: 1.5'),
  ],
)
def test_bad_curriculum_settings_are_refused_by_name(kwargs, message):
  with pytest.raises(ValueError, match=message):
    pkac_mixtures([], [], [], **kwargs)


def test_no_consolidation_trains_each_stage_on_its_own_level_only():
  easy, medium, hard = pairs([1.2, 3.0], 'e'), pairs([4.0, 1.3], 'm'), pairs([9.0], 'h')
  assert pkac_mixtures(easy, medium, hard, top_fraction=0.0) == [easy, medium, hard]
  assert pkac_mixtures(easy, medium, hard, top_fraction=0.0, stages='2,3') == [medium, hard]


def test_stage_lists_parse_from_strings_and_sequences():
  assert parse_stages('1, 2,3') == (1, 2, 3) and parse_stages([2, 3]) == (2, 3)


def test_settings_come_from_the_config_sections():
  config = bite_config.base_config()
  config.curriculum.stages, config.executor.meter = '2,3', 'cpu'
  assert mixtures_kwargs(config) == {'top_fraction': 0.5, 'stages': '2,3', 'mixing': 'progressive'}
  assert levels_kwargs(config) == {
    'meter': 'cpu',
    'timeout': 10.0,
    'memory_mb': 1024,
    'repeats': None,
    'min_speedup': 1.0,
  }


def test_levels_of_disjoint_shares_merge_into_the_levels_of_all_roots(tmp_path):
  """Several processes each measure a share of the roots (every other one): the merged levels, written and
  read back, are the levels one process builds from all of them, pairs and details in root order."""
  roots = [make_task(f'r{i}') for i in range(5)]
  opt = [n for i in range(5) if i != 3 for n in opt_tree(f'r{i}')]  # r3 has no fast program: medium, hard missing
  degr = [n for i in range(5) for n in degr_tree(f'r{i}')]
  whole = build_levels(roots, opt, degr, pool=FakeMeasurePool(), progress=False)
  shards = []
  for k in range(2):
    share = roots[k::2]
    write_levels(build_levels(share, opt, degr, pool=FakeMeasurePool(), progress=False), tmp_path / f'p{k}')
    shards.append(read_levels(tmp_path / f'p{k}'))
  merged = merge_levels(shards, roots)
  for level in ('easy', 'medium', 'hard'):
    assert [p.to_dict() for p in merged[level]] == [p.to_dict() for p in whole[level]]
  assert (
    merged['pair_roots']
    == whole['pair_roots']
    == {
      'easy': ['r0', 'r1', 'r2', 'r3', 'r4'],
      'medium': ['r0', 'r1', 'r2', 'r4'],
      'hard': ['r0', 'r1', 'r2', 'r4'],
    }
  )
  assert {k: merged[k] for k in ('missing', 'unconfirmed', 'roots')} == {
    k: whole[k] for k in ('missing', 'unconfirmed', 'roots')
  }
  assert [d['root_id'] for d in merged['details']] == [f'r{i}' for i in range(5)]
