"""Degraded isolation (no bubblewrap, no cgroups) still limits, kills and says what was in force."""

import os

import pytest

from executor import Executor, ExecutorConfig, Limits, isolation, sandbox

LIMITS = Limits(timeout=1.0, wall_timeout=3.0, memory_mb=128)


@pytest.fixture(scope='module')
def host_ex(executor_config):
  config = ExecutorConfig(cache_dir=executor_config.cache_dir, sandbox='none', cgroups=False)
  with Executor(config) as ex:
    yield ex


def test_degraded_mode_is_warned_and_reported(host_ex):
  assert any("sandbox='none'" in message for message in isolation._WARNED)
  iso = host_ex.run('c', 'int main(void){return 0;}')['isolation']
  assert iso['sandbox'] == 'none' and iso['network'] == 'host' and iso['cgroup'] is None
  assert iso['memory_limit'] == 'rlimit'


def test_programs_still_run_and_read_stdin(host_ex):
  src = '#include <stdio.h>\nint main(void){ int x; scanf("%d", &x); printf("%d\\n", x * 3); }'
  assert host_ex.run('c', src, ['14\n'], limits=LIMITS)['runs'][0]['stdout'] == '42\n'


def test_cpu_limit_holds_without_namespaces(host_ex):
  assert host_ex.run('c', 'int main(void){ for(;;); }', [''], limits=LIMITS)['status'] == 'timeout'


def test_memory_limit_holds_with_rlimits_only(host_ex):
  src = (
    '#include <stdlib.h>\n#include <string.h>\nint main(void){ for(;;){ char *p = malloc(1<<24);'
    ' if(!p) return 3; memset(p, 1, 1<<24); } }'
  )
  assert host_ex.run('c', src, [''], limits=LIMITS)['status'] == 'memory_limit'


@pytest.fixture(scope='module')
def host_cgroup_ex(executor_config):
  """Host mode with a cgroup per run: the only way to tell a run's processes apart without a PID namespace."""
  with Executor(ExecutorConfig(cache_dir=executor_config.cache_dir, sandbox='none')) as ex:
    if ex.sandbox.cgroups is None:
      pytest.skip(
        'needs root (or a delegated cgroup v2 subtree): without a PID namespace, host-mode cleanup is checked '
        "by the run's cgroup, and cgroups are not writable here"
      )
    yield ex


def _cgroup_lines(pid='self') -> set[str]:
  try:
    with open(f'/proc/{pid}/cgroup') as f:
      return set(f.read().split())
  except OSError:  # the process is gone
    return set()


def test_detached_daemon_is_still_killed(host_cgroup_ex):
  src = (
    '#include <stdio.h>\n#include <unistd.h>\nint main(void){ char buf[4096]; FILE *f = fopen("/proc/self/cgroup",'
    ' "r"); size_t n = fread(buf, 1, sizeof buf, f); fwrite(buf, 1, n, stdout); fflush(stdout);'
    ' if (fork() == 0) { setsid(); if (fork() == 0) { sleep(60); return 0; } return 0; } puts("parent"); return 0; }'
  )
  run = host_cgroup_ex.run('c', src, [''], limits=LIMITS)['runs'][0]
  lines = run['stdout'].split()
  run_groups = set(lines[:-1]) - _cgroup_lines()  # the run's own cgroups (one per controller)
  assert lines[-1] == 'parent' and run_groups
  left = [p for p in os.listdir('/proc') if p.isdigit() and _cgroup_lines(p) & run_groups]
  assert left == [], 'a process of the run outlived it'


def test_host_mode_leaves_a_toolchain_under_tmp_alone(host_ex, tmp_path):
  tool = tmp_path / 'toolchain'
  tool.mkdir()
  script = tool / 'show'
  script.write_text('#!/bin/sh\necho "$0" "$@"\n')
  script.chmod(0o755)
  host_ex.sandbox.add_ro_dir(str(tool))
  res = host_ex.sandbox.execute([str(script), str(tool / 'data'), '/tmp/scratch'], limits=LIMITS, env={})
  shown, data, scratch = res.stdout.decode().split()
  assert (shown, data) == (str(script), str(tool / 'data'))
  assert scratch.endswith('/.tmp/scratch') and scratch != '/tmp/scratch'  # the program's own /tmp is moved


@pytest.mark.parametrize('separate_uid', [True, False])
def test_the_host_mode_warning_says_what_is_not_protected(separate_uid):
  text = isolation.host_mode_summary(uid=1234, separate_uid=separate_uid, cgroups=False, syscall_filter=True)
  assert 'NOT protected: ' in text and 'network' in text and 'system-call filter' in text
  if separate_uid:
    assert 'uid 1234 (not the caller)' in text and 'not signalable' in text
  else:
    assert 'YOUR uid 1234' in text and 'every file you can read or write' in text and 'separate uid' in text
    assert 'not the caller' not in text


def test_the_warning_given_matches_this_process(host_ex):
  expected = f'uid {host_ex.sandbox.uid.uid} (not the caller)' if os.geteuid() == 0 else f'YOUR uid {os.getuid()}'
  assert any(expected in m for m in isolation._WARNED if m.startswith("sandbox='none'"))


def test_requiring_bwrap_fails_loudly_when_it_cannot_run(tmp_path, monkeypatch):
  monkeypatch.setattr(sandbox, 'bwrap_path', lambda: None)
  with pytest.raises(sandbox.SandboxError, match='bubblewrap'):
    Executor(ExecutorConfig(cache_dir=tmp_path, sandbox='bwrap'))
