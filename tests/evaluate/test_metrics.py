"""AP, OPT, SP and COR follow the paper's and PIE's definitions."""

import pytest

from bite_jax.evaluate import metrics
from bite_jax.evaluate.metrics import Outcome


def _o(correct=True, old=10.0, new=5.0, opti=5.0, task='t', lang='python', k=0):
  return Outcome(task_id=task, language=lang, correct=correct, old=old, new=new, opti=opti, sample_index=k)


def test_reaching_the_expert_is_full_progress():
  assert metrics.acceleration_progress(_o(new=5.0)) == 1.0


def test_halfway_to_the_expert_is_half_progress():
  assert metrics.acceleration_progress(_o(old=10.0, new=7.5, opti=5.0)) == pytest.approx(0.5)


def test_beating_the_expert_is_clipped_to_one():
  assert metrics.acceleration_progress(_o(new=1.0)) == 1.0


def test_slower_candidate_has_zero_progress():
  assert metrics.acceleration_progress(_o(new=20.0)) == 0.0


def test_incorrect_candidate_counts_as_the_source():
  o = _o(correct=False, new=1.0)
  assert metrics.acceleration_progress(o) == 0.0
  assert metrics.speedup(o) == 1.0
  assert metrics.task_scores(o) == {'speedup': 1.0, 'ap': 0.0, 'opt': 0.0, 'sp': 1.0, 'cor': 0.0}


def test_no_headroom_task():
  assert metrics.acceleration_progress(_o(old=10.0, opti=10.0, new=10.0)) == 1.0
  assert metrics.acceleration_progress(_o(old=10.0, opti=10.0, new=11.0)) == 0.0
  assert metrics.acceleration_progress(_o(correct=False, old=10.0, opti=10.0)) == 0.0


def test_opt_needs_ten_percent():
  assert metrics.task_scores(_o(old=11.0, new=10.0))['opt'] == 1.0
  assert metrics.task_scores(_o(old=10.9, new=10.0))['opt'] == 0.0


def test_sp_counts_slower_candidates_as_one():
  assert metrics.task_scores(_o(old=10.0, new=20.0))['sp'] == 1.0
  assert metrics.task_scores(_o(old=10.0, new=4.0))['sp'] == 2.5


def test_best_of_k_takes_fastest_correct_sample():
  samples = [_o(correct=False, new=1.0, k=0), _o(new=8.0, k=1), _o(new=6.0, k=2)]
  assert metrics.best_of_k(samples).sample_index == 2


def test_best_of_k_with_no_correct_sample_is_incorrect():
  assert not metrics.best_of_k([_o(correct=False, k=1), _o(correct=False, k=0)]).correct


def test_aggregate_scales_by_100_and_splits_languages():
  outcomes = [
    _o(task='a', lang='c', new=5.0),  # AP 1, OPT 1, SP 2, COR 1
    _o(task='b', lang='c', correct=False),  # AP 0, OPT 0, SP 1, COR 0
    _o(task='c', lang='go', new=10.0),  # AP 0, OPT 0, SP 1, COR 1
    _o(task='c', lang='go', new=12.0, k=1),  # slower sample of the same task
  ]
  result = metrics.aggregate(outcomes)
  assert result['overall'] == pytest.approx({'AP': 100 / 3, 'OPT': 100 / 3, 'SP': 400 / 3, 'COR': 200 / 3, 'tasks': 3})
  assert result['by_language']['c'] == pytest.approx({'AP': 50.0, 'OPT': 50.0, 'SP': 150.0, 'COR': 50.0, 'tasks': 2})
  assert result['by_language']['go']['COR'] == 100.0


def test_aggregate_rejects_empty_input():
  with pytest.raises(ValueError):
    metrics.aggregate([])
