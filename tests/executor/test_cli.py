"""Command line: JSON shapes, exit codes, error messages."""

import json
import subprocess
import sys

import pytest


@pytest.fixture(scope='module')
def cli(executor_config):
  cache = str(executor_config.cache_dir)

  def call(*args):
    proc = subprocess.run(
      [sys.executable, '-m', 'executor', *args, '--cache-dir', cache], capture_output=True, text=True, timeout=300
    )
    return proc.returncode, proc.stdout, proc.stderr

  return call


@pytest.fixture()
def files(tmp_path):
  (tmp_path / 'add.py').write_text('a, b = map(int, input().split())\nprint(a + b)\n')
  (tmp_path / 'add_fast.py').write_text('import sys\na, b = map(int, sys.stdin.readline().split())\nprint(a + b)\n')
  (tmp_path / 'crash.py').write_text('raise SystemExit(4)\n')
  (tmp_path / 'in1.txt').write_text('1 2\n')
  (tmp_path / 'in2.txt').write_text('5 5\n')
  return tmp_path


def test_run_prints_one_json_object_with_runs(cli, files):
  rc, out, _ = cli(
    'run',
    '--lang',
    'python',
    str(files / 'add.py'),
    '--input',
    str(files / 'in1.txt'),
    '--input',
    str(files / 'in2.txt'),
    '--timeout',
    '5',
  )
  result = json.loads(out)
  assert rc == 0 and result['status'] == 'ok' and result['compile']['status'] == 'ok'
  assert [(r['input'], r['stdout']) for r in result['runs']] == [
    (str(files / 'in1.txt'), '3\n'),
    (str(files / 'in2.txt'), '10\n'),
  ]
  expected = {
    'input',
    'status',
    'exit_code',
    'signal',
    'stdout',
    'stdout_sha256',
    'stdout_bytes',
    'cpu_time',
    'wall_time',
    'peak_rss_kb',
    'instructions',
  }
  assert expected <= set(result['runs'][0])


def test_a_failing_program_is_a_verdict_with_exit_zero(cli, files):
  rc, out, _ = cli('run', '--lang', 'py', str(files / 'crash.py'))
  assert rc == 0 and json.loads(out)['runs'][0]['exit_code'] == 4


def test_compare_prints_the_verdict(cli, files):
  rc, out, _ = cli(
    'compare',
    '--lang',
    'python',
    str(files / 'add.py'),
    str(files / 'add_fast.py'),
    '--input',
    str(files / 'in1.txt'),
    '--max-rounds',
    '8',
  )
  result = json.loads(out)
  assert rc == 0 and result['correct'] and result['meter'] in ('cpu', 'instructions')
  assert {'speedup', 'interval', 'faster', 'slower', 'rounds'} <= set(result)


def test_batch_prints_one_line_per_job_in_completion_order(cli, files):
  jobs = files / 'jobs.jsonl'
  jobs.write_text(
    ''.join(
      json.dumps({'id': f'j{i}', 'lang': 'python', 'source': f'print({i})', 'inputs': ['', '']}) + '\n'
      for i in range(5)
    )
  )
  rc, out, _ = cli('batch', str(jobs), '--workers', '2', '--timeout', '5')
  lines = [json.loads(line) for line in out.splitlines()]
  assert rc == 0 and sorted(r['id'] for r in lines) == [f'j{i}' for i in range(5)]
  assert all(set(r) >= {'id', 'status', 'compile', 'runs'} and len(r['runs']) == 2 for r in lines)


def test_unknown_language_is_a_usage_error(cli, files):
  rc, _, err = cli('run', '--lang', 'cobol', str(files / 'add.py'))
  assert rc == 2 and "unknown language 'cobol'" in err


def test_missing_file_is_a_usage_error_naming_it(cli, files):
  rc, _, err = cli('run', '--lang', 'c', str(files / 'nope.c'))
  assert rc == 2 and 'nope.c: no such file' in err


def test_malformed_batch_line_names_its_number(cli, files):
  jobs = files / 'bad.jsonl'
  jobs.write_text('{"id": 1, "lang": "python", "source": "print(1)"}\n\n{"id": 2, "lang": \n')
  rc, out, err = cli('batch', str(jobs))
  assert rc == 2 and 'bad.jsonl:3: malformed JSON' in err and out == ''


def test_batch_job_with_a_bad_field_names_line_and_field(cli, files):
  jobs = files / 'bad_field.jsonl'
  jobs.write_text('{"id": 1, "lang": "rust", "source": "fn main(){}"}\n')
  rc, _, err = cli('batch', str(jobs))
  assert rc == 2 and "bad_field.jsonl:1: field 'lang'" in err


def test_measure_prints_a_cost_per_program(cli, files):
  rc, out, _ = cli(
    'measure',
    '--lang',
    'python',
    str(files / 'add.py'),
    str(files / 'add_fast.py'),
    str(files / 'crash.py'),
    '--input',
    str(files / 'in1.txt'),
    '--repeats',
    '2',
    '--meter',
    'cpu',
  )
  result = json.loads(out)
  statuses = [p['status'] for p in result['programs']]
  assert rc == 0 and statuses == ['ok', 'ok', 'runtime_error'] and result['meter'] == 'cpu'
  assert result['programs'][1]['outputs_match_first'] and result['programs'][0]['cost'] > 0


@pytest.mark.parametrize(
  'line, why',
  [
    ('{"id": 2, "lang": "python"}', "missing field 'source'"),
    ('{"id": 2, "lang": "python", "source": ["print(1)"]}', "field 'source' must be a string"),
    ('{"id": 2, "lang": "python", "source": "", "timeout": "5"}', "field 'timeout' must be a number, got str"),
    ('{"id": 2, "lang": "cobol", "source": ""}', "field 'lang': unknown language 'cobol'; expected one of c, cpp"),
    ('["print(1)"]', 'expected a JSON object, got list'),
  ],
  ids=['no-source', 'source-list', 'timeout-str', 'language', 'array'],
)
def test_a_bad_batch_job_stops_the_batch_before_any_job_runs(cli, files, line, why):
  jobs = files / 'jobs.jsonl'
  jobs.write_text('{"id": 1, "lang": "python", "source": "print(1)"}\n' + line + '\n')
  rc, out, err = cli('batch', str(jobs))
  assert rc == 2 and out == ''
  assert err.startswith(f'python -m executor batch: error: {jobs}:2: {why}') and len(err.strip().splitlines()) == 1
