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


def test_detached_daemon_is_still_killed(host_ex):
  src = (
    '#include <unistd.h>\n#include <stdio.h>\nint main(void){ if (fork() == 0) { setsid();'
    ' if (fork() == 0) { sleep(60); return 0; } return 0; } puts("parent"); return 0; }'
  )
  run = host_ex.run('c', src, [''], limits=LIMITS)['runs'][0]
  uid = host_ex.sandbox.uid.uid
  left = [p for p in os.listdir('/proc') if p.isdigit() and _uid_of(p) == uid]
  assert run['stdout'] == 'parent\n' and left == []


def _uid_of(pid: str):
  try:
    return os.stat(f'/proc/{pid}').st_uid
  except FileNotFoundError:
    return None


def test_requiring_bwrap_fails_loudly_when_it_cannot_run(tmp_path, monkeypatch):
  monkeypatch.setattr(sandbox, 'bwrap_path', lambda: None)
  with pytest.raises(sandbox.SandboxError, match='bubblewrap'):
    Executor(ExecutorConfig(cache_dir=tmp_path, sandbox='bwrap'))
