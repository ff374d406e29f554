"""Run one command in the sandbox with limits and report what it did.

A run of its own: launcher enter (join cgroups, drop to the executor's uid)
          -> bwrap (new user/pid/net/ipc/uts/mount namespaces, read-only system dirs,
             tmpfs /tmp and /box, the program read-only at /prog)
          -> launcher ns (PID 1: rlimits, CPU/wall limits, kill + reap all, rusage report)
          -> system-call filter (seccomp, installed by the launcher just before exec)
          -> the program.
Programs from the compile cache are started by the executor's zygote instead (zygote.py): one
long-lived bwrap whose init clones new pid/mount/ipc/uts namespaces, fresh tmpfs scratch dirs and
/proc per run, then the same launcher ns, filter and program; compiles (a host dir at /box) and
runs where no zygote starts take the first path (spawn.py).
Without a working bubblewrap (sandbox="none" or "auto" fallback) the launcher runs
the program directly in "host" mode: own session, rlimits, the filter, a separate
uid only when run as root, and a warning that says what is and is not protected
(isolation.host_mode_summary); results then say isolation.sandbox == "none".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from executor.bwrap import run_args, shadowed_by_runs, write_etc, zygote_args
from executor.cgroups import CgroupManager
from executor.config import ExecutorConfig, Limits
from executor.isolation import UidSlot, build_launcher, bwrap_path, host_mode_summary, warn_once
from executor.mounts import Mounts, rewrite
from executor.results import ProcessResult, classify, parse_report
from executor.spawn import clean_host_box, host_args, spawn
from executor.streams import Streams
from executor.zygote import Zygote, ZygoteError
from executor.zygote import request as zygote_request

# a zygote's group holding more than this between runs is replaced (its runs would start near their limit)
_IDLE_CHARGE_KB = 64 << 10


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
    self._programs = config.cache_dir / 'programs'  # the compile cache's entries (see cache.py)
    self._zygote: Zygote | None = None
    self._zygote_broken = False
    self.streams = Streams(self.state)
    (self.state / 'stage').mkdir(mode=0o755)
    self.cgroups = CgroupManager.create() if config.cgroups else None
    if config.cgroups and self.cgroups is None:
      warn_once(
        'cgroups are not writable here: memory is limited by rlimits only, peak memory is '
        "the largest process's RSS, and process count by RLIMIT_NPROC"
      )
    write_etc(self.state, self.uid.uid)
    for d in (*toolchain_dirs, *config.extra_ro_binds):
      self.add_ro_dir(d)
    self.mode = self._choose_mode()

  # ----- setup -----
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
        probe = self._probe('ns')  # in a sandbox of its own: the zygote starts once toolchains are known
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
    self._note_filter(self._probe('host'))
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
    zygote = self._zygote_for(mode, prog_dir, rw_dir)
    kwargs = dict(prog_dir=prog_dir, rw_dir=rw_dir, stdin=stdin, rlimit_as=rlimit_as, allow_perf=allow_perf)
    return self._execute(argv, limits=limits, env=env, mode=mode, zygote=zygote, **kwargs)

  def _probe(self, mode: str, zygote: Zygote | None = None) -> ProcessResult:
    return self._execute(['/bin/true'], limits=Limits(timeout=5.0), env={}, mode=mode, zygote=zygote)

  def _execute(
    self, argv, *, limits, env, mode, zygote, prog_dir=None, rw_dir=None, stdin=None, rlimit_as=True, allow_perf=False
  ) -> ProcessResult:
    """execute() on a zygote (None: in a sandbox of its own)."""
    memory = limits.memory_mb << 20
    # the program's tree gets `processes` tasks; the pids cgroup also holds its init (and bwrap's monitor)
    tasks = limits.processes + (1 if zygote else 2)
    shared = zygote.group if zygote else None  # the zygote's own group, reused run after run
    group = since = None
    if shared is not None:
      try:
        group, since = shared, shared.reuse(memory, tasks + 2)  # + the zygote and its bwrap monitor
      except OSError:  # e.g. a limit below what the idle group holds: this run gets a group of its own
        shared = None
    if group is None and self.cgroups:
      group = self.cgroups.run_group(memory, tasks)
    has_mem_cg = group is not None and 'memory' in self.cgroups.controllers
    has_pids_cg = group is not None and 'pids' in self.cgroups.controllers
    # RLIMIT_NPROC (per uid, the fallback) also counts the init and, under a zygote, the zygote
    nproc = limits.processes + (64 if has_pids_cg else 3 if zygote else 2)
    base_env = program_env(env)
    out_path, err_path = self.streams.stdout, self.streams.stderr
    opened = []
    try:
      fin, fout, ferr = opened = self.streams.open(stdin)
      as_limit = 0 if (has_mem_cg or not rlimit_as) else memory
      data_limit = 0 if (has_mem_cg or rlimit_as) else memory
      cap = min(limits.output_bytes, limits.file_bytes)
      init = [
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
      if zygote is not None:
        join = group if shared is None else None
        request = zygote_request(prog_dir.name if prog_dir else '', limits.tmpfs_mb << 20, base_env, init + argv)
        try:
          report, wall, backstop = zygote.run(request, (fin, fout, ferr), join, limits.wall + 5.0)
        except BaseException:
          self._stop_zygote()  # where its conversation stopped is unknown: the next run starts a new one
          raise
        returncode = None
      else:
        report, wall, backstop, returncode = self._spawn(
          argv, init, prog_dir, rw_dir, limits, base_env, mode, group, (fin, fout, ferr)
        )
      cg = group.stats(since) if group else {}
      if zygote is not None and shared is None:
        self._finish(zygote)  # the run's own group is empty once the zygote has reaped its init
      if group is not None and shared is None:
        group.kill_all()
    finally:
      for fd in opened:
        os.close(fd)
      if mode != 'ns' and rw_dir is None:
        clean_host_box(self.state)
      if group is not None and shared is None:
        group.remove()
    try:
      parsed = parse_report(report)
      if parsed is None and not backstop:
        detail = _tail(err_path, 2000).decode('utf-8', 'replace')
        raise SandboxError(f'sandbox produced no report (exit {returncode}): {detail.strip()}')
      return classify(
        parsed, backstop=backstop, host_wall=wall, limits=limits, cgroup=cg, stdout_path=out_path, stderr_path=err_path
      )
    finally:
      if zygote is not None:
        self._finish(zygote)
        if since is not None and since['usage_kb'] > _IDLE_CHARGE_KB:  # page cache read by earlier runs
          self._stop_zygote()  # the next starts in a new group

  def _spawn(self, argv, init, prog_dir, rw_dir, limits, env, mode, group, fds):
    """One run in a bubblewrap of its own (or host mode); (report, wall seconds, backstop, exit status)."""
    mounts = Mounts(self.state / 'stage')
    if mode == 'ns':
      cmd = run_args(self.state, self.launcher, self._ro_dirs, self._masked, mounts, prog_dir, rw_dir, limits, env)
      env = {}
    else:
      uid = (self.uid.uid, self.uid.gid)
      cmd, rewrites = host_args(self.state, self.launcher, uid, self._ro_dirs, self._masked, mounts, prog_dir, rw_dir)
      argv = [rewrite(a, rewrites, self._ro_dirs) for a in argv]
      env = {k: rewrite(v, rewrites, self._ro_dirs) for k, v in env.items()}
    procs = list(group.procs_files) if group else []
    enter = [str(self.launcher), 'enter', str(self.uid.uid), str(self.uid.gid), str(len(procs)), *procs]
    enter += [*mounts.argv(), '--']
    report_r, report_w = os.pipe()
    try:
      return spawn([*enter, *cmd, str(report_w), *init, *argv], env, fds, report_w, report_r, limits.wall + 5.0)
    finally:
      os.close(report_r)

  # ----- the zygote: one long-lived sandbox that serves runs -----
  def _zygote_for(self, mode: str, prog_dir: Path | None, rw_dir: Path | None) -> Zygote | None:
    """The running zygote if this run can use it (bubblewrap mode, no host dir at /box, a program from the
    compile cache); started, or restarted when the toolchain dirs changed, on demand."""
    if mode != 'ns' or rw_dir is not None or self._zygote_broken:
      return None
    if prog_dir is not None and Path(prog_dir).parent != self._programs:
      return None
    key = (tuple(self._ro_dirs), tuple(self._masked))
    if self._zygote is not None and self._zygote.key == key and self._zygote.alive():
      return self._zygote
    self._stop_zygote()
    if shadowed_by_runs(key[0] + key[1]):
      return None
    self._programs.mkdir(parents=True, exist_ok=True)

    # v1: one group for the zygote and all its runs, its peak reset per run (moving a process into a group
    # waits for an RCU grace period); v2 resets memory.peak only per open file: a group per run, joined
    group = self.cgroups.run_group(1 << 30, 64) if self.cgroups and self.cgroups.version == 1 else None
    procs = list(group.procs_files) if group else []

    def command(fd: int) -> list[str]:
      mounts = Mounts(self.state / 'stage')
      args = zygote_args(self.state, self.launcher, key[0], key[1], mounts, self._programs, fd)
      enter = [str(self.launcher), 'enter', str(self.uid.uid), str(self.uid.gid), str(len(procs)), *procs]
      return [*enter, *mounts.argv(), '--', *args]

    log_path = self.state / 'zygote.log'
    try:
      self._zygote = Zygote(command, key, log_path, group)
      probe = self._probe('ns', self._zygote)
      why = None if probe.status == 'ok' else probe.stderr_tail.strip()[-300:]
    except (SandboxError, ZygoteError, OSError) as exc:
      why = str(exc)
    if why is not None:
      self._stop_zygote()
      if group is not None:
        group.remove()
      logged = _tail(log_path, 2000).decode('utf-8', 'replace') if log_path.exists() else ''
      why = f'{why} {logged.strip()}'.strip()
      self._zygote_broken = True
      warn_once(f'the long-lived sandbox does not start here ({why}); every run starts its own bubblewrap')
      return None
    return self._zygote

  def _finish(self, zygote: Zygote) -> None:
    try:
      zygote.finish()
    except BaseException:
      self._stop_zygote()
      raise

  @property
  def zygote(self) -> Zygote | None:
    """The long-lived sandbox runs are started from, while one is running."""
    return self._zygote

  def _stop_zygote(self) -> None:
    if self._zygote is not None:
      self._zygote.close()
      self._zygote = None

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

  def close(self) -> None:
    """Release the zygote, the uid, cgroups, fds and the state dir."""
    self._stop_zygote()
    self.streams.close()
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


def _tail(path: Path, n: int) -> bytes:
  with open(path, 'rb') as f:
    size = f.seek(0, os.SEEK_END)
    f.seek(max(0, size - n))
    return f.read()
