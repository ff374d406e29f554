"""dpo_throughput.py and dpo_memory.py, run as commands on a tiny shape, report positive figures."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *flags: str) -> subprocess.CompletedProcess:
  env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')])))
  command = [sys.executable, str(ROOT / 'benchmarks' / script), *flags]
  out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
  assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
  return out


def test_dpo_throughput_reports_both_sides(tmp_path):
  flags = ['--vocab=300', '--hidden=32', '--layers=1', '--pairs=2', '--len=32', '--steps=1', '--rounds=1']
  _run('dpo_throughput.py', *flags, '--warmup_rounds=0', f'--json={tmp_path / "dpo.json"}')
  result = json.loads((tmp_path / 'dpo.json').read_text())
  for side in ('ift', 'dpo'):
    assert result[side]['steps_per_s'] > 0 and result[side]['tokens_per_s'] > 0
    assert result[side]['tokens_per_s'] == pytest.approx(2 * 2 * 32 * result[side]['steps_per_s'])
  assert result['dpo_over_ift_step_s'] > 0


def test_dpo_memory_reports_the_child_peak():
  out = _run('dpo_memory.py', '--vocab=1024', '--pairs=2', '--len=256', '--steps=2')
  result = json.loads(out.stdout.strip().splitlines()[-1])
  assert 0 < result['peak_rss_mb'] < 4096 and len(result['losses']) == 2
  assert result['full_logits_mb'] == 2 * 2 * 256 * 1024 * 4 / 2**20
