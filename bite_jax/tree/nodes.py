"""The node records a tree file holds (bite_jax.tree.store), with their fields in the order they are written.

Identity (node_id, root_id, parent_id, depth, sample_index, direction, language), then the verdict fields
(bite_jax.tree.verdict.VERDICT_FIELDS, None where not judged), path_speedup (the product of speedups from the
root), duplicate_of, reused, what the node's extra-input check cost (extra_runs, extra_seconds), how a child was
sampled (`sample`, None for a root) and the code.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

from bite_jax.data.records import Task
from bite_jax.tree.verdict import VERDICT_FIELDS, root_verdict


def parent_key(node_id: str) -> int:
  """The sampling key of a parent's prompt: a stable 31-bit hash of its node id, so its children are
  drawn the same whichever other parents share the editor call (see bite_jax.tree.editor)."""
  return zlib.crc32(node_id.encode('utf-8')) & 0x7FFFFFFF


def root_node(
  task: Task, result: dict, direction: str, *, extras: tuple | None, digest: str | None, cost: tuple[int, float]
) -> dict:
  """The record of a root from its measure job's `result`: `extras` are the extra inputs its tree is checked on
  (None: the check is off), `digest` theirs, and `cost` (runs, seconds) what screening them cost."""
  verdict = root_verdict(result, task.outputs)
  node = {
    'node_id': task.task_id,
    'root_id': task.task_id,
    'parent_id': None,
    'depth': 0,
    'sample_index': None,
    'direction': direction,
    'language': task.language,
    **dict.fromkeys(VERDICT_FIELDS),
  }
  node.update({k: v for k, v in verdict.items() if k in VERDICT_FIELDS})
  if extras is not None:
    node.update(extra_inputs=len(extras), extra_digest=digest)
  node.update(path_speedup=1.0 if verdict['kept'] else None, duplicate_of=None, reused=False)
  node.update(extra_runs=cost[0], extra_seconds=round(cost[1], 6), sample=None, code=task.src)
  return node


def child_node(node: dict, verdict: Mapping, parent: dict) -> dict:
  """The complete record of a child: identity, then verdict fields (None where not judged), then code."""
  out = {k: node[k] for k in ('node_id', 'root_id', 'parent_id', 'depth', 'sample_index', 'direction', 'language')}
  out.update(dict.fromkeys(VERDICT_FIELDS), correct=None, kept=False)
  out.update({k: verdict.get(k) for k in VERDICT_FIELDS if k in verdict})
  out['kept'] = bool(out['kept'])
  parent_path = parent.get('path_speedup')
  out['path_speedup'] = parent_path * out['speedup'] if parent_path and out['speedup'] else None
  out['duplicate_of'] = node.get('duplicate_of')
  out['reused'] = bool(node.get('reused'))
  runs, seconds = node.get('extra_cost') or (0, 0.0)
  out['extra_runs'], out['extra_seconds'] = runs, round(seconds, 6)  # what its extra-input check cost
  out['sample'] = node.get('sample')
  out['code'] = node['code']
  return out


def sample_record(sample, sample_index: int, *, editor: str, seed: int | None, prompt_key: int | None) -> dict:
  """How a child was drawn: enough to redraw it (editor, seed, prompt key, sample index) and the raw
  text its code was extracted from."""
  return {
    'editor': editor,
    'seed': seed,
    'prompt_key': prompt_key,
    'sample_index': sample_index,
    'finish_reason': sample.finish_reason,
    'text': sample.text,
  }
