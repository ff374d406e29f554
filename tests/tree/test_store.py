"""The tree file: one durable JSON line per node, a torn last line dropped, the .done marker."""

import json

import pytest

from bite_jax.tree.store import (
  TreeFormatError,
  TreeWriter,
  child_id,
  clear_done,
  done_path,
  merge_trees,
  node_path,
  read_tree,
  tree_complete,
  tree_signature,
  write_done,
)


def node(node_id, root_id='r', parent_id=None, depth=0, kept=True, reason='root'):
  return {
    'node_id': node_id,
    'root_id': root_id,
    'parent_id': parent_id,
    'depth': depth,
    'kept': kept,
    'reason': reason,
  }


def write_lines(path, nodes, tail=b''):
  path.write_bytes(b''.join(json.dumps(n).encode() + b'\n' for n in nodes) + tail)


def test_child_ids_spell_the_sample_path_from_the_root():
  assert child_id('mini/lis/python', 'mini/lis/python', 3) == 'mini/lis/python:3'
  assert child_id('mini/lis/python', 'mini/lis/python:3', 0) == 'mini/lis/python:3.0'
  assert node_path(node('a:b:3.0.12', root_id='a:b', depth=3)) == (3, 0, 12)
  assert node_path(node('a:b', root_id='a:b')) == ()


def test_a_missing_file_is_an_empty_tree(tmp_path):
  assert read_tree(tmp_path / 'opt.jsonl') == []


def test_writer_appends_one_line_per_node(tmp_path):
  path = tmp_path / 'trees' / 'opt.jsonl'
  with TreeWriter(path) as writer:
    writer.write(node('r'))
    writer.write(node('r:0', parent_id='r', depth=1, kept=False, reason='wrong_output'))
  assert path.read_text().count('\n') == 2
  assert [n['node_id'] for n in read_tree(path)] == ['r', 'r:0']


def test_a_torn_last_line_is_ignored_and_cut_off_on_repair(tmp_path):
  path = tmp_path / 'opt.jsonl'
  write_lines(path, [node('r'), node('r:0', 'r', 'r', 1)], tail=b'{"node_id": "r:1", "root_')
  complete = path.read_bytes()[: -len(b'{"node_id": "r:1", "root_')]
  assert [n['node_id'] for n in read_tree(path)] == ['r', 'r:0']
  assert path.read_bytes().endswith(b'"root_')  # reading alone changes nothing
  read_tree(path, repair=True)
  assert path.read_bytes() == complete
  with TreeWriter(path) as writer:
    writer.write(node('r:1', 'r', 'r', 1))
  assert [n['node_id'] for n in read_tree(path)] == ['r', 'r:0', 'r:1']


def test_a_complete_json_line_without_newline_counts_as_torn(tmp_path):
  path = tmp_path / 'opt.jsonl'
  write_lines(path, [node('r')], tail=json.dumps(node('r:0', 'r', 'r', 1)).encode())
  assert [n['node_id'] for n in read_tree(path, repair=True)] == ['r']
  assert path.read_bytes() == json.dumps(node('r')).encode() + b'\n'


def test_a_garbled_final_line_is_dropped(tmp_path):
  path = tmp_path / 'opt.jsonl'
  write_lines(path, [node('r')], tail=b'\x00\x00\x00\n')
  assert [n['node_id'] for n in read_tree(path, repair=True)] == ['r']
  assert path.read_bytes() == json.dumps(node('r')).encode() + b'\n'


def test_a_bad_line_inside_the_file_is_an_error_naming_the_line(tmp_path):
  path = tmp_path / 'opt.jsonl'
  path.write_text(json.dumps(node('r')) + '\nnot json\n' + json.dumps(node('s', 's')) + '\n')
  with pytest.raises(TreeFormatError, match=r'opt\.jsonl:2: not JSON'):
    read_tree(path)


def test_a_node_without_its_fields_is_an_error_naming_them(tmp_path):
  path = tmp_path / 'opt.jsonl'
  path.write_text(json.dumps({'node_id': 'r', 'depth': 0}) + '\n' + json.dumps(node('s', 's')) + '\n')
  with pytest.raises(TreeFormatError, match=r'opt\.jsonl:1: missing field\(s\) root_id, parent_id, kept, reason'):
    read_tree(path)


def test_done_marker_certifies_roots_and_settings(tmp_path):
  path = tmp_path / 'opt.jsonl'
  settings = dict(direction='optimize', height=2, width=3, threshold=1.1)
  assert not tree_complete(path, ['a', 'b'], **settings)
  write_done(path, tree_signature('optimize', ['b', 'a'], height=2, width=3, threshold=1.1), {'nodes': 9})
  assert done_path(path) == tmp_path / 'opt.done'
  assert tree_complete(path, ['a', 'b'], **settings)
  assert not tree_complete(path, ['a', 'b', 'c'], **settings)
  assert not tree_complete(path, ['a', 'b'], **{**settings, 'height': 3})
  assert not tree_complete(path, ['a', 'b'], **{**settings, 'direction': 'degrade'})
  assert not tree_complete(path, ['a', 'b'], **{**settings, 'extra_inputs': 0})  # checked on fewer inputs
  clear_done(path)
  assert not tree_complete(path, ['a', 'b'], **settings)


def test_shards_of_disjoint_roots_merge_breadth_first_in_root_order(tmp_path):
  def nodes(root):
    return [
      {'node_id': root, 'root_id': root, 'parent_id': None, 'depth': 0, 'kept': True, 'reason': 'root'},
      {'node_id': f'{root}:1', 'root_id': root, 'parent_id': root, 'depth': 1, 'kept': True, 'reason': 'kept'},
      {'node_id': f'{root}:0', 'root_id': root, 'parent_id': root, 'depth': 1, 'kept': False, 'reason': 'not_faster'},
      {'node_id': f'{root}:1.0', 'root_id': root, 'parent_id': f'{root}:1', 'depth': 2, 'kept': False, 'reason': 'x'},
    ]

  for k, roots in enumerate((['a', 'c'], ['b'])):
    with TreeWriter(tmp_path / f'p{k}.jsonl') as w:
      for root in roots:
        for n in nodes(root):
          w.write(n)
  out = tmp_path / 'opt.jsonl'
  merged = merge_trees([tmp_path / 'p0.jsonl', tmp_path / 'p1.jsonl'], out, ['a', 'b', 'c'])
  assert [n['node_id'] for n in read_tree(out)] == [n['node_id'] for n in merged] == [
    'a', 'b', 'c', 'a:0', 'a:1', 'b:0', 'b:1', 'c:0', 'c:1', 'a:1.0', 'b:1.0', 'c:1.0'
  ]  # fmt: skip
  with pytest.raises(TreeFormatError, match="node 'b' is also in"):
    merge_trees([tmp_path / 'p1.jsonl', tmp_path / 'p1.jsonl'], out, ['a', 'b', 'c'])
  with pytest.raises(TreeFormatError, match="has root 'b', not one of the roots"):
    merge_trees([tmp_path / 'p1.jsonl'], out, ['a', 'c'])
  assert len(read_tree(out)) == 12  # a refused merge leaves the merged file as it was
