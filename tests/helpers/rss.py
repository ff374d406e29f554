"""Peak resident memory of the current process (standard library only: importing this costs no memory)."""

import resource
from pathlib import Path


def own_peak_kb() -> int:
  """This process's peak resident set size in KiB, counted from its own exec.

  VmHWM in /proc/self/status on Linux; getrusage's ru_maxrss elsewhere. ru_maxrss is not used on Linux
  because it survives exec: a child spawned by a large process (a long pytest run) would report the
  parent's peak.
  """
  try:
    for line in Path('/proc/self/status').read_text().splitlines():
      if line.startswith('VmHWM:'):
        return int(line.split()[1])
  except OSError:
    pass
  return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
