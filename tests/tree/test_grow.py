"""grow_tree with a fake editor and the real executor pool: pruning, dedupe, batching, overlap, reruns."""

import pytest

from bite_jax import config as bite_config
from bite_jax.tree import REASONS, grow_tree, grow_tree_kwargs, read_tree, tree_shape
from bite_jax.tree.store import TreeFormatError
from tests.helpers.tree_fakes import C_ROOT, CountingPool, FakeEditor, N, make_task

SETTINGS = dict(meter='cpu', compare_options={'max_rounds': 8}, progress=False)


@pytest.fixture
def pool(executor_pool):
  return CountingPool(executor_pool)


def by_id(path):
  return {n['node_id']: n for n in read_tree(path)}


def test_children_are_kept_or_pruned_with_the_executor_verdict(tmp_path, pool):
  plan = ('next', 'wrong', 'same', 'syntax', 'empty', 'truncated', 'unchanged')
  path = tmp_path / 'opt.jsonl'
  stats = grow_tree(
    [make_task('t')], FakeEditor(plan), 'optimize', path, height=1, width=len(plan), pool=pool, **SETTINGS
  )
  nodes = by_id(path)
  reasons = {j: nodes[f't:{j}']['reason'] for j in range(len(plan))}
  assert reasons == {
    0: 'kept',
    1: 'wrong_output',
    2: 'not_faster',
    3: 'runtime_error',
    4: 'empty',
    5: 'truncated',
    6: 'unchanged',
  }
  assert [n['node_id'] for n in nodes.values() if n['kept']] == ['t', 't:0']
  kept = nodes['t:0']
  assert kept['correct'] is True and kept['speedup'] > 1.1 and kept['interval'][0] > 1.1
  assert kept['path_speedup'] == pytest.approx(kept['speedup'])
  assert kept['cost'] < kept['parent_cost'] and kept['meter'] == 'cpu'
  assert nodes['t:1']['correct'] is False and nodes['t:3']['correct'] is False
  assert nodes['t:2']['correct'] is True and not nodes['t:2']['kept']
  assert 'SyntaxError' in nodes['t:3']['detail']
  assert kept['extra_inputs'] == 8 and kept['extra_runs'] == 16 and kept['extra_seconds'] > 0
  # Only the root measure and the four programs that were well formed and new reached the executor,
  # then the one child the compare kept ran with its parent on the extra inputs.
  assert [j['kind'] for j in pool.jobs] == ['measure'] + ['compare'] * 4 + ['run'] * 2
  assert stats.jobs == 7 and stats.extra_jobs == 2 and stats.nodes_written == 8 and stats.complete


def test_every_line_is_a_well_formed_node(tmp_path, pool):
  path = tmp_path / 'opt.jsonl'
  grow_tree(
    [make_task('a'), make_task('b', n=9000)],
    FakeEditor(('next', 'wrong', 'empty')),
    'optimize',
    path,
    height=2,
    width=3,
    pool=pool,
    **SETTINGS,
  )
  nodes = read_tree(path)
  ids = [n['node_id'] for n in nodes]
  assert len(ids) == len(set(ids)) == 2 + 2 * 3 + 2 * 3
  seen = {}
  for n in nodes:
    assert n['reason'] in REASONS or (n['reason'] == 'root' and n['depth'] == 0)
    assert n['direction'] == 'optimize' and n['language'] == 'python' and isinstance(n['code'], str)
    if n['depth'] > 0:
      parent = seen[n['parent_id']]  # parents are always written before their children
      assert parent['kept'] and n['depth'] == parent['depth'] + 1 and n['root_id'] == parent['root_id']
    seen[n['node_id']] = n
  assert all(n['cost'] > 0 for n in nodes if n['depth'] == 0)


def test_a_child_that_does_not_compile_is_pruned_as_compile_error(tmp_path, pool):
  path = tmp_path / 'opt.jsonl'
  root = make_task('c', language='c', src=C_ROOT)
  grow_tree([root], FakeEditor(('c_compile_error',)), 'optimize', path, height=1, width=1, pool=pool, **SETTINGS)
  child = by_id(path)['c:0']
  assert child['reason'] == 'compile_error' and child['correct'] is False and not child['kept']


def test_identical_siblings_are_executed_once(tmp_path, pool):
  path = tmp_path / 'opt.jsonl'
  stats = grow_tree([make_task('t')], FakeEditor(('next',)), 'optimize', path, height=1, width=3, pool=pool, **SETTINGS)
  nodes = by_id(path)
  assert len(pool.compares()) == 1 and stats.duplicates == 2
  assert nodes['t:0']['reason'] == 'kept'
  for j in (1, 2):
    dup = nodes[f't:{j}']
    assert dup['reason'] == 'duplicate' and dup['duplicate_of'] == 't:0' and not dup['kept']
    assert dup['speedup'] == nodes['t:0']['speedup']


def test_the_same_comparison_under_another_root_reuses_its_verdict(tmp_path, pool):
  path = tmp_path / 'opt.jsonl'
  stats = grow_tree(
    [make_task('a'), make_task('b')], FakeEditor(('next',)), 'optimize', path, height=1, width=1, pool=pool, **SETTINGS
  )
  nodes = by_id(path)
  assert len(pool.compares()) == 1 and stats.reused == 1
  assert nodes['a:0']['kept'] and nodes['b:0']['kept']
  assert sorted([nodes['a:0']['reused'], nodes['b:0']['reused']]) == [False, True]
  assert nodes['a:0']['speedup'] == nodes['b:0']['speedup']


def test_a_verdict_recorded_by_an_earlier_run_is_reused(tmp_path, pool):
  path = tmp_path / 'opt.jsonl'
  grow_tree([make_task('a')], FakeEditor(('next',)), 'optimize', path, height=1, width=1, pool=pool, **SETTINGS)
  pool.jobs.clear()
  stats = grow_tree(
    [make_task('a'), make_task('b')], FakeEditor(('next',)), 'optimize', path, height=1, width=1, pool=pool, **SETTINGS
  )
  # The compare is reused; the extra-input check runs on b's own extras (they are seeded by the task id).
  assert [j['kind'] for j in pool.jobs] == ['measure', 'run', 'run'] and stats.reused == 1
  nodes = by_id(path)
  assert nodes['b:0']['reused'] and nodes['b:0']['kept'] and nodes['b:0']['speedup'] == nodes['a:0']['speedup']
  assert nodes['a:0']['extra_digest'] != nodes['b:0']['extra_digest']


def test_each_level_is_one_editor_call_over_the_whole_frontier(tmp_path, pool, capsys):
  path = tmp_path / 'opt.jsonl'
  editor = FakeEditor(('next', 'wrong'), batch_rows=3)
  # 8 N keeps the level-2 programs (~4 ms of work) clear of start-up noise, so both are kept.
  roots = [make_task('a', n=8 * N), make_task('b', n=8 * N - 1000)]
  stats = grow_tree(roots, editor, 'optimize', path, height=2, width=2, pool=pool, **{**SETTINGS, 'progress': True})
  assert [len(c['prompts']) for c in editor.calls] == [2, 2] and stats.editor_calls == 2
  assert all(c['num_samples'] == 2 for c in editor.calls)
  assert editor.calls[0]['seed'] != editor.calls[1]['seed']
  assert '# level 1' in editor.calls[1]['prompts'][0]  # the second level edits the kept children
  nodes = by_id(path)
  assert {i for i, n in nodes.items() if n['kept'] and n['depth'] == 2} == {'a:0.0', 'b:0.0'}
  deep = nodes['a:0.0']
  assert deep['path_speedup'] == pytest.approx(deep['speedup'] * nodes['a:0']['speedup'])
  err = capsys.readouterr().err
  assert '[tree opt] depth 2/2' in err and 'nodes/s' in err and 'kept 50% (4/8)' in err


def test_growth_stops_when_a_level_keeps_nothing(tmp_path, pool):
  path = tmp_path / 'opt.jsonl'
  editor = FakeEditor(('wrong',))
  stats = grow_tree([make_task('t')], editor, 'optimize', path, height=3, width=2, pool=pool, **SETTINGS)
  assert len(editor.calls) == 1 and stats.complete and stats.kept == 0
  assert sorted(by_id(path)) == ['t', 't:0', 't:1']
  assert (tmp_path / 'opt.done').exists()


def test_compare_jobs_start_while_the_editor_is_still_streaming(tmp_path, pool):
  waited = []

  def before_batch(b):
    if b == 1:  # the stream is not exhausted: the first batch's children must already be executing
      waited.append(pool.compare_submitted.wait(timeout=30))

  editor = FakeEditor(('next', 'wrong'), batch_rows=1, before_batch=before_batch)
  grow_tree([make_task('t')], editor, 'optimize', tmp_path / 'opt.jsonl', height=1, width=2, pool=pool, **SETTINGS)
  assert waited == [True]
  assert pool.jobs[1]['kind'] == 'compare'


def test_degradation_tree_keeps_slower_children(tmp_path, pool):
  path = tmp_path / 'degr.jsonl'
  grow_tree(
    [make_task('t', level=1)], FakeEditor(('next', 'same')), 'degrade', path, height=1, width=2, pool=pool, **SETTINGS
  )
  nodes = by_id(path)
  assert nodes['t:0']['kept'] and nodes['t:0']['speedup'] < 1 / 1.1 and nodes['t:0']['interval'][1] < 1 / 1.1
  assert '# level 0' in nodes['t:0']['code']
  assert nodes['t:1']['reason'] == 'not_slower'


def test_a_finished_tree_is_skipped_and_a_wider_rerun_adds_only_new_samples(tmp_path, pool):
  path = tmp_path / 'opt.jsonl'
  grow_tree([make_task('t')], FakeEditor(('wrong',)), 'optimize', path, height=1, width=1, pool=pool, **SETTINGS)
  before = path.read_bytes()
  again = FakeEditor(('wrong',))
  stats = grow_tree([make_task('t')], again, 'optimize', path, height=1, width=1, pool=pool, **SETTINGS)
  assert stats.skipped and again.calls == [] and path.read_bytes() == before and stats.nodes_total == 2
  wider = FakeEditor(('wrong', 'empty'))
  stats = grow_tree([make_task('t')], wider, 'optimize', path, height=1, width=2, pool=pool, **SETTINGS)
  assert path.read_bytes().startswith(before)
  assert [n['node_id'] for n in read_tree(path)] == ['t', 't:0', 't:1']
  assert stats.nodes_written == 1 and by_id(path)['t:1']['reason'] == 'empty'


def test_a_tree_file_of_the_other_direction_is_refused(tmp_path, pool):
  path = tmp_path / 'opt.jsonl'
  grow_tree([make_task('t')], FakeEditor(('empty',)), 'optimize', path, height=1, width=1, pool=pool, **SETTINGS)
  with pytest.raises(TreeFormatError, match='belongs to a optimize tree, not degrade'):
    grow_tree([make_task('t')], FakeEditor(('empty',)), 'degrade', path, height=1, width=1, pool=pool, **SETTINGS)


def test_a_root_whose_program_changed_is_refused(tmp_path, pool):
  path = tmp_path / 'opt.jsonl'
  grow_tree([make_task('t')], FakeEditor(('empty',)), 'optimize', path, height=1, width=1, pool=pool, **SETTINGS)
  with pytest.raises(TreeFormatError, match="line 1: root 't' was grown from another src"):
    grow_tree(
      [make_task('t', level=1)], FakeEditor(('empty',)), 'optimize', path, height=1, width=2, pool=pool, **SETTINGS
    )


@pytest.mark.parametrize(
  'change, message',
  [
    (dict(direction='sideways'), "direction: 'sideways'"),
    (dict(width=0), 'tree.width: 0'),
    (dict(height=-1), 'tree.height: -1'),
    (dict(threshold=1.0), 'tree.threshold: 1.0'),
    (dict(meter='wall'), "executor.meter: 'wall'"),
    (dict(compare_options={'rounds': 3}), r"compare_options: unknown option\(s\) \['rounds'\]"),
    (dict(roots=[make_task('t'), make_task('t')]), "roots\\[1\\]: duplicate task_id 't'"),
  ],
)
def test_bad_arguments_are_refused_by_name(tmp_path, change, message):
  args = dict(
    roots=[make_task('t')],
    editor=FakeEditor(('next',)),
    direction='optimize',
    out_path=tmp_path / 'opt.jsonl',
    height=1,
    width=1,
    pool=None,
    progress=False,
  )
  with pytest.raises(ValueError, match=message):
    grow_tree(**{**args, **change})
  assert not (tmp_path / 'opt.jsonl').exists()


def test_settings_come_from_the_config_sections():
  config = bite_config.base_config()
  config.tree.height, config.tree.max_rounds, config.seed = 2, 12, 7
  kwargs = grow_tree_kwargs(config)
  assert (kwargs['height'], kwargs['width'], kwargs['threshold'], kwargs['seed']) == (2, 10, 1.1, 7)
  assert kwargs['meter'] is None and kwargs['compare_options'] == {'max_rounds': 12, 'budget_s': 300.0}


def test_trees_of_the_same_roots_share_the_root_runs(tmp_path, executor_pool):
  roots = [make_task('a'), make_task('b', n=9000)]
  shared, first, second = {}, CountingPool(executor_pool), CountingPool(executor_pool)
  grow_tree(
    roots,
    FakeEditor(('wrong',)),
    'optimize',
    tmp_path / 'opt.jsonl',
    height=1,
    width=1,
    pool=first,
    root_results=shared,
    **SETTINGS,
  )
  grow_tree(
    roots,
    FakeEditor(('wrong',)),
    'degrade',
    tmp_path / 'degr.jsonl',
    height=1,
    width=1,
    pool=second,
    root_results=shared,
    **SETTINGS,
  )
  assert [j['kind'] for j in first.jobs].count('measure') == 2
  assert [j['kind'] for j in second.jobs] == ['compare'] * 2  # the roots' measure and screening runs are reused
  opt, degr = by_id(tmp_path / 'opt.jsonl'), by_id(tmp_path / 'degr.jsonl')
  for root in ('a', 'b'):
    assert degr[root]['cost'] == opt[root]['cost'] and degr[root]['extra_digest'] == opt[root]['extra_digest']


def test_roots_are_recorded_as_their_jobs_finish_not_after_the_last_submit(tmp_path, executor_pool):
  # submit() blocks while the pool is full; a root finished meanwhile is on disk (and in the progress
  # line) before the next job goes in, not only once every root job has been submitted
  path = tmp_path / 'opt.jsonl'
  lines_at_submit = []

  class WaitingPool(CountingPool):
    def submit(self, job):
      lines_at_submit.append(len(path.read_text().splitlines()) if path.exists() else 0)
      future = super().submit(job)
      future.result()  # as if the pool were full until this job ended
      return future

  roots = [make_task(f'r{i}', n=N + i) for i in range(4)]
  grow_tree(roots, FakeEditor(('next',)), 'optimize', path, height=0, width=1, pool=WaitingPool(executor_pool))
  assert lines_at_submit == [0, 1, 2, 3]
  assert len(read_tree(path)) == 4


def test_each_tree_takes_its_own_shape_and_the_shared_one_by_default():
  config = bite_config.base_config()
  config.tree.height, config.tree.width = 3, 4
  assert tree_shape(config, 'optimize') == (3, 4) and tree_shape(config, 'degrade') == (3, 4)
  config.tree.opt.height = 5
  config.tree.degr.width = 2
  assert tree_shape(config, 'optimize') == (5, 4)
  assert tree_shape(config, 'degrade') == (3, 2)
  assert grow_tree_kwargs(config, 'degrade')['width'] == 2 and grow_tree_kwargs(config, 'optimize')['height'] == 5


def test_the_listing_reading_of_height_counts_the_root_as_a_level():
  config = bite_config.base_config()
  config.tree.height = 5
  config.tree.height_counts = 'levels'
  assert tree_shape(config, 'optimize') == (4, 10)  # T = [src]; while len(T) < 5: four rounds of edits
  config.tree.height = 0
  assert tree_shape(config, 'optimize') == (0, 10)
