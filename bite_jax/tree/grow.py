"""Bidirectional tree editing (BITE, Algorithms 1 and 2): grow an optimization or degradation tree.

    stats = grow_tree(roots, editor, 'optimize', workdir / 'trees/opt.jsonl', height=h, width=m,
                      threshold=1.1, pool=pool, meter='cpu')

Breadth first, level by level across all roots: the whole frontier of a level goes to the editor
in one `stream` call (m samples per node), and every child is sent to the executor pool as soon as
its sampler batch completes, while the editor keeps decoding the next batch in another thread
(the engine: bite_jax.tree.grower). A child is kept when it is correct and faster (slower) than its
parent beyond `threshold` by the executor's compare verdict, and then prints what its parent prints
on `extra_inputs` more inputs derived from the root task's (bite_jax.tree.extra_check): an edit that
special-cases the task's few inputs is pruned as 'differs_on_extra'. Kept children form the next frontier.
Every node, kept or pruned, is appended to the tree file (bite_jax.tree.store; its records:
bite_jax.tree.nodes); a rerun after a kill reads it, skips every (parent, sample index) already recorded
and generates only what is missing (with an editor that has `stream_keyed`, samples are seeded by parent,
so these are the very children it lost). Identical siblings are executed once, and a (parent, child,
inputs) comparison seen before reuses its verdict (the extra-input check likewise, keyed by the digest
of the extras it ran on, which the node records).
Pruning reasons: bite_jax.tree.verdict. Statistics: bite_jax.tree.stats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from bite_jax.data.prompts import OPTIMIZE
from bite_jax.data.records import Task
from bite_jax.tree.editor import Editor
from bite_jax.tree.grower import Grower
from bite_jax.tree.nodes import parent_key
from bite_jax.tree.stats import TreeStats, tree_statistics
from bite_jax.tree.store import clear_done, read_tree, tree_complete, tree_signature, write_done
from bite_jax.tree.verdict import check_compare_options, check_direction, limit_fields

__all__ = ['HEIGHT_COUNTS', 'TreeStats', 'grow_tree', 'grow_tree_kwargs', 'parent_key', 'tree_name', 'tree_shape']


def tree_name(direction: str) -> str:
  """'opt' for the optimization tree, 'degr' for the degradation tree (the file stem)."""
  return 'opt' if check_direction(direction) == OPTIMIZE else 'degr'


def grow_tree(
  roots: Sequence[Task],
  editor: Editor,
  direction: str,
  out_path: str | Path,
  *,
  height: int,
  width: int,
  threshold: float = 1.1,
  pool,
  meter: str | None = None,
  timeout: float | None = None,
  memory_mb: int | None = None,
  compare_options: Mapping | None = None,
  extra_inputs: int = 8,
  seed: int = 0,
  root_results: dict | None = None,
  progress: bool = True,
  progress_every_s: float = 10.0,
) -> TreeStats:
  """Grows (or finishes) one tree per root, breadth first, into the JSONL file `out_path`.

  Args:
    roots: the tasks whose `src` programs are the roots (task ids must be unique); their
      `inputs` are the inputs every comparison runs on.
    editor: streams children (see bite_jax.tree.editor.Editor); only asked for missing children.
    direction: 'optimize' (optimization tree) or 'degrade' (degradation tree).
    out_path: the tree file (e.g. WORKDIR/trees/opt.jsonl); appended to, never rewritten.
    height: h, the deepest level grown (0 = roots only). width: m, children sampled per node.
    threshold: a child is kept when faster (slower) than its parent by more than this factor.
    pool: an executor.Pool (anything with `submit(job) -> Future`).
    meter: 'cpu', 'instructions' or None/'auto' (the executor's default for the machine).
    timeout: CPU seconds per run; memory_mb: MiB per run (None = the executor's defaults).
    compare_options: extra compare job fields (max_rounds, budget_s, confidence, min_rounds, ...).
    extra_inputs: how many extra inputs (bite_jax.data.inputs.extra_inputs of each root) a child the
      compare keeps must also match its parent on; 0 turns the check off. Changing it does not re-check
      the nodes a file already holds (each records `extra_inputs`, how many it was compared on).
    seed: the sampling seed (each level samples with its own seed derived from it).
    root_results: a dict shared by the trees grown from the same roots (the optimization and the
      degradation tree): the roots' measuring and screening runs are kept there and not run again.
    progress: print progress lines (nodes/s, share kept) to stderr every `progress_every_s` seconds.

  Returns:
    TreeStats. On completion `<out_path stem>.done` is written; a call whose marker matches the
    roots, height, width, threshold and extra_inputs returns at once (skipped=True) without using the editor.
  """
  direction = check_direction(direction)
  _check_shape(height, width, threshold)
  if isinstance(extra_inputs, bool) or int(extra_inputs) != extra_inputs or extra_inputs < 0:
    raise ValueError(f'tree.extra_inputs: {extra_inputs!r} must be an integer >= 0')
  tasks = {}
  for i, task in enumerate(roots):
    if task.task_id in tasks:
      raise ValueError(f'roots[{i}]: duplicate task_id {task.task_id!r}')
    tasks[task.task_id] = task
  out_path = Path(out_path)
  stats = TreeStats(direction=direction, path=str(out_path), roots=len(tasks))
  shape = dict(height=height, width=width, threshold=threshold, extra_inputs=int(extra_inputs))
  signature = tree_signature(direction, list(tasks), **shape)
  if tree_complete(out_path, list(tasks), direction=direction, **shape):
    _totals(read_tree(out_path), tasks, stats)
    stats.complete = stats.skipped = True
    return stats
  clear_done(out_path)
  grower = Grower(
    tasks,
    editor,
    direction,
    out_path,
    name=tree_name(direction),
    height=height,
    width=width,
    threshold=threshold,
    pool=pool,
    limits=limit_fields(meter, timeout, memory_mb),
    options=check_compare_options(compare_options),
    extra_inputs=int(extra_inputs),
    seed=seed,
    root_results={} if root_results is None else root_results,
    stats=stats,
    progress=progress,
    progress_every_s=progress_every_s,
  )
  grower.run()
  _totals(grower.own_nodes(), tasks, stats)
  stats.complete = True
  summary = {k: v for k, v in tree_statistics(grower.own_nodes()).items() if k in ('nodes', 'kept', 'reasons')}
  summary['extra_inputs'] = int(extra_inputs)
  write_done(out_path, signature, summary)
  return stats


HEIGHT_COUNTS = ('edits', 'levels')


def tree_shape(config, direction: str) -> tuple[int, int]:
  """(rounds of edits below the root, children per node) of one direction's tree.

  `tree.opt.{height,width}` / `tree.degr.{height,width}` set each tree apart; -1 (their default) takes the
  shared `tree.height` / `tree.width`. `tree.height_counts` says how a height reads: 'edits' (the default)
  counts rounds of edits, so h = 5 grows nodes 5 edits from the root (6 levels with it); 'levels' counts
  the tree's levels with the root, the reading of the paper's Algorithm 1 listing (`T = [src]; while
  len(T) < h`), so h = 5 grows 4 rounds of edits.
  """
  section = config.tree.opt if tree_name(direction) == 'opt' else config.tree.degr
  height = int(config.tree.height) if int(section.height) < 0 else int(section.height)
  width = int(config.tree.width) if int(section.width) < 0 else int(section.width)
  counts = config.tree.height_counts
  if counts not in HEIGHT_COUNTS:
    raise ValueError(f'tree.height_counts: {counts!r} must be one of {", ".join(HEIGHT_COUNTS)}')
  return (max(0, height - 1) if counts == 'levels' else height), width


def grow_tree_kwargs(config, direction: str = OPTIMIZE) -> dict:
  """grow_tree's settings for one direction's tree from a full config: its shape (tree_shape), the other
  `tree.*` fields (extra_inputs included), `executor.*` (meter, timeout, memory_mb) and `seed`."""
  height, width = tree_shape(config, direction)
  return dict(
    height=height,
    width=width,
    threshold=float(config.tree.threshold),
    meter=config.executor.meter or None,
    timeout=float(config.executor.timeout),
    memory_mb=int(config.executor.memory_mb),
    compare_options={'max_rounds': int(config.tree.max_rounds), 'budget_s': float(config.tree.budget_s)},
    extra_inputs=int(config.tree.extra_inputs),
    seed=int(config.seed),
  )


def _check_shape(height, width, threshold) -> None:
  if isinstance(height, bool) or int(height) != height or height < 0:
    raise ValueError(f'tree.height: {height!r} must be an integer >= 0')
  if isinstance(width, bool) or int(width) != width or width < 1:
    raise ValueError(f'tree.width: {width!r} must be an integer >= 1')
  if not threshold > 1.0:
    raise ValueError(f'tree.threshold: {threshold!r} must be > 1 (e.g. 1.1 = 10% faster/slower)')


def _totals(nodes, tasks, stats: TreeStats) -> None:
  own = [n for n in nodes if n['root_id'] in tasks]
  stats.nodes_total = len({n['node_id'] for n in own})
  stats.kept = sum(1 for n in own if n['depth'] > 0 and n['kept'])
