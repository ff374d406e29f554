"""Pool of worker processes (default one per core) that run jobs and hand back results.

Each worker is a separate Python process with its own Executor (own sandbox uid,
cgroups and state dir); a feeder thread per worker sends it one job at a time.
submit() blocks while max_in_flight jobs are queued or running (back-pressure).
A worker that dies mid-job is replaced; that job's result says internal_error.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import traceback
from pathlib import Path

from executor import worker
from executor.config import ExecutorConfig, config_to_dict
from executor.jobs import validate_job

log = logging.getLogger('executor')
_ROOT = str(Path(__file__).resolve().parent.parent)
_BOOT = f'import sys; sys.path.insert(0, {_ROOT!r}); from executor.worker import main; main()'


class _Worker:
  """One worker process and its pipes."""

  def __init__(self, config: ExecutorConfig, fork: bool = False):
    if fork:
      self.proc = _Forked(config)
      return
    self.proc = subprocess.Popen(
      [sys.executable, '-S', '-c', _BOOT, json.dumps(config_to_dict(config))],
      stdin=subprocess.PIPE,
      stdout=subprocess.PIPE,
      text=True,
      bufsize=1,
    )

  def hang_up(self) -> None:
    """End of input: the worker finishes and exits."""
    try:
      self.proc.stdin.close()
    except OSError:
      pass

  def ask(self, seq: int, job: dict) -> dict | None:
    """Send a job and wait for its result; None if the worker died."""
    try:
      self.proc.stdin.write(json.dumps({'seq': seq, 'job': job}) + '\n')
      self.proc.stdin.flush()
      line = self.proc.stdout.readline()
    except (BrokenPipeError, OSError):
      return None
    if not line:
      return None
    return json.loads(line)['result']

  def stop(self) -> None:
    self.hang_up()
    try:
      self.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
      self.proc.kill()
      self.proc.wait()


class _Forked:
  """A worker forked from this process, which has imported the executor already; the parts of a Popen
  the pool uses."""

  def __init__(self, config: ExecutorConfig):
    jobs_r, jobs_w = os.pipe()
    results_r, results_w = os.pipe()
    sys.stdout.flush()  # else the child's copy of a pending buffer could be written twice
    sys.stderr.flush()
    self.pid = os.fork()
    if self.pid == 0:
      code = 1
      try:
        os.dup2(jobs_r, 0)
        os.dup2(results_w, 1)
        os.closerange(3, os.sysconf('SC_OPEN_MAX'))  # the caller's files, other workers' pipes
        sys.stdin = open(0, closefd=False)
        worker.run(config)
        code = 0
      except BaseException:
        traceback.print_exc()
      finally:
        os._exit(code)
    os.close(jobs_r)
    os.close(results_w)
    self.stdin = open(jobs_w, 'w', buffering=1)
    self.stdout = open(results_r)
    self.returncode = None

  def poll(self) -> int | None:
    if self.returncode is None:
      pid, status = os.waitpid(self.pid, os.WNOHANG)
      if pid:
        self.returncode = os.waitstatus_to_exitcode(status)
    return self.returncode

  def wait(self, timeout: float | None = None) -> int:
    if self.poll() is None:
      pidfd = os.pidfd_open(self.pid)
      try:
        if not select.select([pidfd], [], [], timeout)[0]:
          raise subprocess.TimeoutExpired(f'executor worker {self.pid}', timeout)
      finally:
        os.close(pidfd)
      self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
    return self.returncode

  def kill(self) -> None:
    if self.poll() is None:
      os.kill(self.pid, signal.SIGKILL)


def _single_threaded() -> bool:
  """Nothing but this thread runs in this process (so a fork holds no other thread's locks)."""
  try:
    return threading.active_count() == 1 and len(os.listdir('/proc/self/task')) == 1
  except OSError:
    return False


class Pool:
  """Run jobs (see executor/jobs.py) on `workers` processes.

  submit(job) -> Future of the result dict; map_unordered(jobs) yields results as they
  complete; close() (or leaving the `with` block) waits for running jobs and stops workers.
  fork_workers: start the workers by forking this process (no interpreter start or imports per
  worker) when it is single-threaded, as `python -m executor batch` is; never in a process that
  holds other state it must not share (a JAX process); replacements of dead workers are spawned.
  """

  def __init__(
    self,
    workers: int | None = None,
    *,
    config: ExecutorConfig | None = None,
    max_in_flight: int | None = None,
    fork_workers: bool = False,
  ):
    self.workers = int(workers or os.cpu_count() or 1)
    if self.workers < 1:
      raise ValueError(f'workers must be >= 1, got {workers}')
    self.max_in_flight = int(max_in_flight or 2 * self.workers)
    if self.max_in_flight < 1:
      raise ValueError(f'max_in_flight must be >= 1, got {max_in_flight}')
    self.config = config or ExecutorConfig()
    self._slots = threading.BoundedSemaphore(self.max_in_flight)
    self._queue: queue.SimpleQueue = queue.SimpleQueue()
    self._seq = 0
    self._pending = 0
    self._lock = threading.Lock()
    self._closed = False
    fork = fork_workers and _single_threaded()
    self._procs = [_Worker(self.config, fork) for _ in range(self.workers)]
    self._threads = [
      threading.Thread(target=self._feed, args=(k,), daemon=True, name=f'executor-feed-{k}')
      for k in range(self.workers)
    ]
    for t in self._threads:
      t.start()

  @property
  def in_flight(self) -> int:
    """Jobs submitted and not finished."""
    with self._lock:
      return self._pending

  def worker_pids(self) -> list[int]:
    """Process ids of the current worker processes."""
    return [w.proc.pid for w in self._procs]

  def _feed(self, k: int) -> None:
    while True:
      item = self._queue.get()
      if item is None:
        return
      seq, job, future = item
      if not future.set_running_or_notify_cancel():
        self._finish()
        continue
      result = self._procs[k].ask(seq, job)
      if result is None:
        code = self._procs[k].proc.poll()
        log.warning(
          'executor worker %d died (exit %s) during job %r; restarting it', self._procs[k].proc.pid, code, job.get('id')
        )
        self._procs[k].stop()
        result = {
          'id': job.get('id'),
          'kind': job.get('kind'),
          'status': 'internal_error',
          'error': f'worker process died (exit {code}) while running this job',
        }
        self._procs[k] = _Worker(self.config)
      self._finish()
      future.set_result(result)

  def _finish(self) -> None:
    with self._lock:
      self._pending -= 1
    self._slots.release()

  def submit(self, job: dict) -> concurrent.futures.Future:
    """Queue a job; blocks while max_in_flight jobs are pending.  Raises JobError for a bad job."""
    if self._closed:
      raise RuntimeError('Pool is closed')
    job = validate_job(job)
    self._slots.acquire()
    future: concurrent.futures.Future = concurrent.futures.Future()
    with self._lock:
      self._seq += 1
      self._pending += 1
      seq = self._seq
    self._queue.put((seq, job, future))
    return future

  def map_unordered(self, jobs):
    """Submit jobs lazily (at most max_in_flight pending) and yield results as they finish."""
    done: queue.SimpleQueue = queue.SimpleQueue()
    pending = 0
    it = iter(jobs)
    exhausted = False
    while True:
      while not exhausted and pending < self.max_in_flight:
        try:
          job = next(it)
        except StopIteration:
          exhausted = True
          break
        self.submit(job).add_done_callback(done.put)
        pending += 1
      if pending == 0:
        return
      future = done.get()
      pending -= 1
      yield future.result()

  def close(self) -> None:
    """Finish queued jobs, then stop the workers."""
    if self._closed:
      return
    self._closed = True
    for _ in self._threads:
      self._queue.put(None)
    for t in self._threads:
      t.join()
    for w in self._procs:  # all at once: each worker closes its sandbox while the others do
      w.hang_up()
    for w in self._procs:
      w.stop()

  def __enter__(self):
    return self

  def __exit__(self, *exc):
    self.close()
