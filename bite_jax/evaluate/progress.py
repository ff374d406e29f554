"""Progress lines on stderr for long loops: done / total, rate, ETA."""

from __future__ import annotations

import sys
import time


def format_seconds(seconds: float) -> str:
  """'42s', '3m05s' or '1h02m'."""
  seconds = max(0, int(round(seconds)))
  if seconds < 60:
    return f'{seconds}s'
  if seconds < 3600:
    return f'{seconds // 60}m{seconds % 60:02d}s'
  return f'{seconds // 3600}h{seconds % 3600 // 60:02d}m'


class Progress:
  """Counts finished items and prints `[label] done/total unit (p%), r unit/s, ETA t` to `stream`.

  Items counted at construction (`already`, e.g. resumed work) do not enter the rate. A line is
  printed at most every `min_interval` seconds, and always for the last item.
  """

  def __init__(
    self,
    total: int,
    *,
    label: str = 'evaluate',
    unit: str = 'tasks',
    already: int = 0,
    stream=None,
    min_interval: float = 1.0,
    enabled: bool = True,
    clock=time.monotonic,
  ):
    self.total, self.label, self.unit = int(total), label, unit
    self.done = self.already = int(already)
    self.stream = stream if stream is not None else sys.stderr
    self.min_interval, self.enabled, self.clock = min_interval, enabled, clock
    self.started = clock()
    self._last_print = None

  def rate(self) -> float:
    """Items per second since the start (items done before it excluded)."""
    elapsed = self.clock() - self.started
    return (self.done - self.already) / elapsed if elapsed > 0 else 0.0

  def line(self, note: str = '') -> str:
    """The current progress line."""
    pct = 100.0 * self.done / self.total if self.total else 100.0
    rate = self.rate()
    left = self.total - self.done
    eta = format_seconds(left / rate) if rate > 0 else '?'
    text = (
      f'[{self.label}] {self.done}/{self.total} {self.unit} ({pct:.0f}%), {rate:.2f} {self.unit}/s, '
      f'ETA {eta}, elapsed {format_seconds(self.clock() - self.started)}'
    )
    return f'{text}, {note}' if note else text

  def advance(self, n: int = 1, note: str = '') -> None:
    """Counts n more items and prints a line when due."""
    self.done += n
    now = self.clock()
    due = self._last_print is None or now - self._last_print >= self.min_interval or self.done >= self.total
    if self.enabled and due:
      print(self.line(note), file=self.stream, flush=True)
      self._last_print = now
