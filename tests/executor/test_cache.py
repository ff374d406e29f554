"""Compile cache: one build per distinct program, safe under concurrency, timeouts not cached."""

import threading

import pytest

from executor import Executor, ExecutorConfig, Limits

SRC = '#include <stdio.h>\nint main(void){ puts("cached"); return 0; }\n'


@pytest.fixture()
def cache_dir(tmp_path):
  return tmp_path / 'cache'


def test_second_compile_of_the_same_source_is_a_cache_hit(cache_dir):
  with Executor(ExecutorConfig(cache_dir=cache_dir)) as ex:
    first = ex.compile('c', SRC)
  with Executor(ExecutorConfig(cache_dir=cache_dir)) as ex:  # another executor, same cache
    second = ex.compile('c', SRC)
    assert ex.run('c', SRC)['runs'][0]['stdout'] == 'cached\n'
  assert (first.cached, second.cached) == (False, True) and first.key == second.key


def test_different_flags_give_a_different_entry(cache_dir):
  with Executor(ExecutorConfig(cache_dir=cache_dir)) as ex:
    plain = ex.compile('c', SRC)
  flags = {'c': {'compile': ['gcc', '-O0', '{src}', '-o', 'main']}}
  with Executor(ExecutorConfig(cache_dir=cache_dir, language_overrides=flags)) as ex:
    other = ex.compile('c', SRC)
  assert plain.key != other.key and not other.cached


def test_concurrent_compiles_of_one_source_build_it_once(cache_dir):
  executors = [Executor(ExecutorConfig(cache_dir=cache_dir)) for _ in range(4)]
  barrier = threading.Barrier(len(executors))
  results = []

  def go(ex):
    barrier.wait()
    results.append(ex.compile('cpp', '#include <cstdio>\nint main(){ std::puts("x"); }\n'))

  threads = [threading.Thread(target=go, args=(ex,)) for ex in executors]
  for t in threads:
    t.start()
  for t in threads:
    t.join()
  for ex in executors:
    ex.close()
  assert sorted(r.cached for r in results) == [False, True, True, True]
  assert len({r.dir for r in results}) == 1
  assert not [p for p in (cache_dir / 'programs').iterdir() if p.name.startswith('.tmp')]


def test_compile_errors_are_cached_but_limit_hits_are_not(cache_dir):
  tight = Limits(timeout=1.0, wall_timeout=2.0, memory_mb=2048, processes=32, tmpfs_mb=16, stack_mb=0)
  with Executor(ExecutorConfig(cache_dir=cache_dir, compile_limits=tight)) as ex:
    bad = [ex.compile('c', 'int main( {') for _ in range(2)]
    hang = [ex.compile('c', '#include "/dev/zero"\n') for _ in range(2)]
  assert [b.cached for b in bad] == [False, True] and bad[0].status == 'compile_error'
  assert [h.cached for h in hang] == [False, False] and hang[0].status == 'compile_error'


def test_published_artifacts_are_not_writable_by_the_sandbox(cache_dir):
  with Executor(ExecutorConfig(cache_dir=cache_dir)) as ex:
    program = ex.compile('c', SRC)
    uid = ex.sandbox.uid.uid
  for path in [program.dir, *program.dir.iterdir()]:
    st = path.stat()
    assert st.st_uid != uid and not st.st_mode & 0o022
