"""serve_load.py, run as a command on a tiny checkpoint: one JSON line per concurrency level, figures positive."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # ~35 s on 2 cores: a server subprocess, compiles for two levels
def test_serve_load_reports_each_concurrency_level():
  env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')])))
  flags = ['--concurrency=1,4', '--requests_per_client=2', '--max_tokens=4', '--vocab=300', '--hidden=32']
  out = subprocess.run(
    [sys.executable, str(ROOT / 'benchmarks' / 'serve_load.py'), *flags],
    capture_output=True,
    text=True,
    cwd=ROOT,
    env=env,
    timeout=300,
  )
  assert out.returncode == 0, out.stderr[-4000:]
  rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith('{')]
  assert [(r['clients'], r['requests']) for r in rows] == [(1, 2), (4, 8)]
  for r in rows:
    assert r['requests_per_s'] > 0 and r['tokens_per_s'] > 0 and 1 <= r['generated_tokens'] <= 4 * r['requests']
    assert r['sampler_calls'] >= 1 and 1 <= r['mean_batch_rows'] <= r['clients']
