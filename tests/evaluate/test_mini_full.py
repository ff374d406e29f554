"""The whole mini benchmark scored with reference candidates (slow: ~10-40 minutes each on 2 cores).

expert: AP >= 90, OPT >= 90, COR = 100; src: AP <= 10, OPT <= 10, COR = 100; a program printing
a wrong answer: AP = OPT = COR = 0. Every task must be valid (src and expert agree).
"""

import pytest

from bite_jax.data.mini import load_mini
from bite_jax.evaluate import evaluate_candidates, reference_candidates

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def tasks():
  return load_mini()


def _overall(tasks, variant, out):
  m = evaluate_candidates(tasks, reference_candidates(tasks, variant), out, progress=False)
  assert m['invalid_tasks'] == 0, m['invalid']
  assert m['overall']['tasks'] == len(tasks) >= 100
  assert set(m['by_language']) == {'c', 'cpp', 'go', 'java', 'python'}
  return m['overall']


def test_expert_candidates_score_at_the_top(tasks, tmp_path):
  overall = _overall(tasks, 'expert', tmp_path)
  assert overall['AP'] >= 90 and overall['OPT'] >= 90 and overall['COR'] == 100


def test_source_candidates_score_near_zero_progress(tasks, tmp_path):
  overall = _overall(tasks, 'src', tmp_path)
  assert overall['AP'] <= 10 and overall['OPT'] <= 10 and overall['COR'] == 100


def test_wrong_answers_score_zero(tasks, tmp_path):
  overall = _overall(tasks, 'wrong', tmp_path)
  assert (overall['AP'], overall['OPT'], overall['COR']) == (0.0, 0.0, 0.0)
