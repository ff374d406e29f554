"""python -m bite_jax.evaluate: export, scoring a candidates file, generating with a model, errors."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from bite_jax.evaluate import endpoint
from bite_jax.evaluate.cli import export_tasks, main
from tests.helpers import paths
from tests.helpers.checkpoints import make_qwen2_checkpoint
from tests.helpers.toy_tasks import BUSY, SUM_EXPERT, SUM_WRONG, sum_task

ROOT = paths.REPO


@pytest.fixture
def toy_benchmark(tmp_path):
  """tasks:PATH with two toy tasks."""
  return f'tasks:{export_tasks([sum_task(), sum_task("toy/other")], tmp_path / "tasks.jsonl")}'


def _cands(path, rows):
  path.write_text(''.join(json.dumps(r) + '\n' for r in rows))
  return str(path)


def test_export_tasks_writes_one_line_per_task(tmp_path, capsys):
  out = tmp_path / 'TASKS.jsonl'
  assert main(['--benchmark=mini', '--problems=lis', '--languages=c,java', f'--export_tasks={out}']) == 0
  rows = [json.loads(line) for line in out.read_text().splitlines()]
  assert [r['task_id'] for r in rows] == ['mini/lis/c', 'mini/lis/java']
  assert {'task_id', 'language', 'src', 'expert', 'inputs', 'outputs'} <= set(rows[0])
  assert 'wrote 2 tasks' in capsys.readouterr().out


def test_scoring_writes_results_metrics_report_and_plot(tmp_path, toy_benchmark, capsys):
  cands = _cands(
    tmp_path / 'c.jsonl',
    [
      {'task_id': 'toy/sum/python', 'code': SUM_EXPERT},
      {'task_id': 'toy/other', 'code': SUM_WRONG},
      {'task_id': 'toy/other', 'code': SUM_EXPERT},
    ],
  )
  out = tmp_path / 'out'
  assert (
    main(
      [f'--benchmark={toy_benchmark}', f'--candidates={cands}', f'--out={out}', '--workers=2', '--repeats=2', '--quiet']
    )
    == 0
  )
  metrics = json.loads((out / 'metrics.json').read_text())
  assert set(metrics['overall']) == {'AP', 'OPT', 'SP', 'COR', 'tasks'} and metrics['overall']['COR'] == 100.0
  assert metrics['by_language']['python']['tasks'] == 2
  rows = [json.loads(line) for line in (out / 'results.jsonl').read_text().splitlines()]
  assert {'correct', 'old', 'new', 'opti', 'speedup', 'ap', 'meter'} <= set(rows[0])
  assert (out / 'report.md').is_file() and (out / 'speedups.png').is_file()
  assert capsys.readouterr().out.startswith('AP ')


def test_a_malformed_candidates_line_exits_2_naming_file_and_line(tmp_path, toy_benchmark, capsys):
  path = tmp_path / 'c.jsonl'
  path.write_text(json.dumps({'task_id': 'toy/sum/python', 'code': 'x'}) + '\n{"task_id": \n')
  assert main([f'--benchmark={toy_benchmark}', f'--candidates={path}', f'--out={tmp_path / "o"}']) == 2
  assert f'{path}:2: not valid JSON' in capsys.readouterr().err


def test_an_unknown_task_id_exits_2_naming_it_and_the_line(tmp_path, toy_benchmark, capsys):
  cands = _cands(tmp_path / 'c.jsonl', [{'task_id': 'toy/sum/python', 'code': 'x'}, {'task_id': 'toy/x', 'code': 'y'}])
  assert main([f'--benchmark={toy_benchmark}', f'--candidates={cands}', f'--out={tmp_path / "o"}']) == 2
  assert f"{cands}:2: task_id 'toy/x' is not in the benchmark" in capsys.readouterr().err


def test_a_candidate_of_a_filtered_out_task_is_no_error(tmp_path, capsys):
  cands = _cands(tmp_path / 'c.jsonl', [{'task_id': 'mini/lis/c', 'code': 'x'}])
  code = main(
    [
      '--benchmark=mini',
      '--problems=lis',
      '--languages=java',
      f'--candidates={cands}',
      f'--out={tmp_path / "o"}',
      '--quiet',
    ]
  )
  assert code == 0 and 'COR 0.0  (1 tasks' in capsys.readouterr().out  # mini/lis/java: no candidate


def test_pie_without_test_cases_says_what_is_missing(tmp_path, capsys):
  pie = paths.FIXTURES / 'pie' / 'pairs.jsonl'
  assert main([f'--benchmark=pie:{pie}', f'--export_tasks={tmp_path / "t.jsonl"}']) == 2
  err = capsys.readouterr().err
  assert err.startswith('error: pie:') and 'needs test cases' in err and 'tests_dir' in err and 'statements' in err


def test_out_is_required_to_score(tmp_path, capsys):
  assert main(['--benchmark=mini', f'--candidates={tmp_path / "c.jsonl"}']) == 2
  assert '--out=DIR is required' in capsys.readouterr().err


def test_a_killed_run_keeps_its_scored_tasks_and_a_rerun_reuses_them(tmp_path):
  benchmark = f'tasks:{export_tasks([sum_task("toy/a"), sum_task("toy/b")], tmp_path / "tasks.jsonl")}'
  cands = _cands(tmp_path / 'c.jsonl', [{'task_id': 'toy/a', 'code': SUM_EXPERT}, {'task_id': 'toy/b', 'code': BUSY}])
  out = tmp_path / 'out'
  argv = [
    sys.executable,
    '-m',
    'bite_jax.evaluate',
    f'--benchmark={benchmark}',
    f'--candidates={cands}',
    f'--out={out}',
    '--workers=1',
    '--repeats=2',
  ]
  proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
  results = out / 'results.jsonl'
  deadline = time.monotonic() + 120
  while time.monotonic() < deadline and proc.poll() is None:
    if results.is_file() and results.read_text().count('\n') >= 1:
      break
    time.sleep(0.2)
  os.killpg(proc.pid, signal.SIGKILL)
  proc.wait()
  rows = [json.loads(line) for line in results.read_text().splitlines()]
  assert [r['task_id'] for r in rows] == ['toy/a'] and rows[0]['correct']
  done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)
  assert done.returncode == 0, done.stderr
  assert 'reusing 1 scored task(s)' in done.stderr
  assert json.loads((out / 'metrics.json').read_text())['overall']['COR'] == 100.0


def test_model_mode_generates_candidates_and_scores_them(tmp_path, monkeypatch):
  model = make_qwen2_checkpoint(tmp_path / 'model', vocab=300, with_tokenizer=True, init_std=0.3)
  benchmark = f'tasks:{export_tasks([sum_task()], tmp_path / "tasks.jsonl")}'
  out = tmp_path / 'out'
  samplers, real = [], endpoint.load_sampler

  def load_sampler(*args, **kwargs):
    samplers.append(real(*args, **kwargs))
    return samplers[-1]

  monkeypatch.setattr(endpoint, 'load_sampler', load_sampler)
  assert (
    main(
      [
        f'--benchmark={benchmark}',
        f'--model={model}',
        '--method=direct',
        '--num_samples=2',
        '--max_new_tokens=16',
        f'--out={out}',
        '--workers=1',
        '--repeats=1',
        '--quiet',
        '--invariant',
        '--max_batch=4',
      ]
    )
    == 0
  )
  assert [(s.invariant, s.max_batch) for s in samplers] == [(True, 4)]
  cands = [json.loads(line) for line in (out / 'candidates.jsonl').read_text().splitlines()]
  assert [(c['task_id'], c['sample_index'], c['method']) for c in cands] == [
    ('toy/sum/python', 0, 'direct'),
    ('toy/sum/python', 1, 'direct'),
  ]
  metrics = json.loads((out / 'metrics.json').read_text())
  assert metrics['samples'] == 2 and metrics['run']['method'] == 'direct'


# ------------------------------------------------------------------ bad input: exit 2, one message naming the flag or file:line


@pytest.mark.parametrize(
  'row, why',
  [
    ({'task_id': 'toy/sum/python'}, 'missing field "code"'),
    ({'code': SUM_EXPERT}, 'missing field "task_id"'),
    ({'task_id': 'toy/sum/python', 'code': 3}, 'field "code" must be a string \\(got int\\)'),
    ({'task_id': 7, 'code': SUM_EXPERT}, 'field "task_id" must be a non-empty string \\(got 7\\)'),
    ({'task_id': 'toy/sum/python', 'code': 'x', 'sample_index': 'one'}, 'field "sample_index" must be an integer'),
  ],
  ids=['no-code', 'no-task_id', 'code-int', 'task_id-int', 'sample_index-str'],
)
def test_a_bad_candidate_field_exits_2_naming_file_line_and_field(tmp_path, toy_benchmark, capsys, row, why):
  cands = _cands(tmp_path / 'c.jsonl', [{'task_id': 'toy/sum/python', 'code': SUM_EXPERT}, row])
  assert main([f'--benchmark={toy_benchmark}', f'--candidates={cands}', f'--out={tmp_path / "o"}']) == 2
  assert re.search(f'^error: {re.escape(cands)}:2: {why}', capsys.readouterr().err)


@pytest.mark.parametrize(
  'line, why',
  [
    ('{"task_id": "t", ', 'not valid JSON'),
    ('{"task_id": "t", "problem_id": "p", "language": "python", "inputs": []}', "missing field 'src'"),
    ('{"task_id": "t", "problem_id": "p", "language": "cobol", "src": "x", "inputs": []}', "unknown language 'cobol'"),
    (
      '{"task_id": "t", "problem_id": "p", "language": "python", "src": "x", "inputs": "1 2"}',
      "field 'inputs' must be",
    ),
  ],
  ids=['json', 'no-src', 'language', 'inputs-str'],
)
def test_a_bad_task_line_exits_2_naming_file_and_line(tmp_path, capsys, line, why):
  tasks = tmp_path / 'tasks.jsonl'
  export_tasks([sum_task()], tasks)
  tasks.write_text(tasks.read_text() + line + '\n')
  assert main([f'--benchmark=tasks:{tasks}', f'--export_tasks={tmp_path / "t.jsonl"}']) == 2
  assert f'error: {tasks}:2: ' in capsys.readouterr().err
  assert not (tmp_path / 't.jsonl').exists()


def test_a_bad_train_pairs_line_exits_2_before_the_model_is_loaded(tmp_path, toy_benchmark, capsys):
  pairs = tmp_path / 'pairs.jsonl'
  pairs.write_text('{"language": "python", "slow": "a"}\n')
  argv = [f'--benchmark={toy_benchmark}', f'--model={tmp_path / "no_model"}', '--method=rag', f'--out={tmp_path / "o"}']
  assert main([*argv, f'--train_pairs={pairs}']) == 2
  assert f'error: {pairs}:1: missing field(s) fast' in capsys.readouterr().err


def test_train_pairs_without_language_need_train_pairs_language(tmp_path, toy_benchmark, capsys):
  pairs = tmp_path / 'pie.jsonl'
  pairs.write_text('{"input": "a", "target": "b"}\n')
  argv = [f'--benchmark={toy_benchmark}', f'--model={tmp_path / "no_model"}', '--method=rag', f'--out={tmp_path / "o"}']
  assert main([*argv, f'--train_pairs={pairs}']) == 2
  assert f"error: {pairs}:1: missing field 'language'" in capsys.readouterr().err
  assert main([*argv, f'--train_pairs={pairs}', '--train_pairs_language=python']) == 2  # now the model is missing
  err = capsys.readouterr().err
  assert str(pairs) not in err and 'no_model' in err


@pytest.mark.parametrize(
  'flag, message',
  [
    ('--languages=python,cobol', "--languages: unknown language 'cobol'"),
    ('--language=cobol', "--language: unknown language 'cobol'"),
    ('--benchmark=bogus', "--benchmark: benchmark 'bogus': expected mini, pie:PATH"),
    ('--limit=-1', 'flag --limit=-1: -1 is not a non-negative integer'),
    ('--no_such_flag=1', "Unknown command line flag 'no_such_flag'"),
  ],
)
def test_a_bad_flag_is_a_usage_error_naming_it(tmp_path, capsys, flag, message):
  with pytest.raises(SystemExit) as exit_:
    main(['--benchmark=mini', f'--export_tasks={tmp_path / "t.jsonl"}', flag])
  assert exit_.value.code == 2
  err = capsys.readouterr().err
  assert err.startswith('python -m bite_jax.evaluate: error: ') and message in err


def test_a_rerun_with_a_bad_candidates_file_keeps_the_scored_results(tmp_path, toy_benchmark):
  out = tmp_path / 'out'
  good = _cands(tmp_path / 'c.jsonl', [{'task_id': 'toy/sum/python', 'code': SUM_EXPERT}])
  assert main([f'--benchmark={toy_benchmark}', f'--candidates={good}', f'--out={out}', '--repeats=1', '--quiet']) == 0
  before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
  bad = tmp_path / 'bad.jsonl'
  bad.write_text('{"task_id": "toy/sum/python", "code": \n')
  assert main([f'--benchmark={toy_benchmark}', f'--candidates={bad}', f'--out={out}']) == 2
  assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
  assert 'results.jsonl' in before


def test_the_command_line_prints_one_error_line_and_no_traceback(tmp_path, toy_benchmark):
  cands = _cands(tmp_path / 'c.jsonl', [{'task_id': 'toy/sum/python'}])
  proc = subprocess.run(
    [sys.executable, '-m', 'bite_jax.evaluate', f'--benchmark={toy_benchmark}', f'--candidates={cands}', '--out=o'],
    cwd=tmp_path,
    capture_output=True,
    text=True,
    timeout=300,
  )
  assert proc.returncode == 2
  assert proc.stderr.strip() == f'error: {cands}:1: missing field "code"'


@pytest.mark.parametrize('flag, expected', [([], 8), (['--extra_inputs=0'], None), (['--extra_inputs=3'], 3)])
def test_extra_inputs_flag_sets_the_differential_check(tmp_path, toy_benchmark, flag, expected):
  cands = _cands(tmp_path / 'c.jsonl', [{'task_id': 'toy/sum/python', 'code': SUM_EXPERT}])
  out = tmp_path / 'out'
  args = [f'--benchmark={toy_benchmark}', f'--candidates={cands}', f'--out={out}', '--repeats=2', '--quiet']
  assert main(args + flag) == 0
  rows = [json.loads(line) for line in (out / 'results.jsonl').read_text().splitlines()]
  scored = [r for r in rows if r['task_id'] == 'toy/sum/python']
  assert scored and scored[0]['extra_inputs'] == expected
