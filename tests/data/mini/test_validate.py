"""The mini validation command: its checks on measured results, and a real run through the executor."""

import io
import subprocess
import sys

import pytest

import bite_jax.data.mini.validate as mini_validate
from bite_jax.data.mini import catalog, load_mini
from bite_jax.data.mini.validate import check_task, format_row, main, validate
from bite_jax.data.records import Task
from tests.helpers import paths

STARTUP = 0.002  # seconds, the fake language's empty-program cost


def _program(cost, run_cpu=0.1, status='ok', match=True, stdout_bytes=3):
  runs = [{'status': status, 'cpu_time': run_cpu + STARTUP, 'stdout_bytes': stdout_bytes} for _ in range(2)]
  entry = {'status': status, 'compile': {'status': 'ok'}, 'runs': runs, 'outputs_match_first': match}
  if status == 'ok':
    entry['cost'] = cost
  return entry


def _fake_measure(monkeypatch, programs):
  """Replaces the executor's measure() (as the validator calls it) with one that returns `programs` as the measured entries."""
  calls = []

  def fake(ex, lang, sources, inputs, *, meter=None, repeats=None):
    calls.append((lang, len(sources), len(inputs), repeats))
    return {'meter': 'cpu', 'meter_backend': 'rusage', 'startup_cost': STARTUP, 'programs': programs[: len(sources)]}

  monkeypatch.setattr(mini_validate, 'measure_costs', fake)  # the name validate.py calls executor.measuring.measure by
  return calls


def _task(slow='s'):
  return Task(
    task_id='mini/p/c',
    problem_id='p',
    language='c',
    src='a',
    expert='b',
    inputs=('1\n', '2\n'),
    outputs=None,
    slow=slow,
  )


def test_check_task_passes_when_expert_is_fast_and_slow_is_slower(monkeypatch):
  calls = _fake_measure(monkeypatch, [_program(0.30), _program(0.05), _program(0.60)])
  report = check_task(None, _task(), repeats=4)
  assert report['failures'] == []
  assert report['speedup'] == pytest.approx(6.0) and report['slow_ratio'] == pytest.approx(2.0)
  assert report['src_net_cpu'] == pytest.approx([0.1, 0.1])
  assert calls == [('c', 3, 2, 4)]
  assert format_row(report).split()[1:4] == ['300.0', '50.0', '6.0x']


def test_check_task_flags_an_expert_whose_output_differs(monkeypatch):
  _fake_measure(monkeypatch, [_program(0.30), _program(0.05, match=False)])
  report = check_task(None, _task(slow=None))
  assert report['failures'] == ['expert: output differs from src']
  assert report['speedup'] is None


def test_check_task_flags_a_small_speedup_and_a_source_under_the_floor(monkeypatch):
  _fake_measure(monkeypatch, [_program(0.012, run_cpu=0.004), _program(0.010, run_cpu=0.003)])
  failures = check_task(None, _task(slow=None))['failures']
  assert failures == ['src: runs under 5 ms on input(s) [0, 1]', 'expert: only 1.20x faster than src (need 1.5x)']


def test_check_task_flags_a_slow_variant_that_is_not_slower(monkeypatch):
  _fake_measure(monkeypatch, [_program(0.30), _program(0.05), _program(0.31)])
  assert check_task(None, _task())['failures'] == ['slow: only 1.03x the cost of src (need 1.1x)']


def test_check_task_measures_a_mid_program_and_reports_both_ratios(monkeypatch):
  calls = _fake_measure(monkeypatch, [_program(0.30), _program(0.05), _program(0.60), _program(0.12)])
  report = check_task(None, _task(), mid='m')
  assert report['failures'] == [] and calls == [('c', 4, 2, 3)]
  assert report['costs']['mid'] == pytest.approx(0.12)
  assert report['src_mid_ratio'] == pytest.approx(2.5) and report['mid_expert_ratio'] == pytest.approx(2.4)
  assert format_row(report).split()[4:9] == ['600.0', '2.00x', '120.0', '2.50x', '2.40x']


def test_check_task_without_mid_leaves_its_columns_empty(monkeypatch):
  _fake_measure(monkeypatch, [_program(0.30), _program(0.05)])
  report = check_task(None, _task(slow=None))
  assert report['src_mid_ratio'] is None and report['mid_expert_ratio'] is None
  assert format_row(report).split()[4:9] == ['-'] * 5


@pytest.mark.parametrize(
  'mid, failure',
  [
    (_program(0.29), 'mid: src costs only 1.03x mid (need 1.1x)'),
    (_program(0.052), 'mid: only 1.04x the cost of expert (need 1.1x)'),
    (_program(0.12, match=False), 'mid: output differs from src'),
  ],
  ids=['near_src', 'near_expert', 'wrong'],
)
def test_check_task_flags_a_mid_that_is_not_clearly_between_src_and_expert(monkeypatch, mid, failure):
  _fake_measure(monkeypatch, [_program(0.30), _program(0.05), mid])
  assert check_task(None, _task(slow=None), mid='m')['failures'] == [failure]


def test_validate_takes_the_mid_program_from_the_problem_of_a_mini_task():
  problem = next(p for p in catalog.load_problems() if p.has_mid)
  task = load_mini(problems=[problem.problem_id], languages=['go'])[0]
  assert mini_validate._mid_source(task) == problem.source('mid', 'go')
  assert mini_validate._mid_source(_task()) is None  # not a mini task


def test_check_task_reports_the_compile_error_and_a_silent_source(monkeypatch):
  broken = _program(None, status='compile_error')
  broken['compile'] = {'status': 'compile_error', 'message': "main.c:3: error: expected ';'\nmore"}
  _fake_measure(monkeypatch, [_program(0.30, stdout_bytes=0), broken])
  failures = check_task(None, _task(slow=None))['failures']
  assert failures == ["expert: compile_error: main.c:3: error: expected ';'", 'src: prints nothing on input(s) [0, 1]']


def test_main_rejects_an_unknown_problem():
  with pytest.raises(SystemExit) as exc:
    main(['--problems', 'no_such_problem'])
  assert exc.value.code == 2


@pytest.mark.slow
def test_validate_two_problems_in_all_languages_with_the_executor():
  tasks = load_mini(problems=['sum_squares_range', 'binomial_queries'])
  out = io.StringIO()
  reports = validate(tasks, repeats=1, out=out)
  assert [r['task_id'] for r in reports] == [t.task_id for t in tasks]
  assert [(r['task_id'], r['failures']) for r in reports if r['failures']] == []
  assert all(r['speedup'] >= 1.5 for r in reports)
  assert all(r['slow_ratio'] >= 1.1 for r in reports if r['task_id'].startswith('mini/sum_squares_range/'))
  assert out.getvalue().count(' ok ') == len(tasks)


# ------------------------------------------------------------------ bad usage: exit 2, one line naming the flag or file


@pytest.mark.parametrize(
  'argv, message',
  [
    (['--languages=python,cobol'], "--languages: unknown language 'cobol'"),
    (['--problems=lis,no_such_problem'], '--problems: unknown mini problem(s): no_such_problem; known: '),
    (['--repeats=0'], 'flag --repeats=0: 0 is not'),
    (['--split=dev'], 'flag --split=dev: value should be one of <train|test>'),
    (['--no_such_flag'], "Unknown command line flag 'no_such_flag'"),
    (['lis'], "unexpected argument(s) ['lis']"),
  ],
  ids=['language', 'problem', 'repeats', 'split', 'flag', 'positional'],
)
def test_bad_usage_exits_2_naming_the_flag(capsys, argv, message):
  with pytest.raises(SystemExit) as exit_:
    main(argv)
  assert exit_.value.code == 2
  err = capsys.readouterr().err
  assert err.startswith(f'python -m bite_jax.data.mini.validate: error: {message}')


def test_a_malformed_problem_file_is_named_with_its_field(tmp_path, monkeypatch, capsys):
  broken = tmp_path / 'broken'
  broken.mkdir()
  (broken / 'problem.json').write_text('{"problem_id": "broken", "title": 3}')
  monkeypatch.setattr(catalog, 'PROBLEMS_DIR', tmp_path)
  with pytest.raises(SystemExit) as exit_:
    main(['--problems=broken'])
  assert exit_.value.code == 2
  assert f"{broken / 'problem.json'}: field 'statement' is missing" in capsys.readouterr().err


def test_the_command_line_prints_one_error_line_and_no_traceback():
  proc = subprocess.run(
    [sys.executable, '-m', 'bite_jax.data.mini.validate', '--languages=cobol'],
    cwd=paths.REPO,
    capture_output=True,
    text=True,
    timeout=120,
  )
  assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
  assert proc.stderr.startswith("python -m bite_jax.data.mini.validate: error: --languages: unknown language 'cobol'")
