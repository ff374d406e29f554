"""Bare baselines for the executor benchmarks (a helper module, not a benchmark).

A bare run is a program run without the sandbox but on the sandbox's terms: the same interpreter, flags
and environment (Executor.host_command) and the same site `.pth` start-up hooks masked (Sandbox.host_view),
so the difference to a sandboxed run is the sandbox alone.  The runs are started by one long-lived runner
process that lives in that masked view; it times them itself.  Each bare run gets a session of its own, as a
sandboxed run does: where the kernel groups processes for scheduling by session (autogroup), a shared
session would give the bare runs less of a loaded machine than the sandboxed ones get.
"""

import json
import subprocess
import sys
from pathlib import Path

from executor import Executor

_RUNNER = r"""
import concurrent.futures, json, subprocess, sys, time
for line in sys.stdin:
  req = json.loads(line)
  def one(i):
    proc = subprocess.run(req['argvs'][i], input=req['stdins'][i].encode(), capture_output=True, env=req['env'],
                          cwd=req['cwd'], start_new_session=True)
    return proc.stdout.decode(errors='replace') if proc.returncode == 0 else ''
  start = time.perf_counter()
  if req['workers'] == 1:
    outs = [one(i) for i in range(len(req['argvs']))]
  else:
    with concurrent.futures.ThreadPoolExecutor(req['workers']) as pool:
      outs = list(pool.map(one, range(len(req['argvs']))))
  print(json.dumps({'elapsed': time.perf_counter() - start, 'stdouts': outs}), flush=True)
"""


class BareRunner:
  """Runs programs of `langs` bare on the terms of `ex`'s sandbox; workdir stands in for /box and /tmp."""

  def __init__(self, ex: Executor, workdir: Path, langs=('python',)):
    self.ex, self.workdir = ex, workdir
    for lang in langs:  # a language's toolchain decides which files the sandbox masks
      ex.toolchain(lang)
    cmd = ex.sandbox.host_view([sys.executable, '-S', '-c', _RUNNER])
    self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

  def run(self, programs, stdins, workers: int = 1) -> tuple[float, list[str]]:
    """Seconds to run every program (on `workers` threads) and their stdouts ('' for a failed run)."""
    commands = [self.ex.host_command(p, self.workdir) for p in programs]
    request = {
      'argvs': [argv for argv, _ in commands],
      'stdins': list(stdins),
      'env': commands[0][1],
      'cwd': str(self.workdir),
      'workers': workers,
    }
    self.proc.stdin.write(json.dumps(request) + '\n')
    self.proc.stdin.flush()
    reply = json.loads(self.proc.stdout.readline())
    return reply['elapsed'], reply['stdouts']

  def close(self) -> None:
    self.proc.stdin.close()
    self.proc.wait()

  def __enter__(self):
    return self

  def __exit__(self, *exc):
    self.close()
