"""bite_jax.hosts on one process: shares of a list, shard file names, and the exchange of files through
a remote workdir's mirror at barriers (the barriers themselves: tests/test_multihost_stages.py)."""

from pathlib import Path

import pytest

from bite_jax import hosts
from bite_jax.config import ConfigError


def test_shares_are_round_robin_disjoint_and_cover_every_item():
  items = list(range(11))
  shares = [hosts.share(items, process=k, processes=3) for k in range(3)]
  assert shares == [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8]]
  assert sorted(x for s in shares for x in s) == items
  assert hosts.share(items) == items  # one process: everything
  assert hosts.share([], process=1, processes=4) == []
  with pytest.raises(ValueError, match='process 2 is not in'):
    hosts.share(items, process=2, processes=2)


def test_a_shard_file_names_its_process_and_the_process_count():
  path = Path('w/trees/opt.jsonl')
  assert hosts.shard_file(path, process=1, processes=4) == Path('w/trees/shards/opt.p1of4.jsonl')
  assert hosts.shard_file(path) == Path('w/trees/shards/opt.p0of1.jsonl')


class FakeMirror:
  remote = True

  def __init__(self, local):
    self.local = Path(local)
    self.calls = []

  def push(self, prefix=''):
    self.calls.append(('push', prefix))

  def pull(self, prefix=''):
    self.calls.append(('pull', prefix))

  def syncing(self, prefix, every_s):
    self.calls.append(('syncing', prefix, every_s))
    return _Nothing()


class _Nothing:
  def __enter__(self):
    return self

  def __exit__(self, *exc):
    return False


@pytest.fixture
def mirror(tmp_path):
  fake = FakeMirror(tmp_path)
  hosts.use_mirror(fake)
  yield fake
  hosts.use_mirror(None)


def test_exchange_pushes_before_and_pulls_after_the_barrier(mirror):
  hosts.exchange('x', push='trees/shards', pull='trees')
  hosts.exchange('y', push=None, pull=None)
  assert mirror.calls == [('push', 'trees/shards'), ('pull', 'trees')]


def test_syncing_names_the_file_relative_to_the_mirror(mirror):
  with hosts.syncing(mirror.local / 'trees' / 'shards' / 'opt.p0of2.jsonl', every_s=5):
    pass
  assert mirror.calls == [('syncing', 'trees/shards/opt.p0of2.jsonl', 5)]


def test_a_local_workdir_has_no_mirror(tmp_path):
  class Local:
    remote = False

  hosts.use_mirror(Local())
  assert hosts.mirror() is None
  hosts.exchange('z', push='', pull='')  # nothing to push or pull, no other process to wait for
  with hosts.syncing(tmp_path / 'f'):
    pass


def test_orbax_writes_a_multi_host_runs_checkpoints_straight_to_a_gs_bucket(tmp_path, monkeypatch):
  fake = FakeMirror(tmp_path)
  fake.url = 'gs://bucket/run'
  hosts.use_mirror(fake)
  try:
    ckpt = tmp_path / 'editors' / 'optimizer' / 'checkpoints'
    assert hosts.orbax_dir(ckpt) == ckpt  # one process: its mirror is the directory every process sees
    monkeypatch.setattr(hosts, 'count', lambda: 2)
    assert hosts.orbax_dir(ckpt) == 'gs://bucket/run/editors/optimizer/checkpoints'
    fake.url = 'objtest://bucket/run'
    with pytest.raises(ConfigError, match=r'objtest://\. Use a gs:// bucket or a shared disk'):
      hosts.orbax_dir(ckpt)
  finally:
    hosts.use_mirror(None)
  assert hosts.orbax_dir(ckpt) == ckpt  # a shared disk: the path itself


def test_publish_pushes_and_pulls_the_directory_through_the_mirror(mirror):
  hosts.publish(mirror.local / 'pkac' / 'stage1' / 'final', 'x')
  assert mirror.calls == [('push', 'pkac/stage1/final'), ('pull', 'pkac/stage1/final')]
