"""bite_jax.storage: a remote workdir through a local mirror, on memory:// and on objtest:// (an object store)."""

import importlib.util
import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import fsspec
import pytest

from bite_jax import storage
from tests.helpers import objfs
from tests.helpers.paths import REPO


@pytest.fixture(params=['memory', 'objtest'])
def url(request, tmp_path, monkeypatch):
  """A fresh, empty remote workdir URL."""
  monkeypatch.setenv(objfs.ROOT_ENV, str(tmp_path / 'objects'))
  url = f'{request.param}://bucket-{uuid.uuid4().hex[:8]}/run'
  yield url
  if request.param == 'memory':
    fs, root = fsspec.core.url_to_fs(url)
    if fs.exists(root):
      fs.rm(root, recursive=True)


def host(url, tmp_path, name='a'):
  """The workdir as one host sees it: its own mirror, under its own cache."""
  return storage.open_workdir(url, cache_dir=tmp_path / f'cache-{name}')


def write(path: Path, data, mtime_ns: int | None = None) -> Path:
  path.parent.mkdir(parents=True, exist_ok=True)
  if isinstance(data, str):
    path.write_text(data, encoding='utf-8')
  else:
    path.write_bytes(data)
  if mtime_ns is not None:
    os.utime(path, ns=(mtime_ns, mtime_ns))
  return path


def tree(root: Path) -> dict[str, bytes]:
  return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob('*')) if p.is_file()}


def remote_tree(wd) -> dict[str, bytes]:
  return {p[len(wd.root) + 1 :]: wd.fs.cat_file(p) for p in wd.fs.find(wd.root)}


def record_puts(monkeypatch, wd) -> list[str]:
  """The relative paths wd uploads, in order."""
  puts, put_file = [], wd.fs.put_file

  def recording(lpath, rpath, **kwargs):
    puts.append(Path(lpath).relative_to(wd.local).as_posix())
    return put_file(lpath, rpath, **kwargs)

  monkeypatch.setattr(wd.fs, 'put_file', recording)
  return puts


# An Orbax-like checkpoint layout: nested item directories, step metadata first, commit file last.
CHECKPOINT = {
  'ift/checkpoints/100/_CHECKPOINT_METADATA': '{"step": 100}',
  'ift/checkpoints/100/params/manifest.ocdbt': bytes(range(256)),
  'ift/checkpoints/100/params/d/0a1b': b'\x00\xffweights' * 100,
  'ift/checkpoints/100/meta/metadata': '{"epoch": 1}',
  'ift/checkpoints/100/commit_success.txt': 'done',
}


def test_is_url():
  assert storage.is_url('gs://bucket/run')
  assert storage.is_url('s3://bucket/run')
  assert storage.is_url('memory://x')
  assert storage.is_url('file:///tmp/run')
  assert storage.is_url('simplecache::gs://bucket/run')
  assert not storage.is_url('runs/tiny')
  assert not storage.is_url('/tmp/run')
  assert not storage.is_url(Path('/tmp/run'))


def test_local_path_is_its_own_workdir(tmp_path):
  wd = storage.open_workdir(tmp_path / 'run', cache_dir=tmp_path / 'cache')
  assert (wd.local, wd.remote, wd.url) == (tmp_path / 'run', False, str(tmp_path / 'run'))
  write(wd.local / 'trees' / 'opt.jsonl', '{}\n')
  with wd.syncing('trees', 0.01):
    pass
  assert (wd.pull(), wd.push(), wd.stop_sync()) == (0, 0, 0)
  assert not (tmp_path / 'cache').exists()


def test_open_on_an_empty_remote_makes_an_empty_mirror_with_the_record_beside_it(url, tmp_path):
  wd = host(url, tmp_path)
  assert wd.remote and wd.url == url
  assert wd.local.is_dir() and list(wd.local.iterdir()) == []
  assert wd.local.parent == tmp_path / 'cache-a'
  assert wd.local.name.startswith(url.replace('://', '-').replace('/', '-'))
  assert wd.manifest_path.parent == wd.local.parent
  assert wd.pull() == 0


def test_mirror_lives_under_bite_cache_dir(url, tmp_path, monkeypatch):
  monkeypatch.setenv(storage.CACHE_ENV, str(tmp_path / 'env-cache'))
  wd = storage.open_workdir(url)
  assert wd.local.parent == tmp_path / 'env-cache'
  assert storage.open_workdir(url + '/').local == wd.local  # a trailing slash names the same workdir


def test_push_then_a_fresh_host_pulls_the_same_files_byte_for_byte(url, tmp_path):
  wd = host(url, tmp_path)
  files = {'config.json': '{"seed": 0}\n', 'trees/opt.jsonl': '{"node_id": "t"}\n', **CHECKPOINT}
  for rel, data in files.items():
    write(wd.local / rel, data)
  assert wd.push() == len(files)
  fresh = host(url, tmp_path, 'b')
  assert fresh.local != wd.local
  assert tree(fresh.local) == tree(wd.local)
  assert tree(fresh.local)['ift/checkpoints/100/params/manifest.ocdbt'] == bytes(range(256))


def test_push_sends_files_oldest_first_so_markers_follow_their_data(url, tmp_path, monkeypatch):
  wd = host(url, tmp_path)
  t = 1_700_000_000_000_000_000
  write(wd.local / 'curriculum' / 'levels.json', '{}', t + 5)
  write(wd.local / 'trees' / 'opt.jsonl.done', '', t + 3)
  write(wd.local / 'curriculum' / 'easy.jsonl', 'e', t + 4)
  write(wd.local / 'trees' / 'opt.jsonl', 'o', t + 1)
  write(wd.local / 'trees' / 'degr.jsonl', 'd', t + 2)
  puts = record_puts(monkeypatch, wd)
  wd.push()
  assert puts == [
    'trees/opt.jsonl',
    'trees/degr.jsonl',
    'trees/opt.jsonl.done',
    'curriculum/easy.jsonl',
    'curriculum/levels.json',
  ]


def test_orbax_step_metadata_goes_up_first_in_its_step_and_the_commit_file_last(url, tmp_path, monkeypatch):
  wd = host(url, tmp_path)
  t = 1_700_000_000_000_000_000
  step = 'ift/checkpoints/100'
  write(wd.local / 'ift' / 'metrics.jsonl', '{}', t)
  write(wd.local / step / 'params' / 'manifest.ocdbt', b'p', t + 1)
  write(wd.local / step / 'meta' / 'metadata', '{}', t + 2)
  write(wd.local / step / '_CHECKPOINT_METADATA', '{"commit": 1}', t + 3)  # rewritten when Orbax finalizes
  write(wd.local / step / 'commit_success.txt', 'done', t + 4)
  puts = record_puts(monkeypatch, wd)
  wd.push()
  assert puts == [
    'ift/metrics.jsonl',
    f'{step}/_CHECKPOINT_METADATA',
    f'{step}/params/manifest.ocdbt',
    f'{step}/meta/metadata',
    f'{step}/commit_success.txt',
  ]


def test_push_sends_only_files_changed_since_the_last_sync(url, tmp_path, monkeypatch):
  wd = host(url, tmp_path)
  write(wd.local / 'a.json', '1')
  write(wd.local / 'b.json', '2')
  assert wd.push() == 2
  puts = record_puts(monkeypatch, wd)
  assert wd.push() == 0
  write(wd.local / 'b.json', '22')
  assert wd.push() == 1
  assert puts == ['b.json']
  record = json.loads(wd.manifest_path.read_text())['files']
  assert sorted(record) == ['a.json', 'b.json']
  assert record['b.json']['local'][0] == 2


def test_files_pulled_are_not_pushed_back(url, tmp_path, monkeypatch):
  write(host(url, tmp_path).local / 'a.json', '1')
  host(url, tmp_path).push()
  other = host(url, tmp_path, 'b')
  puts = record_puts(monkeypatch, other)
  assert other.push() == 0 and puts == []


def test_tmp_files_and_orbax_in_progress_directories_are_not_synced(url, tmp_path):
  wd = host(url, tmp_path)
  write(wd.local / 'report.md.tmp', 'half')
  write(wd.local / 'ift' / 'checkpoints' / '200.orbax-checkpoint-tmp-1234' / 'params' / 'x', 'half')
  write(wd.local / 'metrics.json', '{}')
  assert wd.push() == 1
  assert list(remote_tree(wd)) == ['metrics.json']


def test_background_sync_uploads_a_growing_file_and_stop_pushes_the_last_bytes(url, tmp_path, monkeypatch):
  wd = host(url, tmp_path)
  shard = write(wd.local / 'trees' / 'opt.jsonl', 'line 0\n')
  pushes, changed = [0], threading.Condition()
  push = wd.push

  def counting(prefix=''):
    n = push(prefix)
    with changed:
      pushes[0] += 1
      changed.notify_all()
    return n

  def two_more_pushes():  # the second one started after the caller's last write
    with changed:
      target = pushes[0] + 2
      assert changed.wait_for(lambda: pushes[0] >= target, timeout=30)

  monkeypatch.setattr(wd, 'push', counting)
  wd.start_sync('trees', 0.001)
  two_more_pushes()
  assert remote_tree(wd) == {'trees/opt.jsonl': b'line 0\n'}
  with shard.open('a') as f:
    f.write('line 1\n')
  two_more_pushes()
  assert remote_tree(wd) == {'trees/opt.jsonl': b'line 0\nline 1\n'}
  with shard.open('a') as f:
    f.write('line 2\n')
  write(wd.local / 'trees' / 'opt.jsonl.done', '')
  wd.stop_sync()
  assert remote_tree(wd) == {'trees/opt.jsonl': b'line 0\nline 1\nline 2\n', 'trees/opt.jsonl.done': b''}


def test_syncing_pushes_once_more_when_its_block_raises(url, tmp_path):
  wd = host(url, tmp_path)
  with pytest.raises(RuntimeError, match='stage failed'), wd.syncing('trees', 3600):
    write(wd.local / 'trees' / 'opt.jsonl', 'kept\n')
    raise RuntimeError('stage failed')
  assert remote_tree(wd) == {'trees/opt.jsonl': b'kept\n'}
  with wd.syncing('trees', 3600):  # the prefix is free again
    pass


def test_pull_takes_an_object_another_host_wrote(url, tmp_path):
  a = host(url, tmp_path, 'a')
  write(a.local / 'trees' / 'stats.json', 'v1')
  a.push()
  b = host(url, tmp_path, 'b')
  write(b.local / 'trees' / 'stats.json', 'v2 from b')
  write(b.local / 'curriculum' / 'levels.json', '{}')
  assert b.push() == 2
  assert a.pull() == 2
  assert tree(a.local) == {'trees/stats.json': b'v2 from b', 'curriculum/levels.json': b'{}'}
  assert a.pull() == 0


def test_pull_keeps_a_local_change_the_remote_does_not_contradict(url, tmp_path):
  wd = host(url, tmp_path)
  write(wd.local / 'trees' / 'opt.jsonl', 'a\n')
  wd.push()
  write(wd.local / 'trees' / 'opt.jsonl', 'a\nb\n')
  assert wd.pull() == 0
  assert (wd.local / 'trees' / 'opt.jsonl').read_text() == 'a\nb\n'


def test_pull_takes_the_remote_copy_when_both_changed(url, tmp_path):
  a = host(url, tmp_path, 'a')
  write(a.local / 'stats.json', 'v1')
  a.push()
  b = host(url, tmp_path, 'b')
  write(b.local / 'stats.json', 'from b')
  b.push()
  write(a.local / 'stats.json', 'from a, never pushed')
  assert a.pull() == 1
  assert (a.local / 'stats.json').read_text() == 'from b'


def test_pull_restores_a_file_missing_from_the_mirror(url, tmp_path):
  wd = host(url, tmp_path)
  write(wd.local / 'trees' / 'opt.jsonl', 'a\n')
  wd.push()
  (wd.local / 'trees' / 'opt.jsonl').unlink()
  assert wd.pull() == 1
  assert (wd.local / 'trees' / 'opt.jsonl').read_text() == 'a\n'


def test_a_file_deleted_remotely_is_deleted_locally_unless_changed_here(url, tmp_path):
  wd = host(url, tmp_path)
  write(wd.local / 'curriculum' / 'levels.json', '{}')
  write(wd.local / 'curriculum' / 'easy.jsonl', 'e\n')
  wd.push()
  for rel in ('curriculum/levels.json', 'curriculum/easy.jsonl'):
    wd.fs.rm_file(f'{wd.root}/{rel}')
  write(wd.local / 'curriculum' / 'easy.jsonl', 'e\ne2\n')
  assert wd.pull() == 1
  assert tree(wd.local) == {'curriculum/easy.jsonl': b'e\ne2\n'}
  assert wd.push() == 1  # the local change goes back up
  assert remote_tree(wd) == {'curriculum/easy.jsonl': b'e\ne2\n'}


def test_push_removes_objects_whose_files_were_deleted_here_markers_first(url, tmp_path, monkeypatch):
  wd = host(url, tmp_path)
  t = 1_700_000_000_000_000_000
  for i, (rel, data) in enumerate(CHECKPOINT.items()):
    write(wd.local / rel, data, t + i)
  write(wd.local / 'ift' / 'checkpoints' / '200' / 'commit_success.txt', 'done', t + 10)
  wd.push()
  removed, rm_file = [], wd.fs.rm_file
  monkeypatch.setattr(wd.fs, 'rm_file', lambda p: (removed.append(p[len(wd.root) + 1 :]), rm_file(p))[1])
  for rel in CHECKPOINT:  # Orbax removing an old step
    (wd.local / rel).unlink()
  assert wd.push() == len(CHECKPOINT)
  assert removed[0] == 'ift/checkpoints/100/commit_success.txt'
  assert removed[-1] == 'ift/checkpoints/100/_CHECKPOINT_METADATA'
  assert sorted(removed) == sorted(CHECKPOINT)
  assert list(remote_tree(wd)) == ['ift/checkpoints/200/commit_success.txt']


def test_pull_skips_an_orbax_step_whose_push_was_cut_short(url, tmp_path):
  wd = host(url, tmp_path)
  for rel, data in CHECKPOINT.items():
    write(wd.local / rel, data)
  wd.push()
  wd.fs.rm_file(f'{wd.root}/ift/checkpoints/100/commit_success.txt')
  fresh = host(url, tmp_path, 'b')
  assert tree(fresh.local) == {}
  wd.fs.pipe_file(f'{wd.root}/ift/checkpoints/100/commit_success.txt', b'done')
  assert fresh.pull() == len(CHECKPOINT)
  assert tree(fresh.local) == tree(wd.local)


def test_pull_and_push_of_a_prefix_touch_only_it(url, tmp_path):
  a = host(url, tmp_path, 'a')
  write(a.local / 'trees' / 'opt.jsonl', 'o\n')
  write(a.local / 'curriculum' / 'levels.json', '{}')
  assert a.push('trees') == 1
  assert list(remote_tree(a)) == ['trees/opt.jsonl']
  assert a.push('curriculum/levels.json') == 1
  b = host(url, tmp_path, 'b')
  write(a.local / 'trees' / 'opt.jsonl', 'o\no2\n')
  write(a.local / 'curriculum' / 'levels.json', '{"easy": 1}')
  a.push()
  assert b.pull('trees/') == 1
  assert tree(b.local) == {'trees/opt.jsonl': b'o\no2\n', 'curriculum/levels.json': b'{}'}


def test_an_unreadable_sync_record_means_a_full_resync(url, tmp_path):
  wd = host(url, tmp_path)
  write(wd.local / 'a.json', '1')
  wd.push()
  wd.manifest_path.write_text('not json')
  again = host(url, tmp_path)  # its pull copies every object down again and records it
  assert sorted(json.loads(again.manifest_path.read_text())['files']) == ['a.json']
  assert tree(again.local) == {'a.json': b'1'}
  assert again.push() == 0


def test_an_unknown_protocol_names_the_workdir(tmp_path):
  with pytest.raises(ValueError, match=r"--workdir nosuch://bucket/run: fsspec knows no protocol 'nosuch'"):
    storage.open_workdir('nosuch://bucket/run', cache_dir=tmp_path)


@pytest.mark.skipif(importlib.util.find_spec('gcsfs') is not None, reason='gcsfs is installed')
def test_a_missing_file_system_package_names_the_pip_extra(tmp_path):
  with pytest.raises(ImportError, match=r"--workdir gs://bucket/run: .*pip install 'bite-jax\[gcs\]'"):
    storage.open_workdir('gs://bucket/run', cache_dir=tmp_path)
  assert not any(tmp_path.iterdir())


def test_objtest_is_an_object_store_without_append_or_directory_rename(tmp_path, monkeypatch):
  monkeypatch.setenv(objfs.ROOT_ENV, str(tmp_path / 'objects'))
  fs = fsspec.filesystem('objtest')
  fs.pipe_file('b/run/trees/opt.jsonl', b'a\n')
  with pytest.raises(ValueError, match='no append'):
    fs.open('b/run/trees/opt.jsonl', 'ab')
  with pytest.raises(OSError, match='cannot rename a directory'):
    fs.mv('b/run/trees', 'b/run/trees2')
  assert fs.ls('b/run', detail=False) == ['b/run/trees']
  assert fs.cat_file('objtest://b/run/trees/opt.jsonl') == b'a\n'


def test_objtest_objects_are_shared_between_processes(tmp_path, monkeypatch):
  monkeypatch.setenv(objfs.ROOT_ENV, str(tmp_path / 'objects'))
  url = 'objtest://bucket/run'
  child = (
    'import sys; from tests.helpers import objfs; from bite_jax import storage; '
    'wd = storage.open_workdir(sys.argv[1], cache_dir=sys.argv[2]); '
    "(wd.local / 'BASE_DONE').write_text('from the child'); wd.push()"
  )
  subprocess.run([sys.executable, '-c', child, url, str(tmp_path / 'child-cache')], cwd=REPO, check=True)
  assert tree(host(url, tmp_path).local) == {'BASE_DONE': b'from the child'}


def test_run_main_objfs_runs_the_command_line(tmp_path):
  env = {**os.environ, objfs.ROOT_ENV: str(tmp_path / 'objects')}
  cmd = [sys.executable, '-m', 'tests.helpers.run_main_objfs', '--helpshort']
  done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
  assert '--workdir' in done.stdout, done.stderr  # absl's help exits 1
