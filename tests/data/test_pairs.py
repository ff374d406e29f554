"""Pairs load from our JSONL record format and from PIE's; bad lines name file:line."""

import json
from pathlib import Path

import pytest

from bite_jax.data.pairs import PairFormatError, read_pairs, source_and_target, write_pairs
from bite_jax.data.records import Pair
from tests.helpers import paths

DATA = paths.SHARED_DATA


def _write(path: Path, lines) -> Path:
  path.write_text(''.join((line if isinstance(line, str) else json.dumps(line)) + '\n' for line in lines))
  return path


def test_our_format_round_trips(tmp_path):
  pairs = [Pair('cpp', 'slow();', 'fast();', problem_id='p1', speedup=2.5, source='tree'), Pair('python', 'a', 'b')]
  path = tmp_path / 'pairs.jsonl'
  assert write_pairs(path, pairs) == 2
  assert read_pairs(path) == pairs


def test_pie_format_reads_input_as_slow_and_target_as_fast(tmp_path):
  path = _write(
    tmp_path / 'pie.jsonl',
    [
      {
        'problem_id': 'p03371',
        'language': 'python',
        'input': 'SLOW',
        'target': 'FAST',
        'cpu_time_v0': 104,
        'cpu_time_v1': 26,
      }
    ],
  )
  [pair] = read_pairs(path)
  assert (pair.language, pair.slow, pair.fast, pair.problem_id) == ('python', 'SLOW', 'FAST', 'p03371')
  assert pair.speedup == pytest.approx(4.0)
  assert pair.source == 'pie'


def test_a_row_without_language_is_an_error_naming_file_and_line(tmp_path):
  path = _write(
    tmp_path / 'pie.jsonl', [{'language': 'cpp', 'input': 'a', 'target': 'b'}, {'input': 'x', 'target': 'y'}]
  )
  with pytest.raises(PairFormatError, match=rf"^{path}:2: missing field 'language'.*data.language"):
    read_pairs(path)


def test_a_row_of_our_format_without_language_is_an_error_too(tmp_path):
  path = _write(tmp_path / 'pairs.jsonl', [{'slow': 's', 'fast': 'f'}])
  with pytest.raises(PairFormatError, match=rf"^{path}:1: missing field 'language'"):
    read_pairs(path)


def test_the_given_language_fills_rows_that_name_none(tmp_path):
  path = _write(
    tmp_path / 'pie.jsonl', [{'input': 'x', 'target': 'y'}, {'language': 'python', 'input': 'a', 'target': 'b'}]
  )
  assert [p.language for p in read_pairs(path, language='C++')] == ['cpp', 'python']
  assert read_pairs(path, language='cpp')[0].speedup is None


def test_blank_lines_are_skipped(tmp_path):
  path = _write(
    tmp_path / 'p.jsonl',
    [{'language': 'c', 'slow': 's', 'fast': 'f'}, '', '   ', {'language': 'go', 'slow': 's', 'fast': 'f'}],
  )
  assert [p.language for p in read_pairs(path)] == ['c', 'go']


def test_invalid_json_names_file_and_line(tmp_path):
  path = _write(tmp_path / 'bad.jsonl', [{'language': 'c', 'slow': 's', 'fast': 'f'}, '{"language": "c", "slow":'])
  with pytest.raises(PairFormatError, match=r'bad\.jsonl:2: not valid JSON'):
    read_pairs(path)


@pytest.mark.parametrize(
  'record, why',
  [
    ({'language': 'c', 'slow': 3, 'fast': 'f'}, "field 'slow' must be a string, got int"),
    ({'language': 'c', 'slow': 's', 'fast': 'f', 'speedup': 'fast'}, "field 'speedup' must be a number"),
    ({'language': 7, 'slow': 's', 'fast': 'f'}, "field 'language' must be a string, got int"),
    ({'language': 'cpp', 'input': 's', 'target': ['f']}, "field 'target' must be a string, got list"),
    ([1, 2], 'expected a JSON object, got list'),
  ],
)
def test_a_field_of_the_wrong_type_names_file_line_and_field(tmp_path, record, why):
  path = _write(tmp_path / 'bad.jsonl', [{'language': 'c', 'slow': 's', 'fast': 'f'}, record])
  with pytest.raises(PairFormatError, match=f'bad\\.jsonl:2: {why}'):
    read_pairs(path)


def test_missing_field_names_file_line_and_field(tmp_path):
  path = _write(
    tmp_path / 'bad.jsonl', [{'language': 'c', 'slow': 's', 'fast': 'f'}] * 2 + [{'language': 'c', 'slow': 's'}]
  )
  with pytest.raises(PairFormatError, match=r'bad\.jsonl:3: .*fast'):
    read_pairs(path)


def test_unknown_language_names_file_and_line(tmp_path):
  path = _write(tmp_path / 'bad.jsonl', [{'language': 'cobol', 'slow': 's', 'fast': 'f'}])
  with pytest.raises(PairFormatError, match=r'bad\.jsonl:1: .*cobol'):
    read_pairs(path)


def test_line_in_neither_format_is_an_error(tmp_path):
  path = _write(tmp_path / 'bad.jsonl', [{'code': 'x'}])
  with pytest.raises(PairFormatError, match=r'bad\.jsonl:1: neither'):
    read_pairs(path)


def test_missing_file_is_a_clear_error(tmp_path):
  with pytest.raises(FileNotFoundError, match='nothere.jsonl'):
    read_pairs(tmp_path / 'nothere.jsonl')


def test_direction_picks_prompt_and_response_programs():
  pair = Pair('python', 'SLOW', 'FAST')
  assert source_and_target(pair, 'optimize') == ('SLOW', 'FAST')
  assert source_and_target(pair, 'degrade') == ('FAST', 'SLOW')


def test_real_pie_reference_pairs_load():
  path = DATA / 'pie' / 'py_reference.jsonl'
  if not path.is_file():
    pytest.skip(f'PIE data not found at {path}')
  pairs = read_pairs(path)
  assert len(pairs) == 1000
  assert all(p.language == 'python' and p.slow and p.fast for p in pairs)
  assert sum(p.speedup is not None and p.speedup > 1 for p in pairs) > 900
