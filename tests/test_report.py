"""bite_jax.report: WORKDIR/report.md from the stages' files; a malformed file is one error naming it (and its line
or field), `python -m bite_jax.report` exits 2 on it and leaves the previous report.md in place."""

import subprocess
import sys

import pytest

from bite_jax.report import ReportInputError, read_metrics_jsonl, write_report
from tests.helpers import paths


def _metrics(path, lines):
  path.parent.mkdir(parents=True, exist_ok=True)
  path.write_text(''.join(line + '\n' for line in lines))
  return path


def _cli(*flags):
  return subprocess.run(
    [sys.executable, '-m', 'bite_jax.report', *flags], capture_output=True, text=True, cwd=paths.REPO, timeout=120
  )


def test_an_empty_workdir_gets_a_report_saying_nothing_ran_yet(tmp_path):
  text = write_report(tmp_path).read_text()
  assert 'No evaluation results yet' in text and 'No trees yet.' in text


def test_a_torn_last_metrics_line_is_ignored(tmp_path):
  path = _metrics(tmp_path / 'metrics.jsonl', ['{"step": 1, "loss": 2.0}', '{"step": 2, "lo'])
  assert read_metrics_jsonl(path) == [{'step': 1, 'loss': 2.0}]


@pytest.mark.parametrize(
  'line, why',
  [('{"step": 2, "lo', 'not valid JSON'), ('{"step": 2}', 'numeric "step" and "loss"'), ('[2, 1.5]', 'numeric')],
)
def test_a_bad_metrics_line_before_the_last_is_named_with_its_line(tmp_path, line, why):
  path = _metrics(tmp_path / 'metrics.jsonl', ['{"step": 1, "loss": 2.0}', line, '{"step": 3, "loss": 1.0}'])
  with pytest.raises(ReportInputError, match=f'metrics.jsonl:2: .*{why}'):
    read_metrics_jsonl(path)


@pytest.mark.parametrize(
  'relative, text, why',
  [
    ('trees/stats.json', '{"opt": ', 'not valid JSON'),
    ('trees/stats.json', '[1]', 'expected a JSON object, got list'),
    (
      'evaluate/summary.json',
      '{"bite-direct": {"model": "m"}}',
      "missing or malformed field \\(KeyError: 'metrics'\\)",
    ),
    ('curriculum/levels.json', '{"pairs": {}}', 'missing or malformed field'),
    ('isolation.json', '"bwrap"', 'expected a JSON object, got str'),
  ],
)
def test_a_malformed_workdir_file_is_named(tmp_path, relative, text, why):
  path = tmp_path / relative
  path.parent.mkdir(parents=True, exist_ok=True)
  path.write_text(text)
  if relative.startswith('curriculum'):
    (tmp_path / 'trees').mkdir(exist_ok=True)
    (tmp_path / 'trees' / 'stats.json').write_text('{"other": 1}')  # trees of no known name: levels are read
  with pytest.raises(ReportInputError, match=f'{path}.*{why}'):
    write_report(tmp_path)


def test_the_cli_refuses_a_malformed_file_and_keeps_the_previous_report(tmp_path):
  write_report(tmp_path)
  before = (tmp_path / 'report.md').read_bytes()
  (tmp_path / 'evaluate').mkdir()
  (tmp_path / 'evaluate' / 'summary.json').write_text('{"bite-direct": ')
  proc = _cli(f'--workdir={tmp_path}')
  assert proc.returncode == 2 and 'Traceback' not in proc.stderr
  assert proc.stderr.strip() == (
    f'python -m bite_jax.report: error: {tmp_path / "evaluate" / "summary.json"}: not valid JSON '
    '(Expecting value: line 1 column 17 (char 16))'
  )
  assert (tmp_path / 'report.md').read_bytes() == before


@pytest.mark.parametrize(
  'flags, message',
  [
    (['--workdir=/no/such/run'], '/no/such/run: no such run directory'),
    ([], '--workdir=W is required'),
    (['--bogus=1'], "Unknown command line flag 'bogus'"),
  ],
  ids=['missing-dir', 'no-workdir', 'unknown-flag'],
)
def test_the_cli_reports_bad_usage_in_one_line_with_status_2(flags, message):
  proc = _cli(*flags)
  assert proc.returncode == 2 and proc.stderr.strip() == f'python -m bite_jax.report: error: {message}'
