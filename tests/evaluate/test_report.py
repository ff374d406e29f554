"""metrics.json, report.md and the speedup plot, computed from results rows."""

import json

import pytest

from bite_jax.evaluate.report import render_report, summarize, write_outputs


def _row(task_id, lang, samples, old=10.0, opti=2.0, status='scored', meter='cpu'):
  return {
    'task_id': task_id,
    'language': lang,
    'status': status,
    'reason': '' if status == 'scored' else 'src fails',
    'old': old,
    'opti': opti,
    'meter': meter,
    'speedup': max([old / s['new'] for s in samples if s['correct']] or [1]),
    'samples': [dict(s, sample_index=i) for i, s in enumerate(samples)],
  }


def _s(new=None, reason='ok'):
  return {'correct': new is not None, 'new': new, 'reason': reason if new is None else 'ok'}


@pytest.fixture
def rows():
  return [
    _row('a', 'c', [_s(reason='wrong_output'), _s(new=2.0)]),  # best-of-2: reaches the expert
    _row('b', 'c', [_s(new=10.0)]),  # correct, no faster
    _row('c', 'python', [_s(reason='compile_error')], old=None, opti=None),
    _row('d', 'python', [_s(new=1.0)], status='invalid'),
  ]


def test_best_of_k_per_task_and_invalid_tasks_left_out(rows):
  m = summarize(rows)
  assert m['overall'] == {
    'AP': pytest.approx(100 / 3),
    'OPT': pytest.approx(100 / 3),
    'SP': pytest.approx(100 * (5 + 1 + 1) / 3),
    'COR': pytest.approx(200 / 3),
    'tasks': 3,
  }
  assert m['by_language']['c']['AP'] == pytest.approx(50.0) and m['by_language']['python']['COR'] == 0.0
  assert m['invalid_tasks'] == 1 and m['invalid'] == [{'task_id': 'd', 'reason': 'src fails'}]
  assert m['failure_reasons'] == {'wrong_output': 1, 'compile_error': 1}
  assert m['meter'] == {'c': 'cpu', 'python': 'cpu'} and m['samples'] == 4


def test_no_scored_task_gives_no_overall_table():
  m = summarize([_row('d', 'c', [_s(new=1.0)], status='invalid')])
  assert m['overall'] is None and 'No task could be scored.' in render_report(m)


def test_report_has_the_metric_table_and_the_definitions(rows):
  text = render_report(summarize(rows), title='T', plot_name='speedups.png', details={'benchmark': 'mini'})
  assert text.startswith('# T\n') and '- benchmark: mini' in text
  assert '| overall | 33.3 | 33.3 | 233.3 | 66.7 | 3 |' in text
  assert '| C | 50.0 |' in text and '| Python | 0.0 |' in text
  assert '![speedup per task, by language](speedups.png)' in text
  assert 'AP (acceleration progress) = mean of clip(max(0, old - new) / (old - opti), 0, 1), x100' in text
  assert '- d: src fails' in text


def test_write_outputs_writes_metrics_report_and_png(tmp_path, rows):
  summary = write_outputs(rows, tmp_path, details={'benchmark': 'mini'})
  assert json.loads((tmp_path / 'metrics.json').read_text()) == summary
  assert summary['run'] == {'benchmark': 'mini'}
  assert (tmp_path / 'speedups.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
  assert '| overall |' in (tmp_path / 'report.md').read_text()
