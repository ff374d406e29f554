"""Run one command in the sandbox with limits and report what it did.

Per run:  launcher enter (join cgroups, drop to the executor's uid)
          -> bwrap (new user/pid/net/ipc/uts/mount namespaces, read-only system dirs,
             tmpfs /tmp and /box, the program read-only at /prog)
          -> launcher ns (PID 1: rlimits, CPU/wall limits, kill + reap all, rusage report)
          -> system-call filter (seccomp, installed by the launcher just before exec)
          -> the program.
Without a working bubblewrap (sandbox="none" or "auto" fallback) the launcher runs
the program directly in "host" mode: own session, rlimits, the filter, a separate
uid only when run as root, and a warning that says what is and is not protected
(isolation.host_mode_summary); results then say isolation.sandbox == "none".
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from executor.cgroups import CgroupManager
from executor.config import ExecutorConfig, Limits
from executor.isolation import UidSlot, build_launcher, bwrap_path, host_mode_summary, warn_once
from executor.mounts import Mounts, blocked_ancestor, rewrite
from executor.results import ProcessResult, classify, parse_report

# copied into the sandbox's own /etc (one bind instead of one per file)
_ETC_FILES = ('ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'nsswitch.conf', 'host.conf', 'os-release')
_TOP_LINKS = ('bin', 'lib', 'lib32', 'lib64', 'libx32', 'sbin')


class SandboxError(RuntimeError):
  """The sandbox itself failed (not the program): bad setup, missing launcher report."""


class Sandbox:
  """Owns the uid slot, the cgroup parents, the launcher and a private state dir."""

  def __init__(self, config: ExecutorConfig, toolchain_dirs=()):
    self.config = config
    config.cache_dir.mkdir(parents=True, exist_ok=True)
    self.launcher = build_launcher(config.cache_dir)
    # one lock dir per machine (not per cache) so executors with different caches never share a uid
    self.uid = UidSlot(Path(tempfile.gettempdir()) / 'bite-exec-uids', config.uid_base, config.uid_count)
    _sweep_state_dirs()
    self.state = Path(tempfile.mkdtemp(prefix=f'bite-exec-{os.getpid()}-'))
    os.chmod(self.state, 0o711)  # the sandbox uid may open passwd/group by name, list nothing
    self._ro_dirs: list[str] = []
    self._masked: list[str] = []
    self.syscall_filter = False
    (self.state / 'stage').mkdir(mode=0o755)
    self.cgroups = CgroupManager.create() if config.cgroups else None
    if config.cgroups and self.cgroups is None:
      warn_once(
        'cgroups are not writable here: memory is limited by rlimits only, peak memory is '
        "the largest process's RSS, and process count by RLIMIT_NPROC"
      )
    self._write_etc()
    for d in (*toolchain_dirs, *config.extra_ro_binds):
      self.add_ro_dir(d)
    self.mode = self._choose_mode()

  # ----- setup -----
  def _write_etc(self) -> None:
    """A minimal /etc: loader config, time zone, and a passwd/group naming only the sandbox user."""
    etc = self.state / 'etc'
    etc.mkdir(mode=0o755)
    for name in _ETC_FILES:
      src = Path('/etc') / name
      if src.is_dir():
        shutil.copytree(src, etc / name, symlinks=True)
      elif src.exists():
        shutil.copy(src, etc / name)
    (self.state / 'empty').touch(mode=0o644)
    uid = self.uid.uid
    (etc / 'passwd').write_text(
      f'root:x:0:0:root:/root:/bin/sh\nrunner:x:{uid}:{uid}:runner:/box:/bin/sh\n'
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n'
    )
    (etc / 'group').write_text(f'root:x:0:\nrunner:x:{uid}:\nnogroup:x:65534:\n')
    for dirpath, dirnames, filenames in os.walk(etc):
      for name in dirnames:
        os.chmod(os.path.join(dirpath, name), 0o755)
      for name in filenames:
        if not os.path.islink(os.path.join(dirpath, name)):
          os.chmod(os.path.join(dirpath, name), 0o644)

  def add_ro_dir(self, path: str) -> None:
    """Make a host directory visible read-only at the same path in every sandbox."""
    path = os.path.realpath(path)
    if path not in self._ro_dirs and os.path.exists(path):
      if path.startswith('/etc/'):  # the sandbox's /etc is read-only: make the mount point now
        mount_point = self.state / path.lstrip('/')
        mount_point.mkdir(parents=True, exist_ok=True) if os.path.isdir(path) else mount_point.touch()
      self._ro_dirs.append(path)

  def add_mask(self, path: str) -> None:
    """Show a host file as empty in every sandbox (e.g. a site .pth hook of the host's tools)."""
    if path not in self._masked and os.path.isfile(path):
      self._masked.append(path)

  def _choose_mode(self) -> str:
    if self.config.sandbox == 'none':
      return self._host_mode("sandbox='none' was requested")
    reason = None
    if bwrap_path() is None:
      reason = 'bubblewrap (bwrap) is not installed'
    else:
      try:
        probe = self.execute(['/bin/true'], limits=Limits(timeout=5.0), env={}, mode='ns')
        if probe.status != 'ok':
          reason = f'bubblewrap does not work here: {probe.stderr_tail.strip()[-300:]}'
      except SandboxError as exc:
        reason = f'bubblewrap does not work here: {exc}'
    if reason is None:
      self._note_filter(probe)
      return 'ns'
    if self.config.sandbox == 'bwrap':
      raise SandboxError(f"executor: sandbox='bwrap' requested but {reason}")
    return self._host_mode(f'{reason}; falling back to host mode (no namespaces)')

  def _host_mode(self, why: str) -> str:
    """Host mode, after a probe run that tells whether the filter works; warns what it protects."""
    self._note_filter(self.execute(['/bin/true'], limits=Limits(timeout=5.0), env={}, mode='host'))
    summary = host_mode_summary(
      uid=self.uid.uid,
      separate_uid=self.uid.uid != os.getuid(),
      cgroups=self.cgroups is not None,
      syscall_filter=self.syscall_filter,
    )
    warn_once(f'{why}: {summary}')
    return 'host'

  def _note_filter(self, probe: ProcessResult) -> None:
    self.syscall_filter = probe.status == 'ok' and probe.syscall_filter
    if not self.syscall_filter:
      warn_once('the kernel refused the seccomp system-call filter: programs may call ptrace, mount, bpf, ...')

  def isolation(self) -> dict:
    """What was in force for runs of this sandbox (copied into every result)."""
    ns = self.mode == 'ns'
    cg = self.cgroups
    return {
      'sandbox': 'bwrap' if ns else 'none',
      'namespaces': ['user', 'pid', 'net', 'ipc', 'uts', 'mount'] if ns else [],
      'uid': self.uid.uid,
      'cgroup': f'v{cg.version}' if cg else None,
      'memory_limit': 'cgroup' if cg and 'memory' in cg.controllers else 'rlimit',
      'process_limit': 'cgroup' if cg and 'pids' in cg.controllers else 'rlimit',
      'network': 'isolated' if ns else 'host',
      'syscall_filter': 'seccomp' if self.syscall_filter else None,
    }

  # ----- one run -----
  def _bwrap_args(
    self, prog_dir: Path | None, rw_dir: Path | None, limits: Limits, env: dict, mounts: Mounts
  ) -> list[str]:
    """bwrap argv; host sources are staged first (see Mounts) so the sandbox uid can reach them."""
    args = [
      bwrap_path(),
      '--unshare-user',
      '--unshare-ipc',
      '--unshare-pid',
      '--unshare-net',
      '--unshare-uts',
      '--unshare-cgroup-try',
      '--disable-userns',
      '--die-with-parent',
      '--new-session',
      '--as-pid-1',
      '--hostname',
      'sandbox',
      '--ro-bind',
      '/usr',
      '/usr',
    ]
    for name in _TOP_LINKS:
      host = Path('/') / name
      if host.is_symlink():
        args += ['--symlink', os.readlink(host), str(host)]
      elif host.is_dir():
        args += ['--ro-bind', str(host), str(host)]
    args += [
      '--ro-bind',
      str(self.state / 'etc'),
      '/etc',
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--size',
      str(limits.tmpfs_mb << 20),
      '--tmpfs',
      '/tmp',
    ]
    for path in self._ro_dirs:
      args += ['--ro-bind', mounts.stage(path), path]
    for path in self._masked:
      args += ['--ro-bind', str(self.state / 'empty'), path]
    if rw_dir is not None:
      args += ['--bind', mounts.stage(rw_dir), '/box']
    else:
      args += ['--size', str(limits.tmpfs_mb << 20), '--tmpfs', '/box']
    if prog_dir is not None:
      args += ['--ro-bind', mounts.stage(prog_dir), '/prog']
    args += ['--ro-bind', mounts.stage(self.launcher.parent), '/.launcher']
    args += ['--chdir', '/box', '--clearenv']
    for key, value in env.items():
      args += ['--setenv', key, value]
    return args + ['/.launcher/launcher', 'ns']

  def _host_args(self, prog_dir: Path | None, rw_dir: Path | None, mounts: Mounts) -> tuple[list, dict]:
    """Launcher argv prefix and path rewrites for host mode (no namespaces besides mount)."""
    launcher = mounts.stage(self.launcher.parent) + '/launcher'
    if rw_dir is not None:
      (rw_dir / '.tmp').mkdir(exist_ok=True)
      if os.geteuid() == 0:
        os.chown(rw_dir / '.tmp', self.uid.uid, self.uid.gid)
    box = mounts.stage(rw_dir) if rw_dir is not None else str(self._host_box())
    mounts.chdir(box)
    rewrites = {'/box': box, '/tmp': box + '/.tmp'}
    if prog_dir is not None:
      rewrites['/prog'] = mounts.stage(prog_dir)
    for path in self._ro_dirs:  # toolchains under root-only dirs (e.g. /root/.pyenv) made reachable
      blocked = blocked_ancestor(path)
      if blocked is not None:
        mounts.cover(blocked, path)
    for path in self._masked:
      mounts.mask(str(self.state / 'empty'), path)
    return [launcher, 'host'], rewrites

  def execute(
    self,
    argv: list[str],
    *,
    limits: Limits,
    env: dict,
    prog_dir: Path | None = None,
    rw_dir: Path | None = None,
    stdin: bytes | None = None,
    rlimit_as: bool = True,
    mode: str | None = None,
    allow_perf: bool = False,
  ) -> ProcessResult:
    """Run argv (paths as seen inside the sandbox: /prog, /box) under limits.

    stdin: bytes fed as standard input (None: empty).  rlimit_as: also cap the
    address space when no memory cgroup exists (off for the JVM, Go, valgrind).
    allow_perf: let perf_event_open through the system-call filter (the perf meter).
    """
    mode = mode or self.mode
    memory = limits.memory_mb << 20
    # the pids cgroup also holds bwrap and the launcher; RLIMIT_NPROC (per uid) is the fallback
    group = self.cgroups.run_group(memory, limits.processes + 2) if self.cgroups else None
    has_mem_cg = group is not None and 'memory' in self.cgroups.controllers
    has_pids_cg = group is not None and 'pids' in self.cgroups.controllers
    nproc = limits.processes + (64 if has_pids_cg else 2)
    base_env = program_env(env)
    stdin_path = self.state / 'stdin'
    if stdin:
      stdin_path.write_bytes(stdin)
    out_path, err_path = self.state / 'stdout', self.state / 'stderr'
    report_r, report_w = os.pipe()
    opened = []
    try:
      fin = os.open(stdin_path if stdin else os.devnull, os.O_RDONLY | os.O_CLOEXEC)
      fout = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
      ferr = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
      opened += [fin, fout, ferr]
      mounts = Mounts(self.state / 'stage')
      as_limit = 0 if (has_mem_cg or not rlimit_as) else memory
      data_limit = 0 if (has_mem_cg or rlimit_as) else memory
      cap = min(limits.output_bytes, limits.file_bytes)
      init = [
        str(report_w),
        str(int(limits.timeout * 1000)),
        str(int(limits.wall * 1000)),
        str(cap),
        str(nproc),
        str(limits.open_files),
        str(as_limit),
        str(data_limit),
        str(limits.stack_mb << 20),
        'perf' if allow_perf else 'full',
        '--',
      ]
      if mode == 'ns':
        cmd = self._bwrap_args(prog_dir, rw_dir, limits, base_env, mounts) + init + argv
        popen_env = {}
      else:
        prefix, rewrites = self._host_args(prog_dir, rw_dir, mounts)
        cmd = prefix + init + [rewrite(a, rewrites, self._ro_dirs) for a in argv]
        popen_env = {k: rewrite(v, rewrites, self._ro_dirs) for k, v in base_env.items()}
      procs = list(group.procs_files) if group else []
      full = [
        str(self.launcher),
        'enter',
        str(self.uid.uid),
        str(self.uid.gid),
        str(len(procs)),
        *procs,
        *mounts.argv(),
        '--',
        *cmd,
      ]
      started = time.monotonic()
      proc = subprocess.Popen(
        full, stdin=fin, stdout=fout, stderr=ferr, pass_fds=(report_w,), env=popen_env, close_fds=True
      )
      os.close(report_w)
      report_w = -1
      backstop = not _wait_exit(proc, limits.wall + 5.0)
      if backstop:  # the launcher enforces the wall limit; this only catches a stuck sandbox
        proc.kill()
        proc.wait()
      wall = time.monotonic() - started
      report = _read_all(report_r)
      cg = group.stats() if group else {}
      if group is not None:
        group.kill_all()
    finally:
      for fd in opened:
        os.close(fd)
      os.close(report_r)
      if report_w >= 0:
        os.close(report_w)
      if mode != 'ns' and rw_dir is None:
        self._clean_host_box()
      if group is not None:
        group.remove()
    parsed = parse_report(report)
    if parsed is None and not backstop:
      detail = _tail(err_path, 2000).decode('utf-8', 'replace')
      raise SandboxError(f'sandbox produced no report (exit {proc.returncode}): {detail.strip()}')
    return classify(
      parsed, backstop=backstop, host_wall=wall, limits=limits, cgroup=cg, stdout_path=out_path, stderr_path=err_path
    )

  def host_view(self, cmd: list[str]) -> list[str]:
    """cmd run on the host as the caller, without the sandbox, but with the files the sandbox masks (site
    `.pth` start-up hooks) masked the same way: a bare baseline with the sandbox's start-up work."""
    if not self._masked:
      return list(cmd)
    empty = str(self.state / 'empty')
    if os.geteuid() == 0:  # a private mount namespace of the launcher, as host mode uses
      mounts = Mounts(self.state / 'stage', privileged=True)
      for path in self._masked:
        mounts.mask(empty, path)
      return [str(self.launcher), 'enter', str(os.getuid()), str(os.getgid()), '0', *mounts.argv(), '--', *cmd]
    if self.mode == 'ns':
      args = [bwrap_path(), '--dev-bind', '/', '/']
      for path in self._masked:
        args += ['--ro-bind', empty, path]
      return [*args, '--', *cmd]
    return list(cmd)  # host mode without root masks nothing either

  # ----- host mode helpers -----
  def _host_box(self) -> Path:
    box = self.state / 'box'
    for d in (box, box / '.tmp'):
      d.mkdir(exist_ok=True)
      if os.geteuid() == 0:
        os.chown(d, self.uid.uid, self.uid.gid)
    return box

  def _clean_host_box(self) -> None:
    box = self.state / 'box'
    if box.exists():
      subprocess.run(['rm', '-rf', '--one-file-system', str(box)], check=False)

  def close(self) -> None:
    """Release the uid, cgroups, fds and the state dir."""
    if self.cgroups is not None:
      self.cgroups.close()
      self.cgroups = None
    self.uid.release()
    subprocess.run(['rm', '-rf', '--one-file-system', str(self.state)], check=False)


def program_env(env: dict) -> dict:
  """The whole environment of a sandboxed process: a fixed base plus the language's variables."""
  base = {'PATH': '/usr/local/bin:/usr/bin:/bin', 'HOME': '/box', 'PWD': '/box', 'LANG': 'C.UTF-8', 'TMPDIR': '/tmp'}
  return {**base, **env}


def _sweep_state_dirs() -> None:
  """Delete state dirs of executors whose process is gone (killed before close())."""
  for path in Path(tempfile.gettempdir()).glob('bite-exec-*-*'):
    pid = path.name.split('-')[2]
    if pid.isdigit() and not os.path.exists(f'/proc/{pid}') and path.is_dir():
      shutil.rmtree(path, ignore_errors=True)


def _wait_exit(proc: subprocess.Popen, timeout: float) -> bool:
  """Wait for proc to exit without polling; False if it is still running after timeout seconds."""
  try:
    pidfd = os.pidfd_open(proc.pid)
  except (AttributeError, OSError):
    try:
      proc.wait(timeout=timeout)
      return True
    except subprocess.TimeoutExpired:
      return False
  try:
    ready, _, _ = select.select([pidfd], [], [], timeout)
  finally:
    os.close(pidfd)
  if ready:
    proc.wait()
  return bool(ready)


def _read_all(fd: int) -> bytes:
  chunks = []
  while True:
    ready, _, _ = select.select([fd], [], [], 0)
    if not ready:
      break
    chunk = os.read(fd, 65536)
    if not chunk:
      break
    chunks.append(chunk)
  return b''.join(chunks)


def _tail(path: Path, n: int) -> bytes:
  with open(path, 'rb') as f:
    size = f.seek(0, os.SEEK_END)
    f.seek(max(0, size - n))
    return f.read()
