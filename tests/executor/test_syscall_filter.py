"""The system-call filter: calls no contest program needs fail with EPERM (other ABIs are killed), under
bubblewrap and in host mode, and the pool's worker runs a normal program right after."""

import platform

import pytest

from executor import ExecutorConfig, Limits, Pool

EPERM, ENOSYS, EFAULT, SIGSYS = 1, 38, 14, 31
X86_64 = platform.machine() == 'x86_64'
HEADER = (
  '#define _GNU_SOURCE\n#include <errno.h>\n#include <sched.h>\n#include <stdio.h>\n#include <time.h>\n'
  '#include <unistd.h>\n#include <sys/syscall.h>\n#include <sys/timex.h>\n#include <sys/uio.h>\n'
)

# Arguments are chosen so that, without the filter, most calls succeed or fail with another errno
# (EFAULT, EINVAL, EBADF): EPERM then comes from the filter, not from missing privileges.
CLASSES = {
  'ptrace': [
    ('ptrace', 'SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0'),
    ('process_vm_readv', 'SYS_process_vm_readv, getpid(), &local, 1, &remote, 1, 0'),
    ('process_vm_writev', 'SYS_process_vm_writev, getpid(), &local, 1, &remote, 1, 0'),
  ],
  'mount': [
    ('mount', 'SYS_mount, "none", "/tmp", (char *)1, 0, 0'),
    ('umount2', 'SYS_umount2, "/", -1'),
    ('pivot_root', 'SYS_pivot_root, "/", "/"'),
    ('chroot', 'SYS_chroot, "/"'),
    ('open_tree', 'SYS_open_tree, -1, "/", -1'),
    ('fsopen', 'SYS_fsopen, (char *)1, 0'),
  ],
  'namespaces': [
    ('unshare', 'SYS_unshare, 0'),
    ('setns', 'SYS_setns, -1, 0'),
    ('clone', 'SYS_clone, CLONE_NEWNET | CLONE_NEWUSER | 17 /* SIGCHLD */, 0, 0, 0, 0'),
  ],
  'bpf': [('bpf', 'SYS_bpf, 9999, 0, 0')],
  'keyctl': [
    ('keyctl', 'SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session keyring */, 0'),
    ('add_key', 'SYS_add_key, (char *)1, (char *)1, 0, 0, 0'),
    ('request_key', 'SYS_request_key, (char *)1, (char *)1, 0, 0'),
  ],
  'perf_event_open': [('perf_event_open', 'SYS_perf_event_open, 0, 0, -1, -1, 0')],
  'kexec': [('kexec_load', 'SYS_kexec_load, 0, 0, 0, 0'), ('kexec_file_load', 'SYS_kexec_file_load, -1, -1, 0, 0, 0')],
  'modules': [
    ('init_module', 'SYS_init_module, 0, 0, ""'),
    ('finit_module', 'SYS_finit_module, -1, "", 0'),
    ('delete_module', 'SYS_delete_module, (char *)1, 0'),
  ],
  'system': [
    ('reboot', 'SYS_reboot, 0, 0, 0, 0'),
    ('swapon', 'SYS_swapon, (char *)1, 0'),
    ('swapoff', 'SYS_swapoff, (char *)1'),
    ('acct', 'SYS_acct, (char *)1'),
    ('quotactl', 'SYS_quotactl, 0, (char *)1, 0, 0'),
    ('syslog', 'SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, 0, 0'),
  ],
  'clock': [
    ('settimeofday', 'SYS_settimeofday, 0, 0'),
    ('clock_settime', 'SYS_clock_settime, CLOCK_MONOTONIC, &ts'),
    ('adjtimex', 'SYS_adjtimex, &tx'),
    ('clock_adjtime', 'SYS_clock_adjtime, CLOCK_REALTIME, &tx'),
  ],
  'kernel_interfaces': [
    ('userfaultfd', 'SYS_userfaultfd, 1 /* UFFD_USER_MODE_ONLY */'),
    ('io_uring_setup', 'SYS_io_uring_setup, 1, 0'),
    ('open_by_handle_at', 'SYS_open_by_handle_at, -1, 0, 0'),
    ('kcmp', 'SYS_kcmp, getpid(), getpid(), 0, 0, 0'),
    ('pidfd_getfd', 'SYS_pidfd_getfd, -1, 0, 0'),
  ],
}
if X86_64:
  CLASSES['io_ports'] = [('iopl', 'SYS_iopl, 3'), ('ioperm', 'SYS_ioperm, 0, 0, 0')]


def errno_program(calls) -> str:
  """A C program printing "name errno" (0 on success) for each raw system call."""
  lines = ''.join(
    f'  errno = 0;\n  rc = syscall({call});\n  printf("{name} %d\\n", rc < 0 ? errno : 0);\n' for name, call in calls
  )
  return (
    f'{HEADER}int main(void) {{\n  long rc;\n  char a[8] = "hi", b[8];\n'
    '  struct iovec local = {b, 2}, remote = {a, 2};\n  struct timespec ts = {0, 0};\n  struct timex tx = {0};\n'
    f'{lines}  return 0;\n}}\n'
  )


@pytest.fixture(scope='module', params=['bwrap', 'none'])
def pool(request, executor_config):
  """A one-worker pool (so the follow-up job runs on the same worker) under bubblewrap or in host mode."""
  if request.param == 'bwrap':
    request.getfixturevalue('bwrap_works')
  config = ExecutorConfig(cache_dir=executor_config.cache_dir, sandbox=request.param)
  with Pool(1, config=config) as p:
    yield p


def run_then_check_alive(pool, source: str) -> dict:
  result = pool.submit({'id': 'hostile', 'lang': 'c', 'source': source, 'inputs': [''], 'timeout': 5}).result(120)
  after = pool.submit({'id': 'after', 'lang': 'python', 'source': "print('alive')", 'inputs': ['']}).result(120)
  assert after['status'] == 'ok' and after['runs'][0]['stdout'] == 'alive\n', after
  assert result['compile']['status'] == 'ok', result['compile']['message']
  return result


@pytest.mark.parametrize('cls', sorted(CLASSES))
def test_denied_calls_fail_with_eperm(pool, cls):
  result = run_then_check_alive(pool, errno_program(CLASSES[cls]))
  run = result['runs'][0]
  assert run['status'] == 'ok', run
  errnos = dict(line.split() for line in run['stdout'].splitlines())
  assert errnos == {name: str(EPERM) for name, _ in CLASSES[cls]}
  assert result['isolation']['syscall_filter'] == 'seccomp'


def test_clone3_says_enosys_so_libc_falls_back_to_clone(pool):
  source = errno_program([('clone3', 'SYS_clone3, 0, 0')]).replace(
    '  return 0;', '  if (fork() == 0) _exit(0);\n  puts("forked");\n  return 0;'
  )
  run = run_then_check_alive(pool, source)['runs'][0]
  assert run['stdout'] == f'clone3 {ENOSYS}\nforked\n'


@pytest.mark.skipif(not X86_64, reason='x86-64 only: 32-bit and x32 system-call ABIs')
@pytest.mark.parametrize(
  'call',
  [
    '__asm__ volatile("int $0x80" : "=a"(rc) : "a"(20L) : "memory")',  # i386 getpid
    'rc = syscall(0x40000000 | SYS_getpid)',  # x32 getpid
  ],
)
def test_another_abi_is_killed(pool, call):
  source = f'{HEADER}int main(void) {{\n  long rc;\n  puts("before");\n  fflush(stdout);\n  {call};\n'
  source += '  printf("after %ld\\n", rc);\n  return 0;\n}\n'
  run = run_then_check_alive(pool, source)['runs'][0]
  assert (run['status'], run['signal'], run['stdout']) == ('runtime_error', SIGSYS, 'before\n')
  assert 'system-call filter' in run['detail']


def test_the_program_runs_under_one_filter(pool):
  source = "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('Seccomp')])"
  result = pool.submit({'id': 's', 'lang': 'python', 'source': source, 'inputs': ['']}).result(120)
  assert result['runs'][0]['stdout'] == "['2', '1']\n"  # mode 2 = filter, one filter


def test_only_the_perf_meter_gets_perf_event_open(ex):
  program = ex.compile('c', errno_program([('perf_event_open', 'SYS_perf_event_open, 0, 0, -1, -1, 0')]))
  assert program.status == 'ok', program.message
  for allow_perf, expected in ((False, EPERM), (True, EFAULT)):
    res = ex.sandbox.execute(
      ['/prog/main'], limits=Limits(timeout=5.0), env={}, prog_dir=program.dir, allow_perf=allow_perf
    )
    assert res.stdout.decode() == f'perf_event_open {expected}\n'
