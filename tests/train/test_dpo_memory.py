"""DPO with Qwen's 151,936-row vocabulary stays under 2 GB peak RSS on CPU, where the policy's full float32
logits alone would not fit in it: tests.helpers.dpo_memory_child trains in a subprocess and reports its own
peak. The fast test takes rows of 512 tokens (full logits 2.3 GiB); the slow one the bar's own shape,
4 pairs x 2 rows x 1024 tokens (4.6 GiB)."""

import json
import subprocess
import sys

import pytest

from tests.helpers import paths
from tests.train.test_memory import _large_vocab_base

VOCAB, PAIRS, STEPS = 151936, 4, 2
BAR_MB = 2048


@pytest.fixture(scope='module')
def large_vocab_base(tmp_path_factory):
  return _large_vocab_base(tmp_path_factory.mktemp('large_vocab') / 'base')


def _peak(base, out, length: int) -> dict:
  cmd = [
    sys.executable,
    '-m',
    'tests.helpers.dpo_memory_child',
    str(base),
    str(out),
    f'--pairs={PAIRS}',
    f'--len={length}',
    f'--steps={STEPS}',
  ]
  proc = subprocess.run(cmd, capture_output=True, text=True, cwd=paths.REPO, timeout=900)
  assert proc.returncode == 0, proc.stderr[-4000:]
  report = json.loads(proc.stdout.strip().splitlines()[-1])
  assert len(report['losses']) == STEPS and report['losses'][1] < report['losses'][0]
  return {'peak_mb': report['peak_kb'] / 1024, 'full_logits_mb': 2 * PAIRS * length * VOCAB * 4 / 2**20}


def test_peak_rss_of_dpo_with_qwen_vocabulary_is_below_its_full_logits(large_vocab_base, tmp_path):
  result = _peak(large_vocab_base, tmp_path / 'out', length=512)
  assert result['full_logits_mb'] > BAR_MB
  assert result['peak_mb'] < BAR_MB, result


@pytest.mark.slow
def test_peak_rss_of_dpo_at_4_pairs_x_1024_stays_under_2_gb(large_vocab_base, tmp_path):
  result = _peak(large_vocab_base, tmp_path / 'out', length=1024)
  assert result['full_logits_mb'] > 4500
  assert result['peak_mb'] < BAR_MB, result
