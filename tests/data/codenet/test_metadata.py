"""bite_jax.data.codenet.metadata: CodeNet's metadata streamed row by row; every dirty row is counted
with its reason and nothing raises."""

from bite_jax.data.codenet import metadata
from tests.helpers.codenet import DIRT, build_codenet


def _stream(root, problem):
  stats = metadata.Stats()
  subs = list(metadata.submissions(root, root / 'metadata' / f'{problem}.csv', stats))
  return subs, stats


def test_problem_files_are_the_per_problem_csvs_not_the_problem_list(tmp_path):
  build_codenet(tmp_path)
  names = [p.name for p in metadata.problem_files(tmp_path)]
  assert names == ['p00001.csv', 'p00002.csv', 'p00003.csv', 'p00004.csv']


def test_a_directory_without_metadata_is_named(tmp_path):
  try:
    metadata.problem_files(tmp_path)
  except FileNotFoundError as e:
    assert str(tmp_path / 'metadata') in str(e)
  else:
    raise AssertionError('expected FileNotFoundError')


def test_rows_dropped_before_reading_files_are_counted_by_reason(tmp_path):
  build_codenet(tmp_path)
  subs, stats = _stream(tmp_path, 'p00001')
  early = ('bad_row', 'not_accepted', 'python2', 'python_version_unknown', 'bad_cpu_time', 'missing_file')
  assert {r: stats.dropped['python'][r] for r in early} == dict.fromkeys(early, 1)
  assert stats.dropped['other'] == {'unknown_language': 1}
  assert stats.read['other'] == 1
  assert {s.language for s in subs} == {'c', 'cpp', 'go', 'java', 'python'}
  assert all(s.path.is_file() and s.problem_id == 'p00001' for s in subs)
  # every row is either yielded or dropped
  assert sum(stats.read.values()) == len(subs) + sum(sum(c.values()) for c in stats.dropped.values())


def test_python_2_and_unversioned_python_are_not_yielded(tmp_path):
  build = build_codenet(tmp_path)
  subs, _ = _stream(tmp_path, 'p00001')
  yielded = {s.submission_id for s in subs}
  for row in build.rows['p00001']:
    if row['language'] == 'Python' and row['submission_id'] in yielded:
      assert metadata.PYTHON3.search(row['original_language'])
      assert row['status'] == 'Accepted'


def test_a_header_without_the_needed_columns_is_counted_not_raised(tmp_path):
  build_codenet(tmp_path)
  subs, stats = _stream(tmp_path, 'p00004')
  assert subs == []
  assert stats.files['bad_header'] == 1
  assert 'missing column(s)' in stats.bad_files[0][1]


def test_an_unparsable_csv_keeps_its_counted_rows_and_stops(tmp_path):
  build_codenet(tmp_path)
  path = tmp_path / 'metadata' / 'p00003.csv'
  lines = path.read_text().splitlines(keepends=True)
  path.write_text(
    lines[0] + lines[1] + 's9,p00003,' + 'x' * 200_000 + '\n' + ''.join(lines[2:])
  )  # over csv's field limit
  subs, stats = _stream(tmp_path, 'p00003')
  assert len(subs) == 1
  assert stats.files['unparsable'] == 1
  assert stats.bad_files[0][0].endswith('p00003.csv:3')


def test_read_program_normalises_crlf_and_drops_non_utf8_and_empty(tmp_path):
  stats = metadata.Stats()
  crlf, bad, empty, bom = (tmp_path / n for n in ('crlf.py', 'bad.py', 'empty.py', 'bom.py'))
  crlf.write_bytes(b'a = 1\r\nprint(a)\r\n')
  bad.write_bytes(b'print("\xff")\n')
  empty.write_bytes(b' \n\t\n')
  bom.write_bytes(b'\xef\xbb\xbfprint(1)\n')
  assert metadata.read_program(crlf, 'python', stats) == 'a = 1\nprint(a)\n'
  assert metadata.read_program(bad, 'python', stats) is None
  assert metadata.read_program(empty, 'python', stats) is None
  assert metadata.read_program(bom, 'python', stats) == 'print(1)\n'
  assert stats.dropped['python'] == {'not_utf8': 1, 'empty_file': 1}
  assert stats.normalised['python'] == {'crlf': 1, 'utf8_bom': 1}


def test_tests_come_from_derived_io_else_the_statement_samples(tmp_path):
  build_codenet(tmp_path)
  assert metadata.problem_tests(tmp_path, 'p00001') == (('3\n1 2 3\n',), ('6\n',), 'derived')
  assert metadata.problem_tests(tmp_path, 'p00002') == (('3\n1 2 3\n', '2\n5 5\n'), ('6\n', '10\n'), 'statement')
  assert metadata.problem_tests(tmp_path, 'p00003') is None


def test_every_planted_reason_is_a_documented_one():
  assert set(DIRT) - {'unknown_language'} <= set(metadata.DROP_REASONS)


def test_a_metadata_file_with_a_bom_and_crlf_rows_reads_like_any_other(tmp_path):
  build_codenet(tmp_path)
  path = tmp_path / 'metadata' / 'p00003.csv'
  path.write_bytes(b'\xef\xbb\xbf' + path.read_bytes().replace(b'\n', b'\r\n'))
  subs, stats = _stream(tmp_path, 'p00003')
  assert len(subs) == 3 and not stats.bad_files


def test_a_row_naming_a_path_outside_the_layout_is_a_bad_row(tmp_path):
  build_codenet(tmp_path)
  path = tmp_path / 'metadata' / 'p00003.csv'
  lines = path.read_text().splitlines(keepends=True)
  row = lines[1].split(',')
  row[6] = '../../../../metadata/p00003.csv'  # filename_ext
  path.write_text(lines[0] + ','.join(row) + ''.join(lines[2:]))
  subs, stats = _stream(tmp_path, 'p00003')
  assert len(subs) == 2 and stats.dropped['python']['bad_row'] == 1
