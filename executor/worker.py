"""Worker process of the pool: reads job lines on stdin, writes result lines on its protocol fd.

Started as `python -S -c "...; executor.worker.main()" CONFIG_JSON` (no site hooks: fast start), or
forked from a single-threaded process that has imported the executor already (see pool.py).
Each line in:  {"seq": n, "job": {...}};  each line out: {"seq": n, "result": {...}}.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback

from executor.config import config_from_dict
from executor.engine import Executor
from executor.jobs import JobError, run_job, validate_job


def serve(ex: Executor, rfile, wfile) -> None:
  """Answer job lines until EOF."""
  for line in rfile:
    if not line.strip():
      continue
    msg = json.loads(line)
    job = msg.get('job')
    job_id = job.get('id') if isinstance(job, dict) else None
    try:
      result = run_job(ex, validate_job(job))
    except JobError as exc:
      result = {'id': job_id, 'status': 'error', 'error': str(exc)}
    except Exception as exc:  # one broken job must not take the worker down
      traceback.print_exc(file=sys.stderr)
      result = {'id': job_id, 'status': 'internal_error', 'error': f'{type(exc).__name__}: {exc}'}
    wfile.write(json.dumps({'seq': msg.get('seq'), 'result': result}) + '\n')
    wfile.flush()


def main() -> None:
  run(config_from_dict(json.loads(sys.argv[1])))


def run(config) -> None:
  """Serve job lines from stdin on an Executor of config; results go to fd 1 (a worker spawned by main(),
  or forked by the pool)."""
  logging.basicConfig(level=logging.WARNING, format='executor worker %(process)d: %(message)s', force=True)
  protocol = os.fdopen(os.dup(1), 'w', buffering=1)
  os.dup2(2, 1)  # stray prints must not corrupt the protocol stream
  sys.stdout = sys.stderr
  with Executor(config) as ex:
    serve(ex, sys.stdin, protocol)


if __name__ == '__main__':
  main()
