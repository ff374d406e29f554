"""grow_tree with the real Sampler on a tiny random checkpoint: garbage children are pruned with reasons."""

import pytest

from bite_jax.models import from_pretrained, load_tokenizer
from bite_jax.sample import Sampler
from bite_jax.tree import REASONS, SamplerEditor, grow_tree, read_tree, tree_statistics
from executor import ExecutorConfig, Pool
from tests.helpers.checkpoints import make_qwen2_checkpoint
from tests.helpers.tree_fakes import CountingPool, make_task


@pytest.fixture(scope='module')
def editor(tmp_path_factory):
  directory = make_qwen2_checkpoint(tmp_path_factory.mktemp('editor'), vocab=300, with_tokenizer=True, init_std=0.3)
  sampler = Sampler(
    from_pretrained(directory),
    load_tokenizer(directory),
    max_batch=4,
    length_buckets=(64, 128, 256),
    batch_buckets=(1, 2, 4),
  )
  return SamplerEditor(sampler, max_new_tokens=24, temperature=1.0)


def test_sampled_children_of_a_random_model_are_recorded_and_pruned(tmp_path, editor):
  path = tmp_path / 'trees' / 'opt.jsonl'
  roots = [make_task('a', level=3), make_task('b', level=3, n=77)]
  with Pool(1, config=ExecutorConfig(cache_dir=tmp_path / 'executor-cache')) as executor_pool:
    pool = CountingPool(executor_pool)
    stats = grow_tree(
      roots,
      editor,
      'optimize',
      path,
      height=2,
      width=3,
      pool=pool,
      meter='cpu',
      compare_options={'max_rounds': 6},
      timeout=2.0,
      progress=False,
    )
  nodes = read_tree(path)
  ids = [n['node_id'] for n in nodes]
  assert len(ids) == len(set(ids)) == 2 + 2 * 3
  children = [n for n in nodes if n['depth'] == 1]
  assert {n['node_id'] for n in children} == {f'{r}:{j}' for r in ('a', 'b') for j in range(3)}
  assert all(not n['kept'] and n['reason'] in REASONS and n['reason'] != 'kept' for n in children)
  # Responses that held a whole program went to the executor; the others were pruned before it.
  executed = [n for n in children if n['reason'] not in ('empty', 'truncated', 'unchanged', 'duplicate')]
  assert len(pool.compares()) == len(executed)
  assert stats.editor_calls == 1 and stats.complete  # nothing kept: level 2 never asks the editor
  summary = tree_statistics(nodes)
  assert summary['roots_ok'] == 2 and summary['kept'] == 0 and sum(summary['reasons'].values()) == 6


def test_children_lost_in_a_kill_are_regenerated_exactly(tmp_path, editor):
  """A rerun asks only for the lost parent's children, now as the editor's first prompt instead of its
  second; the children are keyed by the parent, so they come back the same."""
  roots = [make_task('a', level=3), make_task('b', level=3, n=77)]
  config = ExecutorConfig(cache_dir=tmp_path / 'executor-cache')
  first = tmp_path / 'first' / 'opt.jsonl'
  with Pool(1, config=config) as pool:
    grow_tree(
      roots,
      editor,
      'optimize',
      first,
      height=1,
      width=3,
      pool=pool,
      meter='cpu',
      compare_options={'max_rounds': 6},
      timeout=2.0,
      progress=False,
    )
  nodes = read_tree(first)
  lines = first.read_text().splitlines(keepends=True)
  resumed = tmp_path / 'resumed' / 'opt.jsonl'
  resumed.parent.mkdir()
  # The kill lost every child of 'b' (the second parent of the level).
  resumed.write_text(''.join(line for line, n in zip(lines, nodes) if n.get('parent_id') != 'b'))
  with Pool(1, config=config) as pool:
    grow_tree(
      roots,
      editor,
      'optimize',
      resumed,
      height=1,
      width=3,
      pool=pool,
      meter='cpu',
      compare_options={'max_rounds': 6},
      timeout=2.0,
      progress=False,
    )
  code = {n['node_id']: n['code'] for n in nodes}
  again = {n['node_id']: n['code'] for n in read_tree(resumed)}
  assert sorted(again) == sorted(code)
  assert all(again[f'b:{j}'] == code[f'b:{j}'] for j in range(3))
  assert len({code[f'b:{j}'] for j in range(3)} | {code[f'a:{j}'] for j in range(3)}) > 1
