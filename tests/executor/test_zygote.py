"""The long-lived sandbox (zygote): runs share it, yet each gets fresh namespaces, scratch dirs and limits.

Needs bubblewrap: without it the module skips, or fails under BITE_REQUIRE_SANDBOX=1 (as CI runs it).
"""

import os
from pathlib import Path

import pytest

from executor import Executor, Limits, isolation, sandbox
from executor.cgroups import RunCgroup
from tests.executor.test_sandbox import processes_in_pid_namespace

LIMITS = Limits(timeout=2.0, wall_timeout=4.0, memory_mb=256)
pytestmark = pytest.mark.usefixtures('bwrap_works')
NAMESPACES = ('pid', 'mnt', 'ipc', 'uts', 'net', 'user')


@pytest.fixture(scope='module')
def zex(bwrap_ex):
  """The module's bubblewrap executor, serving runs from its zygote."""
  assert bwrap_ex.run('python', 'pass', [''])['status'] == 'ok'
  if bwrap_ex.sandbox.zygote is None:
    pytest.skip(f'no zygote here: {[m for m in isolation._WARNED if "long-lived" in m]}')
  return bwrap_ex


def run_py(ex, source, limits=LIMITS, stdin=''):
  run = ex.run('python', source, [stdin], limits=limits)['runs'][0]
  assert run['status'] == 'ok', run
  return run['stdout']


def zygote_pid(ex) -> int:
  z = ex.sandbox.zygote
  assert z is not None and z.alive() and z.pid
  return z.pid


def test_each_run_gets_its_own_namespaces_from_one_zygote(zex):
  src = f'import os\nprint(*(os.readlink(f"/proc/self/ns/{{n}}") for n in {NAMESPACES!r}))'
  pid = zygote_pid(zex)
  zygote = [os.readlink(f'/proc/{pid}/ns/{name}') for name in NAMESPACES]
  for _ in range(2):
    run = run_py(zex, src).split()
    shared = {name for name, a, b in zip(NAMESPACES, run, zygote) if a == b}
    assert shared == {'net', 'user'}  # the zygote's; nothing of a run outlives its processes in them
  assert zygote_pid(zex) == pid


def test_files_of_one_run_are_gone_in_the_next(zex):
  write = (
    'import errno\nfor path in ("/tmp/a", "/box/b", "/dev/shm/c", "/d", "/dev/e", "/prog/f", "/etc/g"):\n'
    '    try:\n        open(path, "w").write("x")\n        print(path, "written")\n'
    '    except OSError as e:\n        print(path, errno.errorcode[e.errno])'
  )
  assert run_py(zex, write).splitlines() == [
    '/tmp/a written',
    '/box/b written',
    '/dev/shm/c written',
    '/d EROFS',
    '/dev/e EROFS',
    '/prog/f EROFS',
    '/etc/g EROFS',
  ]
  check = 'import os\nprint([os.path.exists(p) for p in ("/tmp/a", "/box/b", "/dev/shm/c")], os.listdir("/tmp"))'
  assert run_py(zex, check) == '[False, False, False] []\n'


def test_sysv_ipc_objects_do_not_reach_the_next_run(zex):
  src = (
    '#include <stdio.h>\n#include <errno.h>\n#include <sys/ipc.h>\n#include <sys/shm.h>\n#include <sys/msg.h>\n'
    "int main(int argc, char **argv) { int make = getchar() == '1'; int flags = make ? IPC_CREAT | 0600 : 0;\n"
    '  int shm = shmget(0x5151, 4096, flags), msg = msgget(0x5152, flags);\n'
    '  printf("%d %d\\n", shm >= 0 ? 0 : errno, msg >= 0 ? 0 : errno); return 0; }\n'
  )
  made, seen = (zex.run('c', src, [x], limits=LIMITS)['runs'][0]['stdout'] for x in ('1', '0'))
  assert (made, seen) == ('0 0\n', '2 2\n')  # created, then ENOENT: a fresh IPC namespace


def test_a_leftover_daemon_is_killed_and_its_socket_gone(zex):
  name = f'bite-zygote-test-{os.getpid()}'
  daemon = (
    'import os, socket, time\ns = socket.socket(socket.AF_UNIX)\n'
    f's.bind("\\0{name}")\ns.listen()\n'
    'if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(60)\n    os._exit(0)\n'
    'print(os.readlink("/proc/self/ns/pid"))'
  )
  ns = run_py(zex, daemon).strip()
  assert processes_in_pid_namespace(ns) == []
  probe = (
    'import os, socket\ns = socket.socket(socket.AF_UNIX)\n'
    f'try:\n    s.connect("\\0{name}")\n    print("connected")\nexcept OSError as e:\n    print(type(e).__name__)\n'
    "print(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))"
  )
  assert run_py(zex, probe) == 'ConnectionRefusedError\n[1, 2]\n'


def test_other_programs_in_the_cache_are_hidden(zex):
  first = zex.compile('python', 'print("first")')
  assert run_py(zex, 'print("first")') == 'first\n'
  src = (
    'import os\nprint(sorted(os.listdir("/prog")))\n'
    f'print(os.path.exists("/.programs/{first.dir.name}"), os.path.exists({str(first.dir)!r}))\n'
    'try:\n    print(os.listdir("/.programs"))\nexcept OSError as e:\n    print(type(e).__name__)'
  )
  assert run_py(zex, src) == "['main.py', 'meta.json']\nFalse False\nPermissionError\n"


def test_runs_hold_no_capabilities_and_one_filter(zex):
  src = (
    "fields = dict(l.split(':', 1) for l in open('/proc/self/status'))\n"
    "print(*(fields[k].strip() for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs',"
    " 'Seccomp', 'Seccomp_filters')))"
  )
  assert run_py(zex, src).split() == ['0000000000000000'] * 5 + ['1', '2', '1']


def test_killing_everything_in_a_run_leaves_the_zygote_serving(zex):
  before = zygote_pid(zex)
  run = zex.run('python', "import os\nos.system('kill -9 -1')\nprint('unreachable')", [''], limits=LIMITS)
  assert run['runs'][0]['signal'] == 9
  assert run_py(zex, 'print("next")') == 'next\n' and zygote_pid(zex) == before


def test_limits_are_set_per_run(zex):
  spawn = 'import subprocess\nps = [subprocess.Popen(["sleep", "5"]) for _ in range(12)]\nprint(len(ps))'
  small = Limits(timeout=2.0, wall_timeout=4.0, memory_mb=256, processes=6)
  tight = zex.run('python', spawn, [''], limits=small)['runs'][0]
  assert tight['status'] == 'runtime_error'
  assert run_py(zex, spawn) == '12\n'  # the next run's larger limit applies
  big = 'x = bytearray(200 << 20)\nprint(len(x) >> 20)'
  assert zex.run('python', big, [''], limits=Limits(timeout=2.0, memory_mb=128))['status'] == 'memory_limit'
  run = zex.run('python', big, [''], limits=Limits(timeout=2.0, memory_mb=512))['runs'][0]
  assert run['stdout'] == '200\n' and run['peak_rss_kb'] >= 200 << 10
  small_peak = zex.run('python', 'print(1)', [''], limits=LIMITS)['runs'][0]['peak_rss_kb']
  assert 0 < small_peak < 64 << 10  # the peak of this run alone


def test_a_run_can_take_a_cgroup_of_its_own(zex, monkeypatch):
  if zex.sandbox.isolation()['cgroup'] is None:
    pytest.skip('no writable cgroups here')

  def refuse(*args):
    raise OSError('limit below the idle charge')

  monkeypatch.setattr(RunCgroup, 'reuse', refuse)
  cgroups = run_py(zex, 'print(open("/proc/self/cgroup").read())')
  assert all(line.endswith(':/') for line in cgroups.split())  # its own cgroup namespace, rooted at its group
  big = 'x = bytearray(200 << 20)\nprint(len(x) >> 20)'
  assert zex.run('python', big, [''], limits=Limits(timeout=2.0, memory_mb=128))['status'] == 'memory_limit'


def test_a_new_toolchain_dir_restarts_the_zygote(executor_config):
  tool = Path.home() / f'.bite-zygote-tool-{os.getpid()}'
  tool.mkdir()
  (tool / 'data.txt').write_text('tool data')
  try:
    with Executor(executor_config) as ex:
      assert run_py(ex, 'print(1)') == '1\n'
      before = zygote_pid(ex)
      ex.sandbox.add_ro_dir(str(tool))
      assert run_py(ex, f'print(open({str(tool / "data.txt")!r}).read())') == 'tool data\n'
      assert zygote_pid(ex) != before
  finally:
    (tool / 'data.txt').unlink()
    tool.rmdir()


def test_a_toolchain_under_tmp_is_served_by_a_sandbox_per_run(executor_config, tmp_path):
  if not str(tmp_path).startswith('/tmp/'):
    pytest.skip(f'the test dir {tmp_path} is not under /tmp here')
  (tmp_path / 'data.txt').write_text('under tmp')
  os.chmod(tmp_path, 0o755)
  with Executor(executor_config) as ex:
    ex.sandbox.add_ro_dir(str(tmp_path))
    assert run_py(ex, f'print(open({str(tmp_path / "data.txt")!r}).read())') == 'under tmp\n'
    assert ex.sandbox.zygote is None  # each run's fresh /tmp would hide it


def test_without_a_zygote_runs_start_their_own_bubblewrap(executor_config, monkeypatch):
  monkeypatch.setattr(sandbox, 'zygote_args', lambda *args: ['/bin/false'])
  with Executor(executor_config) as ex:
    result = ex.run('python', 'print("fallback")', [''], limits=LIMITS)
    assert result['runs'][0]['stdout'] == 'fallback\n' and ex.sandbox.zygote is None
    assert result['isolation']['sandbox'] == 'bwrap' and result['isolation']['syscall_filter'] == 'seccomp'
  assert any('long-lived sandbox does not start' in m for m in isolation._WARNED)
