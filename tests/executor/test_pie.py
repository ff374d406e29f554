"""Real programs: PIE Python pairs on CodeNet sample inputs give the same verdicts sandboxed as bare."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from executor import Executor, ExecutorConfig, Limits, outputs_equal, sample_io_many
from tests.helpers import paths

DATA = paths.SHARED_DATA
PIE = DATA / 'pie' / 'py_reference.jsonl'
TAR = DATA / 'codenet' / 'problem_descriptions.tar.gz'

pytestmark = pytest.mark.skipif(
  not (PIE.exists() and TAR.exists()), reason='PIE/CodeNet data not present under shared/data'
)


def bare_verdict(source: str, tmp: Path, stdin: str, expected: str) -> bool:
  path = tmp / 'prog.py'
  path.write_text(source)
  try:
    proc = subprocess.run([sys.executable, str(path)], input=stdin, capture_output=True, text=True, timeout=20, cwd=tmp)
  except subprocess.TimeoutExpired:
    return False
  return proc.returncode == 0 and outputs_equal(proc.stdout, expected)


def test_sandboxed_verdicts_match_bare_runs(tmp_path):
  pairs = [json.loads(line) for line in PIE.read_text().splitlines()[:12]]
  samples = sample_io_many({p['problem_id'] for p in pairs}, TAR)
  limits = Limits(timeout=10.0, memory_mb=1024)
  agree = total = 0
  with Executor(ExecutorConfig(cache_dir=tmp_path / 'cache')) as ex:
    for pair in pairs:
      tests = samples.get(pair['problem_id'], [])
      for code in (pair['input'], pair['target']):
        result = ex.run('python', code, [i for i, _ in tests], limits=limits)
        for run, (stdin, expected) in zip(result['runs'], tests):
          boxed = run['status'] == 'ok' and outputs_equal(run['stdout'], expected)
          agree += boxed == bare_verdict(code, tmp_path, stdin, expected)
          total += 1
  assert total >= 20 and agree == total
