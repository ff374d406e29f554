"""Every status a run can end with, and the fields that come with it."""

import hashlib

from executor import Executor, ExecutorConfig, Limits
from executor.config import COMPILE_LIMITS

SMALL = Limits(timeout=1.0, wall_timeout=3.0, memory_mb=128, output_bytes=1 << 20, file_bytes=1 << 20)


def test_ok_run_reports_output_hash_and_size(ex):
  run = ex.run('python', "print('hello')", [''], limits=SMALL)['runs'][0]
  assert run['status'] == 'ok' and run['stdout'] == 'hello\n' and run['stdout_bytes'] == 6
  assert run['stdout_sha256'] == hashlib.sha256(b'hello\n').hexdigest()
  assert run['exit_code'] == 0 and run['signal'] is None and run['instructions'] is None


def test_nonzero_exit_is_a_runtime_error_with_its_code(ex):
  run = ex.run('python', 'import sys\nsys.exit(3)', [''], limits=SMALL)['runs'][0]
  assert (run['status'], run['exit_code']) == ('runtime_error', 3)


def test_crash_by_signal_is_a_runtime_error_with_the_signal(ex):
  run = ex.run('c', 'int main(void){ volatile int *p = 0; return *p; }', [''], limits=SMALL)['runs'][0]
  assert (run['status'], run['signal']) == ('runtime_error', 11)


def test_busy_loop_times_out_on_cpu_time_promptly(ex):
  run = ex.run('c', 'int main(void){ volatile long i = 0; for (;;) i++; }', [''], limits=SMALL)['runs'][0]
  assert run['status'] == 'timeout' and run['cpu_time'] < 1.5 and run['wall_time'] < 3.5


def test_sleeping_program_times_out_on_wall_time(ex):
  run = ex.run('python', 'import time\ntime.sleep(60)', [''], limits=SMALL)['runs'][0]
  assert run['status'] == 'timeout' and 'wall' in run['detail'] and run['wall_time'] < 4.0


def test_memory_bomb_hits_the_memory_limit(ex):
  run = ex.run('python', 'a = []\nwhile True:\n    a.append(bytearray(1 << 24))', [''], limits=SMALL)['runs'][0]
  assert run['status'] == 'memory_limit'
  assert run['peak_rss_kb'] >= 64 * 1024


def test_c_memory_bomb_hits_the_memory_limit(ex):
  src = (
    '#include <stdlib.h>\n#include <string.h>\nint main(void){ for(;;){ char *p = malloc(1<<24);'
    ' if(!p) return 7; memset(p, 1, 1<<24); } }'
  )
  assert ex.run('c', src, [''], limits=SMALL)['status'] == 'memory_limit'


def test_java_heap_exhaustion_is_a_memory_limit(ex):
  src = (
    'import java.util.*;\npublic class Main { public static void main(String[] a) {\n'
    ' List<long[]> l = new ArrayList<>(); while (true) l.add(new long[1 << 20]); } }'
  )
  assert ex.run('java', src, [''], limits=Limits(timeout=5.0, memory_mb=64))['status'] == 'memory_limit'


def test_output_flood_hits_the_output_limit(ex):
  run = ex.run('python', "import sys\nwhile True:\n    sys.stdout.write('x' * 4096)", [''], limits=SMALL)
  assert run['status'] == 'output_limit'
  assert run['runs'][0]['stdout_bytes'] == SMALL.output_bytes


def test_huge_stderr_hits_the_output_limit_and_keeps_a_tail(ex):
  run = ex.run('c', '#include <stdio.h>\nint main(void){ for(;;) fputs("err\\n", stderr); }', [''], limits=SMALL)[
    'runs'
  ][0]
  assert run['status'] == 'output_limit' and run['signal'] == 25  # SIGXFSZ
  assert len(run['stderr']) <= SMALL.stderr_keep and run['stderr'].endswith('err\n')


def test_stdout_in_results_is_capped_but_hash_covers_everything(ex):
  limits = Limits(timeout=2.0, stdout_keep=10)
  run = ex.run('python', "print('y' * 99)", [''], limits=limits)['runs'][0]
  assert run['stdout'] == 'y' * 10 and run['stdout_truncated'] and run['stdout_bytes'] == 100
  assert run['stdout_sha256'] == hashlib.sha256(b'y' * 99 + b'\n').hexdigest()


def test_compile_error_status_has_no_runs(ex):
  result = ex.run('cpp', 'int main( {', ['1'])
  assert result['status'] == 'compile_error' and result['compile']['status'] == 'compile_error'


def test_overall_status_is_the_first_failing_input(ex):
  src = 'import sys\nx = int(input())\nif x == 2: sys.exit(1)\nprint(x)'
  result = ex.run('python', src, ['1', '2', '3'], limits=SMALL)
  assert [r['status'] for r in result['runs']] == ['ok', 'runtime_error', 'ok']
  assert result['status'] == 'runtime_error'


def test_repeats_report_every_cpu_time_and_their_median(ex):
  run = ex.run('c', 'int main(void){return 0;}', [''], repeats=3)['runs'][0]
  assert len(run['cpu_times']) == 3 and sorted(run['cpu_times'])[1] == run['cpu_time']


def test_compiler_hang_becomes_a_compile_error(tmp_path):
  tight = Limits(
    timeout=3.0, wall_timeout=6.0, memory_mb=256, processes=64, file_bytes=64 << 20, tmpfs_mb=64, stack_mb=0
  )
  with Executor(ExecutorConfig(cache_dir=tmp_path, compile_limits=tight)) as ex:
    result = ex.run('c', '#include "/dev/zero"\nint main(void){return 0;}', [''])
  assert result['status'] == 'compile_error'
  assert 'compiler' in result['compile']['message'] and result['compile']['seconds'] < 15


def test_template_recursion_is_a_compile_error(ex):
  src = 'template<int N> struct F { enum { v = F<N + 1>::v }; };\nint main() { return F<0>::v; }'
  result = ex.run('cpp', src)
  assert result['status'] == 'compile_error' and 'template' in result['compile']['message']


def test_default_compile_limits_are_generous():
  assert COMPILE_LIMITS.timeout >= 10 and COMPILE_LIMITS.memory_mb >= 1024
