"""`python -m bite_jax.main` with a record of every file this process opens for writing, renames or
replaces under the workdir (Python's audit events), so tests can check that no file is written by two
processes of a multi-host run.

  BITE_WRITE_AUDIT=OUT.jsonl python -m tests.helpers.audited_main --config=... --workdir=W ...
"""

import json
import os
import runpy
import sys
import time


def _install(out_path: str, workdir: str) -> None:
  root = os.path.realpath(workdir)
  sink = open(out_path, 'a', encoding='utf-8')  # noqa: SIM115 (open for the life of the process)
  pid = os.getpid()
  busy = []

  def record(path, what):
    if busy or not isinstance(path, (str, bytes, os.PathLike)):
      return
    path = os.fsdecode(path)
    full = os.path.realpath(path)
    if full == root or not full.startswith(root + os.sep):
      return
    busy.append(1)
    try:
      sink.write(json.dumps({'pid': pid, 'path': os.path.relpath(full, root), 'what': what, 't': time.time()}) + '\n')
      sink.flush()
    finally:
      busy.pop()

  def hook(event, args):
    if event == 'open':
      path, mode, flags = args
      writing = (isinstance(mode, str) and any(c in mode for c in 'wax+')) or (
        isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND)
      )
      if writing and path is not None:
        record(path, 'open')
    elif event in ('os.rename', 'os.replace'):
      record(args[1], 'rename')

  sys.addaudithook(hook)


def main() -> None:
  workdir = next(a.split('=', 1)[1] for a in sys.argv[1:] if a.startswith('--workdir='))
  os.makedirs(workdir, exist_ok=True)
  _install(os.environ['BITE_WRITE_AUDIT'], workdir)
  sys.argv = ['bite_jax.main', *sys.argv[1:]]
  runpy.run_module('bite_jax.main', run_name='__main__', alter_sys=True)


if __name__ == '__main__':
  main()
