"""Per-step training metrics (metrics.jsonl) and throughput / MFU accounting.

metrics.jsonl has exactly one line per optimizer step, steps counted from 1:
`step`, `loss` (mean NLL per target token, nats), `tokens` (batch x max_len
positions processed), `target_tokens` (positions in the loss), `lr`, `time`
(unix seconds when the step's result was read back). A resumed run first drops
lines past the restored checkpoint's step, then appends.

MFU = achieved FLOP/s / peak FLOP/s, with training FLOPs per token counted as
MaxText does (`ModelConfig.flops_per_token`: 6 x matmul parameters + the
causal attention term) and the peak of every device from `PEAK_FLOPS`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jax
import psutil

# Dense bf16 peak FLOP/s per device (per chip for TPUs), by substring of jax's device_kind.
PEAK_FLOPS = (
  ('v6', 918e12),  # TPU v6e (Trillium)
  ('v5p', 459e12),
  ('v5', 197e12),  # v5e / "TPU v5 lite"
  ('v4', 275e12),
  ('v3', 123e12),
  ('h200', 989e12),
  ('h100', 989e12),
  ('a100', 312e12),
  ('l4', 121e12),
  ('a10', 125e12),
)

# CPU estimate: float32 FLOPs per cycle per core with two FMA units, by the widest vector ISA
# (2 units x lanes x 2 FLOPs): AVX-512 16 lanes, AVX2 + FMA 8 lanes, otherwise SSE's 4.
CPU_FLOPS_PER_CYCLE = {'avx512f': 64, 'avx2': 32, 'sse': 16}


def cpu_flops_per_cycle(flags: set[str] | None = None) -> int:
  """CPU_FLOPS_PER_CYCLE for a set of /proc/cpuinfo flags (read from this host when None)."""
  if flags is None:
    flags = set()
    try:
      with open('/proc/cpuinfo') as f:
        for line in f:
          if line.startswith('flags'):
            flags = set(line.split(':', 1)[1].split())
            break
    except OSError:
      pass
  if 'avx512f' in flags:
    return CPU_FLOPS_PER_CYCLE['avx512f']
  if 'avx2' in flags and 'fma' in flags:
    return CPU_FLOPS_PER_CYCLE['avx2']
  return CPU_FLOPS_PER_CYCLE['sse']


def cpu_peak_flops(cores: int | None = None, flags: set[str] | None = None) -> float:
  """Estimated float32 peak FLOP/s of this host's CPU (cores x clock x cpu_flops_per_cycle)."""
  freq = psutil.cpu_freq()
  ghz = (freq.max or freq.current) / 1000 if freq and (freq.max or freq.current) else 2.5
  return (cores or os.cpu_count() or 1) * ghz * 1e9 * cpu_flops_per_cycle(flags)


def device_peak_flops(device) -> float | None:
  """Peak FLOP/s of one jax device, or None when its kind is not in the table."""
  if device.platform == 'cpu':
    return None
  kind = device.device_kind.lower()
  for key, flops in PEAK_FLOPS:
    if key in kind:
      return flops
  return None


def total_peak_flops(devices) -> float | None:
  """Peak FLOP/s of all `devices` together (CPU devices share one estimate of the host)."""
  devices = list(devices)
  if all(d.platform == 'cpu' for d in devices):
    return cpu_peak_flops() * max(1, jax.process_count())
  peaks = [device_peak_flops(d) for d in devices]
  return None if any(p is None for p in peaks) else float(sum(peaks))


def mfu(tokens_per_s: float, flops_per_token: float, peak_flops: float | None) -> float | None:
  """Model FLOPs utilisation in [0, 1], or None when the peak is unknown."""
  if not peak_flops:
    return None
  return tokens_per_s * flops_per_token / peak_flops


class MetricsLog:
  """Appends one JSON line per step to `path`; only the writer process touches the file."""

  def __init__(self, path: Path, *, writer: bool = True):
    self.path = Path(path)
    self.writer = writer

  def truncate_after(self, step: int) -> int:
    """Keeps only lines with `step` <= `step` (0 empties the file); returns how many lines remain."""
    if not self.writer:
      return 0
    self.path.parent.mkdir(parents=True, exist_ok=True)
    kept = []
    if self.path.exists():
      for line in self.path.read_text(encoding='utf-8').splitlines():
        try:
          record = json.loads(line)
        except json.JSONDecodeError:
          continue  # a line cut short by a crash mid-write
        if isinstance(record, dict) and isinstance(record.get('step'), int) and record['step'] <= step:
          kept.append(line)
    tmp = self.path.with_suffix('.jsonl.tmp')
    tmp.write_text(''.join(line + '\n' for line in kept), encoding='utf-8')
    tmp.replace(self.path)
    return len(kept)

  def append(self, record: dict) -> None:
    if not self.writer:
      return
    with self.path.open('a', encoding='utf-8') as f:
      f.write(json.dumps(record) + '\n')


def read_metrics(path: Path) -> list[dict]:
  """All records of a metrics.jsonl file, in file order."""
  return [json.loads(line) for line in Path(path).read_text(encoding='utf-8').splitlines() if line.strip()]


def progress_line(
  step: int,
  total: int,
  loss: float,
  lr: float,
  tokens_per_s: float,
  mfu_value: float | None,
  eta_s: float,
  *,
  tag: str = 'ift',
) -> str:
  """One human progress line: step, loss, lr, tokens/s, MFU and time left; `tag` names the run kind."""
  mfu_text = 'n/a' if mfu_value is None else f'{100 * mfu_value:.1f}%'
  return (
    f'[{tag}] step {step}/{total} loss {loss:.4f} lr {lr:.2e} {tokens_per_s:,.0f} tokens/s '
    f'MFU {mfu_text} eta {eta_s / 60:.1f} min'
  )
