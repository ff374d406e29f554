"""Hostile programs: the run ends with the right status, nothing is left running, the host is untouched.

Needs bubblewrap: without it the module skips, or fails under BITE_REQUIRE_SANDBOX=1 (as CI runs it).
"""

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from executor import Limits

LIMITS = Limits(timeout=2.0, wall_timeout=4.0, memory_mb=256, output_bytes=1 << 20, file_bytes=1 << 20)
pytestmark = pytest.mark.usefixtures('bwrap_works')

# each program first prints its PID namespace, so the test can check that nothing of it is left
PY_NS = "import os as _os\nprint(_os.readlink('/proc/self/ns/pid'), flush=True)\n"
C_NS = (
  '#include <stdio.h>\n#include <unistd.h>\nstatic void print_ns(void) { char ns[64] = {0};'
  ' readlink("/proc/self/ns/pid", ns, sizeof ns - 1); puts(ns); fflush(stdout); }\n'
)
JAVA_NS = 'System.out.println(java.nio.file.Files.readSymbolicLink(java.nio.file.Paths.get("/proc/self/ns/pid")));'


def processes_in_pid_namespace(ns: str) -> list[int]:
  """Host processes whose PID namespace reads as `ns` (e.g. 'pid:[4026532301]')."""
  assert ns.startswith('pid:['), ns
  found = []
  for name in os.listdir('/proc'):
    if name.isdigit():
      try:
        if os.readlink(f'/proc/{name}/ns/pid') == ns:
          found.append(int(name))
      except OSError:  # gone, or not ours to inspect
        pass
  return found


def without_ns_line(run: dict) -> dict:
  """The run with its first stdout line (the PID namespace) checked and removed."""
  ns, _, rest = run['stdout'].partition('\n')
  assert processes_in_pid_namespace(ns) == [], 'a sandboxed process outlived its run'
  return dict(run, stdout=rest)


def run_py(ex, source, stdin=''):
  return without_ns_line(ex.run('python', PY_NS + source, [stdin], limits=LIMITS)['runs'][0])


def test_runs_as_an_unprivileged_uid_without_capabilities(ex):
  run = run_py(
    ex,
    "import os\nprint(os.getuid())\nprint([l for l in open('/proc/self/status') "
    "if l.startswith('CapEff')][0].split()[1])",
  )
  uid, caps = run['stdout'].split()
  assert int(uid) == ex.sandbox.uid.uid != 0 and int(caps, 16) == 0


def test_fork_bomb_is_contained(ex):
  result = ex.run('c', C_NS + 'int main(void){ print_ns(); for(;;) fork(); }', [''], limits=LIMITS)
  assert result['status'] == 'timeout'
  without_ns_line(result['runs'][0])


def test_python_fork_bomb_is_contained(ex):
  run = run_py(ex, 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass')
  assert run['status'] == 'timeout'


def test_detached_daemon_is_killed_when_the_program_ends(ex):
  src = (
    'import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(60)\n'
    "    os._exit(0)\nprint('parent done')"
  )
  started = time.monotonic()
  run = run_py(ex, src)
  assert run['status'] == 'ok' and run['stdout'] == 'parent done\n' and time.monotonic() - started < 3


def test_sleeping_children_do_not_hold_the_run(ex):
  src = "import subprocess\nfor _ in range(3):\n    subprocess.Popen(['sleep', '100'])\nprint('spawned')"
  run = run_py(ex, src)
  assert run['status'] == 'ok' and run['wall_time'] < 2


def test_killing_the_parent_does_not_break_the_run(ex):
  run = run_py(ex, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint('still here')")
  assert (run['status'], run['stdout']) == ('ok', 'still here\n')


def test_kill_all_processes_only_reaches_the_sandbox(ex):
  run = run_py(ex, "import os\nos.system('kill -9 -1')\nprint('unreachable')")
  assert run['status'] == 'runtime_error' and run['signal'] == 9
  assert run_py(ex, "print('next run fine')")['stdout'] == 'next run fine\n'


def test_no_connection_reaches_a_host_tcp_listener(ex):
  with socket.socket() as server:
    server.bind(('127.0.0.1', 0))
    server.listen(1)
    server.setblocking(False)
    port = server.getsockname()[1]
    run = run_py(
      ex, f"import socket\ns = socket.socket()\ns.settimeout(1)\ns.connect(('127.0.0.1', {port}))\nprint('connected')"
    )
    with pytest.raises(BlockingIOError):
      server.accept()
  assert run['status'] == 'runtime_error' and 'connected' not in run['stdout']


def test_no_connection_reaches_a_host_abstract_unix_socket(ex):
  name = f'\0bite-executor-test-{os.getpid()}'
  with socket.socket(socket.AF_UNIX) as server:
    server.bind(name)
    server.listen(1)
    server.setblocking(False)
    run = run_py(ex, f"import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect({name!r})\nprint('connected')")
    with pytest.raises(BlockingIOError):
      server.accept()
  assert run['status'] == 'runtime_error' and 'ConnectionRefused' in run['stderr']


def test_outside_network_is_unreachable(ex):
  run = run_py(ex, "import socket\ns = socket.socket()\ns.settimeout(1)\ns.connect(('1.1.1.1', 53))")
  assert run['status'] == 'runtime_error' and 'unreachable' in run['stderr'].lower()


def test_a_port_bound_inside_is_not_visible_on_the_host(ex):
  with socket.socket() as probe:
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
  bound, done = f'bound-{port}', f'done-{port}'
  src = (
    f"import socket, time\ns = socket.socket()\ns.bind(('0.0.0.0', {port}))\ns.listen()\nprint({bound!r}, flush=True)\n"
    f'time.sleep(2)\nprint({done!r})'
  )
  box = {}
  worker = threading.Thread(target=lambda: box.update(run=run_py(ex, src)))
  worker.start()
  stdout = ex.sandbox.streams.stdout  # the running program's stdout file: says when it has bound
  refused = []  # one entry per connection attempted while the program was listening
  deadline = time.monotonic() + 10
  while worker.is_alive() and time.monotonic() < deadline:
    if bound in _read(stdout) and done not in _read(stdout):
      with socket.socket() as c:
        c.settimeout(0.5)
        failed = c.connect_ex(('127.0.0.1', port)) != 0
      if done not in _read(stdout):
        refused.append(failed)
    time.sleep(0.05)
  worker.join()
  assert box['run']['stdout'] == f'{bound}\n{done}\n'
  assert len(refused) >= 3 and all(refused), refused


def _read(path: Path) -> str:
  try:
    return path.read_text()
  except (FileNotFoundError, UnicodeDecodeError):
    return ''


def test_host_files_in_the_test_tmp_dir_are_neither_readable_nor_writable(ex, tmp_path):
  secret = tmp_path / 'secret.txt'
  secret.write_text('TOP SECRET')
  os.chmod(tmp_path, 0o777)
  run = run_py(ex, f'print(open({str(secret)!r}).read())')
  assert run['status'] == 'runtime_error' and 'TOP SECRET' not in run['stdout']
  target = tmp_path / 'written.txt'
  run = run_py(ex, f"open({str(target)!r}, 'w').write('x')")
  assert run['status'] == 'runtime_error' and not target.exists()


def test_files_in_home_are_not_reachable(ex):
  home_file = Path.home() / f'.bite-executor-test-{os.getpid()}'
  home_file.write_text('HOME SECRET')
  try:
    run = run_py(ex, f"import os\nprint(os.path.exists({str(home_file)!r}))\nprint(os.listdir('/'))")
    assert run['stdout'].splitlines()[0] == 'False'
  finally:
    home_file.unlink()


def test_writes_to_host_tmp_stay_in_the_sandbox(ex):
  marker = f'/tmp/bite-executor-escape-{os.getpid()}'
  run = run_py(ex, f"open({marker!r}, 'w').write('x')\nprint('wrote')")
  assert run['stdout'] == 'wrote\n' and not os.path.exists(marker)


def test_system_dirs_are_read_only_and_secrets_absent(ex):
  run = run_py(
    ex,
    "import os\nfor p in ('/etc/shadow', '/root/.bashrc', '/etc/ssh'):\n    print(os.path.exists(p))\n"
    "try:\n    open('/usr/evil', 'w')\nexcept OSError as e:\n    print(e.errno)",
  )
  assert run['stdout'].split() == ['False', 'False', 'False', '30']  # EROFS


def test_host_processes_are_invisible(ex):
  run = run_py(ex, "import os\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))")
  assert run['stdout'] == '[1, 2]\n'


def test_raising_rlimits_is_refused(ex):
  run = run_py(
    ex,
    'import resource\nfor r in (resource.RLIMIT_NPROC, resource.RLIMIT_CPU, resource.RLIMIT_FSIZE):\n'
    '    try:\n        resource.setrlimit(r, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))\n'
    "        print('raised')\n    except (ValueError, OSError):\n        print('refused')",
  )
  assert run['stdout'].split() == ['refused'] * 3


def test_scratch_files_do_not_persist_between_runs(ex):
  run_py(ex, "open('/box/left.txt', 'w').write('x')\nopen('/tmp/left.txt', 'w').write('x')")
  run = run_py(ex, "import os\nprint(os.path.exists('/box/left.txt'), os.path.exists('/tmp/left.txt'))")
  assert run['stdout'] == 'False False\n'


def test_java_stack_overflow_is_a_runtime_error(ex):
  src = (
    'public class Main { static int f(int x) { return f(x + 1) + 1; }\n'
    f' public static void main(String[] a) throws Exception {{ {JAVA_NS} System.out.println(f(0)); }} }}'
  )
  result = ex.run('java', src, [''], limits=Limits(timeout=5.0, memory_mb=256))
  assert result['status'] == 'runtime_error' and 'at Main.f(Main.java' in result['runs'][0]['stderr']
  without_ns_line(result['runs'][0])


def test_java_thread_bomb_is_refused_by_the_process_limit(ex):
  src = (
    f'public class Main {{ public static void main(String[] a) throws Exception {{ {JAVA_NS}'
    ' for (int i = 0; i < 10000; i++) {'
    ' Thread t = new Thread(() -> { try { Thread.sleep(100000); } catch (Exception e) {} });'
    ' t.setDaemon(true); t.start(); } } }'
  )
  result = ex.run('java', src, [''], limits=Limits(timeout=5.0, memory_mb=256))
  assert result['status'] == 'runtime_error' and 'process limit' in result['runs'][0]['detail']
  without_ns_line(result['runs'][0])
