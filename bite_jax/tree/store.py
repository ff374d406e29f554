"""The append-only JSONL store of a tree (`trees/opt.jsonl`, `trees/degr.jsonl`) and its `.done` marker.

Every node, kept or pruned, is one JSON line written with flush + fsync, so a kill loses at most
the line being written. `read_tree` ignores a torn last line (and cuts it off with `repair=True`)
so the next append starts on a clean line. Node ids are deterministic: the root's is its task id,
a child's is `<root_id>:<path>` where path is the dot-joined sample indices from the root
(`mini/lis/python:3.0` is sample 0 of sample 3 of the root).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path


class TreeFormatError(ValueError):
  """A tree file line that is not a node; the message names file:line."""


def child_id(root_id: str, parent_id: str, sample_index: int) -> str:
  """Id of sample `sample_index` of node `parent_id` in the tree of `root_id`."""
  if parent_id == root_id:
    return f'{root_id}:{sample_index}'
  return f'{parent_id}.{sample_index}'


def node_path(node: dict) -> tuple[int, ...]:
  """Sample indices from the root to `node` (() for the root); used to order nodes deterministically."""
  if node['depth'] == 0:
    return ()
  suffix = node['node_id'][len(node['root_id']) + 1 :]
  return tuple(int(part) for part in suffix.split('.'))


_REQUIRED = ('node_id', 'root_id', 'parent_id', 'depth', 'kept', 'reason')


def _check_node(node, where: str) -> dict:
  if not isinstance(node, dict):
    raise TreeFormatError(f'{where}: expected a JSON object, got {type(node).__name__}')
  missing = [k for k in _REQUIRED if k not in node]
  if missing:
    raise TreeFormatError(f'{where}: missing field(s) {", ".join(missing)}')
  if not isinstance(node['depth'], int) or node['depth'] < 0:
    raise TreeFormatError(f"{where}: field 'depth' must be an integer >= 0, got {node['depth']!r}")
  return node


def read_tree(path: str | Path, *, repair: bool = False) -> list[dict]:
  """The nodes of a tree file, in file order ([] when the file does not exist).

  A last line that has no newline, or is not valid JSON, is a write cut short by a kill: it is
  ignored, and with `repair=True` removed from the file (truncated) so appends stay line-aligned.

  Raises:
    TreeFormatError: any other line is not a JSON node; the message is 'FILE:LINE: why'.
  """
  path = Path(path)
  if not path.exists():
    return []
  data = path.read_bytes()
  end = data.rfind(b'\n') + 1  # complete lines end at the last newline
  lines = data[:end].split(b'\n')[:-1]
  torn_at = end if end < len(data) else None
  nodes, offset = [], 0
  for lineno, raw in enumerate(lines, start=1):
    start, offset = offset, offset + len(raw) + 1
    if not raw.strip():
      continue
    try:
      record = json.loads(raw)
    except ValueError as e:
      if lineno == len(lines) and torn_at is None:
        torn_at = start
        break
      raise TreeFormatError(f'{path}:{lineno}: not JSON ({e})') from e
    nodes.append(_check_node(record, f'{path}:{lineno}'))
  if torn_at is not None and repair:
    with path.open('r+b') as f:
      f.truncate(torn_at)
      f.flush()
      os.fsync(f.fileno())
  return nodes


class TreeWriter:
  """Appends nodes to a tree file, one line each, durable (flush + fsync) before `write` returns."""

  def __init__(self, path: str | Path):
    self.path = Path(path)
    self.path.parent.mkdir(parents=True, exist_ok=True)
    self._file = self.path.open('a', encoding='utf-8')

  def write(self, node: dict) -> None:
    """Appends one node as a JSON line and syncs it to disk."""
    self._file.write(json.dumps(node, ensure_ascii=False) + '\n')
    self._file.flush()
    os.fsync(self._file.fileno())

  def close(self) -> None:
    self._file.close()

  def __enter__(self):
    return self

  def __exit__(self, *exc):
    self.close()


def done_path(path: str | Path) -> Path:
  """The completion marker of a tree file: trees/opt.jsonl -> trees/opt.done."""
  return Path(path).with_suffix('.done')


def roots_digest(root_ids: Iterable[str]) -> str:
  """A short hash of the set of root ids a tree was grown from."""
  return hashlib.sha256('\n'.join(sorted(root_ids)).encode()).hexdigest()[:16]


def tree_signature(
  direction: str, root_ids: Sequence[str], *, height: int, width: int, threshold: float, extra_inputs: int = 8
) -> dict:
  """What a `.done` marker certifies: the tree of these roots is complete to this height and width, its
  children checked against their parents on `extra_inputs` extra inputs."""
  return {
    'direction': direction,
    'height': int(height),
    'width': int(width),
    'threshold': float(threshold),
    'extra_inputs': int(extra_inputs),
    'roots': len(root_ids),
    'roots_digest': roots_digest(root_ids),
  }


def write_done(path: str | Path, signature: dict, summary: dict) -> Path:
  """Writes the `.done` marker (signature + summary counts) atomically; returns its path."""
  marker = done_path(path)
  tmp = marker.with_suffix('.done.tmp')
  tmp.write_text(json.dumps({**signature, 'summary': summary}, indent=1) + '\n', encoding='utf-8')
  os.replace(tmp, marker)
  return marker


def read_done(path: str | Path) -> dict | None:
  """The `.done` marker's contents, or None when absent or unreadable."""
  marker = done_path(path)
  try:
    return json.loads(marker.read_text(encoding='utf-8'))
  except (OSError, ValueError):
    return None


def tree_complete(
  path: str | Path, roots, *, direction: str, height: int, width: int, threshold: float = 1.1, extra_inputs: int = 8
) -> bool:
  """True when `path` holds a finished tree of these roots (Tasks or ids) for these settings (a marker
  written with another tree.extra_inputs does not count)."""
  done = read_done(path)
  if done is None:
    return False
  ids = [r if isinstance(r, str) else r.task_id for r in roots]
  expected = tree_signature(direction, ids, height=height, width=width, threshold=threshold, extra_inputs=extra_inputs)
  return {k: done.get(k) for k in expected} == expected


def clear_done(path: str | Path) -> None:
  """Removes the `.done` marker (growth is about to change the tree)."""
  done_path(path).unlink(missing_ok=True)


def merge_trees(shards: Sequence[str | Path], out_path: str | Path, root_ids: Sequence[str]) -> list[dict]:
  """Writes the nodes of the shard files (trees grown by several processes, each from its share of the
  roots) as one tree file `out_path`, replacing it atomically; returns the nodes written.

  Nodes are ordered breadth first across roots: by depth, then by the roots' order in `root_ids`, then by
  sample indices. Raises TreeFormatError when a node belongs to none of `root_ids` or appears in two
  shards (shares that overlap: shards of another run mixed in).
  """
  order = {root: i for i, root in enumerate(root_ids)}
  seen, nodes = {}, []
  for shard in shards:
    for node in read_tree(shard):
      if node['root_id'] not in order:
        raise TreeFormatError(f'{shard}: node {node["node_id"]!r} has root {node["root_id"]!r}, not one of the roots')
      if node['node_id'] in seen:
        raise TreeFormatError(f'{shard}: node {node["node_id"]!r} is also in {seen[node["node_id"]]}')
      seen[node['node_id']] = shard
      nodes.append(node)
  nodes.sort(key=lambda n: (n['depth'], order[n['root_id']], node_path(n)))
  out_path = Path(out_path)
  out_path.parent.mkdir(parents=True, exist_ok=True)
  tmp = out_path.with_name(out_path.name + '.tmp')
  with tmp.open('w', encoding='utf-8') as f:
    for node in nodes:
      f.write(json.dumps(node, ensure_ascii=False) + '\n')
    f.flush()
    os.fsync(f.fileno())
  os.replace(tmp, out_path)
  return nodes
