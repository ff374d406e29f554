"""Differential testing in tree growth: a child the compare keeps must also print what its parent prints
on extra inputs derived from the root task's, so an edit that special-cases the task's inputs is pruned."""

import bisect
import dataclasses
import json

import pytest

from bite_jax import config as bite_config
from bite_jax.data.inputs import extra_inputs
from bite_jax.data.mini import load_mini
from bite_jax.tree import grow_tree, grow_tree_kwargs, read_tree, tree_statistics
from tests.helpers.tree_fakes import CountingPool, FakeEditor, N, make_task, special_case

SETTINGS = dict(meter='cpu', compare_options={'max_rounds': 8}, progress=False)
ANSWER = {N: N * (N - 1) // 2}  # what the root prints on its one input


@pytest.fixture
def pool(executor_pool):
  return CountingPool(executor_pool)


def by_id(path):
  return {n['node_id']: n for n in read_tree(path)}


def test_a_child_that_special_cases_the_task_inputs_is_pruned_and_a_correct_faster_one_kept(tmp_path, pool):
  programs = {'memorised': special_case(ANSWER), 'crashes': special_case(ANSWER, otherwise='raise SystemExit(3)')}
  plan = ('next', 'memorised', 'crashes')
  path = tmp_path / 'opt.jsonl'
  stats = grow_tree(
    [make_task('t')],
    FakeEditor(plan, programs=programs),
    'optimize',
    path,
    height=1,
    width=3,
    pool=pool,
    extra_inputs=8,
    **SETTINGS,
  )
  nodes = by_id(path)
  good, memorised, crashes = nodes['t:0'], nodes['t:1'], nodes['t:2']
  assert good['kept'] and good['reason'] == 'kept' and good['extra_inputs'] == 8
  for child in (memorised, crashes):
    # Right and faster on the task's own input, so only the extra inputs tell it apart from its parent.
    assert child['speedup'] > 1.1 and child['interval'][0] > 1.1
    assert not child['kept'] and child['reason'] == 'differs_on_extra' and child['correct'] is False
    assert child['extra_inputs'] == 8 and child['detail'].startswith('extra input ')
  assert 'parent printed' in memorised['detail'] and "child '0'" in memorised['detail']
  assert 'runtime_error where the parent runs' in crashes['detail']
  # The parent runs once on the extras for all three children; each child once on the inputs it accepts.
  runs = [j for j in pool.jobs if j['kind'] == 'run']
  assert len(runs) == 4 and all(j['inputs'] == list(extra_inputs(make_task('t'), 8)) for j in runs)
  assert [j['kind'] for j in pool.jobs[:4]] == ['measure'] + ['compare'] * 3
  assert stats.differs == 2 and stats.extra_jobs == 4 and stats.extra_runs == 32 and stats.extra_seconds > 0
  assert sum(n.get('extra_runs', 0) for n in nodes.values()) == 32  # the parent's runs charged once
  summary = tree_statistics(read_tree(path))
  assert summary['reasons']['differs_on_extra'] == 2
  assert summary['extra_check']['checked'] == 3 and summary['extra_check']['differs'] == 2
  assert summary['extra_check']['inputs'] == 24 and summary['extra_check']['runs'] == 32
  done = json.loads((tmp_path / 'opt.done').read_text())
  assert done['summary']['extra_inputs'] == 8 and done['summary']['reasons']['differs_on_extra'] == 2


def test_the_check_is_what_prunes_them(tmp_path, pool):
  path = tmp_path / 'opt.jsonl'
  editor = FakeEditor(('memorised',), programs={'memorised': special_case(ANSWER)})
  grow_tree([make_task('t')], editor, 'optimize', path, height=1, width=1, pool=pool, extra_inputs=0, **SETTINGS)
  child = by_id(path)['t:0']
  assert child['kept'] and child['extra_inputs'] is None and child['extra_runs'] == 0
  assert [j['kind'] for j in pool.jobs] == ['measure', 'compare']


def test_a_slower_child_that_special_cases_is_pruned_from_the_degradation_tree(tmp_path, pool):
  slow_memorised = special_case(ANSWER, otherwise='print(-1)').replace(
    'if n in', 'for _ in range(320):\n    sum(range(n))\nif n in'
  )
  path = tmp_path / 'degr.jsonl'
  editor = FakeEditor(('next', 'slow_memorised'), programs={'slow_memorised': slow_memorised})
  grow_tree([make_task('t', level=1)], editor, 'degrade', path, height=1, width=2, pool=pool, **SETTINGS)
  nodes = by_id(path)
  assert nodes['t:0']['kept'] and nodes['t:0']['extra_inputs'] == 8
  assert nodes['t:1']['speedup'] < 1 / 1.1 and nodes['t:1']['reason'] == 'differs_on_extra'


def lis_length(text: str) -> int:
  tails = []
  for v in map(int, text.split()[1:]):
    k = bisect.bisect_left(tails, v)
    tails[k : k + 1] = [v]
  return len(tails)


C_MEMORISED = """#include <stdio.h>
int main(void) {{
  long n;
  if (scanf("%ld", &n) != 1) return 1;
{cases}  printf("1\\n");
  return 0;
}}
"""


def test_a_compiled_mini_task_checks_children_on_generated_inputs(tmp_path, pool):
  (task,) = load_mini(problems=['lis'], languages=['c'])
  sizes = [int(text.split()[0]) for text in task.inputs]
  assert len(set(sizes)) == len(sizes)  # the memorised program tells the inputs apart by n
  cases = ''.join(
    f'  if (n == {n}) {{ printf("%d\\n", {lis_length(text)}); return 0; }}\n' for n, text in zip(sizes, task.inputs)
  )
  programs = {'expert': task.expert, 'memorised': C_MEMORISED.format(cases=cases)}
  path = tmp_path / 'opt.jsonl'
  grow_tree(
    [task],
    FakeEditor(('expert', 'memorised'), programs=programs),
    'optimize',
    path,
    height=1,
    width=2,
    pool=pool,
    **SETTINGS,
  )
  nodes = by_id(path)
  root, expert, memorised = nodes[task.task_id], nodes[f'{task.task_id}:0'], nodes[f'{task.task_id}:1']
  # The root's src and expert agree on every generated extra; their runs are the screening's cost.
  assert root['extra_inputs'] == 8 and root['extra_runs'] == 16
  assert expert['kept'] and expert['extra_inputs'] == 8
  assert memorised['speedup'] > 1.1 and memorised['reason'] == 'differs_on_extra'
  generated = extra_inputs(task, 8)
  assert all(len(x) < min(map(len, task.inputs)) for x in generated)  # the generator's, at smaller scales
  assert all(j['inputs'] == list(generated) for j in pool.jobs if j['kind'] == 'run' and j['source'] == task.src)


def test_a_tree_file_from_before_the_check_is_read_and_grown_on(tmp_path, pool):
  path = tmp_path / 'opt.jsonl'
  editor = FakeEditor(('next',))
  grow_tree([make_task('t')], editor, 'optimize', path, height=1, width=1, pool=pool, extra_inputs=0, **SETTINGS)
  old_fields = ('extra_inputs', 'extra_digest', 'extra_runs', 'extra_seconds')
  lines = [{k: v for k, v in n.items() if k not in old_fields} for n in read_tree(path)]
  path.write_text(''.join(json.dumps(n) + '\n' for n in lines))
  before = path.read_bytes()
  wider = FakeEditor(('next', 'memorised'), programs={'memorised': special_case(ANSWER)})
  grow_tree([make_task('t')], wider, 'optimize', path, height=1, width=2, pool=pool, **SETTINGS)
  assert path.read_bytes().startswith(before)
  nodes = by_id(path)
  assert nodes['t:0']['kept'] and 'extra_inputs' not in nodes['t:0']  # recorded before: left as it was
  assert nodes['t:1']['reason'] == 'differs_on_extra'
  assert tree_statistics(read_tree(path))['extra_check']['checked'] == 1


def test_extra_inputs_come_from_the_config_and_must_not_be_negative(tmp_path):
  config = bite_config.base_config()
  assert grow_tree_kwargs(config)['extra_inputs'] == 8
  config.tree.extra_inputs = 0
  assert grow_tree_kwargs(config)['extra_inputs'] == 0
  with pytest.raises(ValueError, match='tree.extra_inputs: -1'):
    grow_tree(
      [make_task('t')],
      FakeEditor(('next',)),
      'optimize',
      tmp_path / 'o.jsonl',
      height=1,
      width=1,
      pool=None,
      extra_inputs=-1,
      progress=False,
    )


def test_a_root_keeps_only_the_extras_its_src_and_expert_agree_on(tmp_path, pool):
  task = make_task('t')
  # An expert that is right only up to n = 5000 (as a program can be outside a statement's constraints).
  expert = 'import sys\nn = int(sys.stdin.read())\nprint(n * (n - 1) // 2 if n <= 5000 else -1)\n'
  task = dataclasses.replace(task, expert=expert)
  agreed = [x for x in extra_inputs(task, 8) if int(x) <= 5000]
  assert 0 < len(agreed) < 8
  path = tmp_path / 'opt.jsonl'
  grow_tree([task], FakeEditor(('next',)), 'optimize', path, height=1, width=1, pool=pool, **SETTINGS)
  nodes = by_id(path)
  assert nodes['t']['extra_inputs'] == len(agreed) and nodes['t:0']['extra_inputs'] == len(agreed)
  child_runs = [j for j in pool.jobs if j['kind'] == 'run' and j['source'] == nodes['t:0']['code']]
  assert [j['inputs'] for j in child_runs] == [agreed]  # and src's screening runs serve as its parent's
