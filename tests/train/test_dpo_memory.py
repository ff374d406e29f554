"""DPO with Qwen's 151,936-row vocabulary at 4 pairs x 2 rows x 1024 tokens stays under 2 GB peak RSS on
CPU (the policy's full float32 logits alone would be 4.6 GiB): tests.helpers.dpo_memory_child trains in a
subprocess and reports its own peak."""

import json
import subprocess
import sys

from tests.helpers import paths
from tests.train.test_memory import _large_vocab_base

VOCAB, PAIRS, LENGTH, STEPS = 151936, 4, 1024, 2


def test_peak_rss_of_dpo_with_qwen_vocabulary_stays_under_2_gb(tmp_path):
  base = _large_vocab_base(tmp_path / 'base')
  cmd = [
    sys.executable,
    '-m',
    'tests.helpers.dpo_memory_child',
    str(base),
    str(tmp_path / 'out'),
    f'--pairs={PAIRS}',
    f'--len={LENGTH}',
    f'--steps={STEPS}',
  ]
  proc = subprocess.run(cmd, capture_output=True, text=True, cwd=paths.REPO, timeout=900)
  assert proc.returncode == 0, proc.stderr[-4000:]
  report = json.loads(proc.stdout.strip().splitlines()[-1])
  full_logits_mb = 2 * PAIRS * LENGTH * VOCAB * 4 / 2**20
  assert full_logits_mb > 4500
  assert report['peak_kb'] / 1024 < 2048, report
  assert len(report['losses']) == STEPS and report['losses'][1] < report['losses'][0]
