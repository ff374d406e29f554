"""benchmarks/machine_peak.py: the float32 matmul peak is measured and positive."""

import subprocess
import sys
from pathlib import Path

from machine_peak import OtherLoad, matmul_flops_per_s, matmul_peak_flops, memory_bytes_per_s

ROOT = Path(__file__).resolve().parents[2]


def test_peak_is_the_best_size():
  rates = {}
  peak = matmul_peak_flops(seconds=0.2, sizes=(64, 256), per_size=rates)
  assert set(rates) == {64, 256}
  assert peak == max(rates.values()) > 0
  assert matmul_flops_per_s(32, seconds=0.01, calls=2) > 0


def test_bandwidth_and_other_load():
  load = OtherLoad()
  assert memory_bytes_per_s(seconds=0.05, nbytes=4 << 20) > 0
  assert load.cores() >= 0


def test_command_prints_each_size_and_the_peak(benchmarks_dir):
  out = subprocess.run(
    [sys.executable, str(benchmarks_dir / 'machine_peak.py'), '--sizes=64,128', '--seconds=0.2'],
    capture_output=True,
    text=True,
    cwd=ROOT,
    timeout=120,
  )
  assert out.returncode == 0, out.stderr
  lines = out.stdout.splitlines()
  assert any(' 64 x 64 ' in line and 'GFLOP/s' in line for line in lines)
  assert any(line.startswith('memory read bandwidth ') for line in lines)
  assert lines[-1].startswith('peak ') and float(lines[-1].split()[1].replace(',', '')) > 0
