"""bite_jax.data.codenet.prepare: the data stage's three files from a CodeNet-shaped directory; roots
checked in the executor; the real statements when the shared data has them."""

import json
import tarfile

import pytest

import executor
from bite_jax.data.codenet import pool_pair_verifier, pool_verifier, prepare
from bite_jax.data.pairs import read_pairs
from bite_jax.evaluate.loaders import load_tasks_jsonl
from tests.helpers import paths
from tests.helpers.codenet import DIRT, MAX_TOKENS, build_codenet, metadata_rows, read_jsonl

LANGUAGES = ('c', 'cpp', 'go', 'java', 'python')


def _prepare(root, out, **kw):
  return prepare(root, out, max_tokens=MAX_TOKENS, progress=lambda line: None, **kw)


@pytest.fixture
def built(tmp_path):
  root = tmp_path / 'codenet'
  build_codenet(root)
  stats = _prepare(root, tmp_path / 'out', pairs_per_language=2, roots_per_language=3)
  return root, tmp_path / 'out', stats


def test_pairs_are_accepted_python3_programs_of_one_problem_with_the_speedup(built):
  root, out, _ = built
  meta = metadata_rows(root)
  records = read_jsonl(out / 'pairs.jsonl')
  assert {r['language'] for r in records} == set(LANGUAGES)
  for r in records:
    slow, fast = meta[r['slow_id']], meta[r['fast_id']]
    assert slow['problem_id'] == fast['problem_id'] == r['problem_id']
    assert slow['status'] == fast['status'] == 'Accepted'
    assert float(slow['cpu_time']) >= 1.1 * float(fast['cpu_time']) > 0
    assert r['speedup'] == float(slow['cpu_time']) / float(fast['cpu_time'])
    if r['language'] == 'python':
      assert 'Python (3' in slow['original_language'] and 'Python (3' in fast['original_language']
    ext = {'cpp': 'cpp', 'python': 'py'}.get(r['language'], r['language'])
    lang_dir = slow['language']
    assert r['slow'] == (root / 'data' / r['problem_id'] / lang_dir / f'{r["slow_id"]}.{ext}').read_text()


def test_pairs_file_reads_as_editor_pairs_and_respects_the_quota(built):
  _, out, _ = built
  pairs = read_pairs(out / 'pairs.jsonl')
  assert len(pairs) == 2 * len(LANGUAGES)
  assert all(p.source == 'codenet' and p.speedup >= 1.1 for p in pairs)


def test_roots_are_tasks_with_tests_from_the_directory_and_no_pair_program(built):
  _, out, _ = built
  roots = load_tasks_jsonl(out / 'roots.jsonl')
  records = read_jsonl(out / 'roots.jsonl')
  in_pairs = {r[k] for r in read_jsonl(out / 'pairs.jsonl') for k in ('slow_id', 'fast_id')}
  assert {t.language for t in roots} == set(LANGUAGES)
  assert all(sum(t.language == lang for t in roots) <= 3 for lang in LANGUAGES)
  assert in_pairs.isdisjoint(r['submission_id'] for r in records)
  for task, record in zip(roots, records):
    if record['tests_from'] == 'derived':
      assert (task.problem_id, task.inputs, task.outputs) == ('p00001', ('3\n1 2 3\n',), ('6\n',))
    else:
      assert (task.problem_id, task.outputs) == ('p00002', ('6\n', '10\n'))


def test_stats_count_every_planted_dirt_with_its_reason(built):
  _, out, stats = built
  assert json.loads((out / 'stats.json').read_text()) == stats
  python = stats['languages']['python']
  for reason in DIRT:
    where = stats['languages']['other'] if reason == 'unknown_language' else python
    assert where['dropped'][reason] == 1, reason
  assert python['normalised'] == {'crlf': 1}
  assert stats['metadata_files'] == {'read': 4, 'bad_header': 1}
  assert all(stats['languages'][lang]['pairs'] == 2 for lang in LANGUAGES)


def test_the_crlf_program_is_kept_with_lf_line_ends(tmp_path):
  build_codenet(tmp_path / 'cn')
  _prepare(tmp_path / 'cn', tmp_path / 'out', languages=['python'])
  texts = [r['src'] for r in read_jsonl(tmp_path / 'out' / 'roots.jsonl')]
  texts += [r[k] for r in read_jsonl(tmp_path / 'out' / 'pairs.jsonl') for k in ('slow', 'fast')]
  assert any('# crlf' in t for t in texts)
  assert not any('\r' in t for t in texts)


def test_same_input_same_seed_same_files(tmp_path):
  build_codenet(tmp_path / 'cn')
  for out in ('a', 'b'):
    _prepare(tmp_path / 'cn', tmp_path / out, pairs_per_language=2, roots_per_language=2, seed=3)
  for name in ('pairs.jsonl', 'roots.jsonl'):
    assert (tmp_path / 'a' / name).read_bytes() == (tmp_path / 'b' / name).read_bytes()


def test_a_failed_run_leaves_earlier_outputs_whole(built, tmp_path):
  _, out, _ = built
  before = {p.name: p.read_bytes() for p in out.iterdir()}
  with pytest.raises(FileNotFoundError, match='metadata'):
    _prepare(tmp_path / 'nowhere', out)
  assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_roots_failing_their_own_tests_are_dropped_and_counted(tmp_path):
  root = tmp_path / 'cn'
  build = build_codenet(root)
  wrong = [r for r in build.rows['p00002'] if r['user_id'] in ('v2', 'v3')]
  for row in wrong:  # the two programs left as roots once v1's pair is taken
    (root / 'data' / 'p00002' / 'Python' / f'{row["submission_id"]}.py').write_text(f'# {row["user_id"]}\nprint(7)\n')
  with executor.Pool(2) as pool:
    verify = pool_verifier(pool, timeout=5.0, memory_mb=512)
    stats = _prepare(root, tmp_path / 'out', languages=['python'], verify=verify)
  python = stats['languages']['python']
  assert python['roots_fails_own_tests'] == 2
  kept = {r['submission_id'] for r in read_jsonl(tmp_path / 'out' / 'roots.jsonl')}
  assert kept and kept.isdisjoint(r['submission_id'] for r in wrong)
  assert stats['settings']['roots_verified'] is True


def test_real_statements_give_sample_tests(tmp_path):
  tar_path = paths.SHARED_DATA / 'codenet' / 'problem_descriptions.tar.gz'
  if not tar_path.is_file():
    pytest.skip(f'CodeNet problem descriptions not found at {tar_path}')
  root = tmp_path / 'cn'
  build_codenet(root)
  with tarfile.open(tar_path) as tar:
    member = next(m for m in tar if m.name.endswith('p03371.html'))  # AtCoder: three samples
    page = tar.extractfile(member).read()
  (root / 'problem_descriptions' / 'p00002.html').write_bytes(page)
  _prepare(root, tmp_path / 'out', languages=['python'])
  roots = [r for r in read_jsonl(tmp_path / 'out' / 'roots.jsonl') if r['problem_id'] == 'p00002']
  assert roots and all(r['tests_from'] == 'statement' for r in roots)
  assert roots[0]['inputs'][0] == '1500 2000 1600 3 2\n' and roots[0]['outputs'] == ['7900\n', '8500\n', '100000000\n']


def test_pair_checks_drop_and_replace_pairs_and_count_why(tmp_path):
  build_codenet(tmp_path / 'cn')
  seen = []

  def verify_pairs(pairs):  # rejects the first pair it is shown, confirms the rest at 2x
    seen.extend(pairs)
    return [('pairs_not_confirmed', 1.0) if len(seen) - len(pairs) + i == 0 else (None, 2.0) for i in range(len(pairs))]

  stats = _prepare(
    tmp_path / 'cn', tmp_path / 'out', languages=['python'], pairs_per_language=2, verify_pairs=verify_pairs
  )
  python = stats['languages']['python']
  assert python['pairs'] == 2  # the rejected pair is replaced by the next one in order
  assert python['pairs_not_confirmed'] == 1
  assert python['pairs_no_tests'] >= 1  # p00003 has no tests to run its pairs on
  assert all(task.problem_id in ('p00001', 'p00002') for task, _ in seen)
  assert all(r['measured_speedup'] == 2.0 for r in read_jsonl(tmp_path / 'out' / 'pairs.jsonl'))
  assert stats['settings']['pairs_verified'] is True


def test_pairs_run_in_the_executor_keep_only_confirmed_speedups(tmp_path):
  root = tmp_path / 'cn'
  build = build_codenet(root)

  def path(problem, row):
    return root / 'data' / problem / 'Python' / f'{row["submission_id"]}.py'

  v1_slow = next(r for r in build.rows['p00002'] if r['user_id'] == 'v1' and r['cpu_time'] == '500')
  path('p00002', v1_slow).write_text(
    '# slow\nn = int(input())\nxs = input().split()\nfor _ in range(200000):\n  s = sum(int(x) for x in xs)\nprint(s)\n'
  )
  u1_fast = next(
    r for r in build.rows['p00001'] if r['language'] == 'Python' and r['user_id'] == 'u1' and r['cpu_time'] == '100'
  )
  path('p00001', u1_fast).write_text('# wrong\nprint(7)\n')
  # the other programs do the same few ms of work, so their pairs (equal speed) are measured well clear of
  # start-up noise: an equal pair of programs doing nothing was once 'confirmed' on a loaded machine
  for problem in ('p00001', 'p00002'):
    for row in build.rows[problem]:
      file = path(problem, row)
      if row['language'] == 'Python' and row not in (v1_slow, u1_fast) and file.is_file():
        data = file.read_bytes()
        if data.startswith(b'# ') and b'print(' in data and not data.startswith(b'# \xff'):  # not the planted dirt
          first, rest = data.decode().split('\n', 1)
          file.write_text(f'{first}\nfor _ in range(300000):\n  pass\n{rest}')
  with executor.Pool(2) as pool:
    verify_pairs = pool_pair_verifier(pool, threshold=1.1, timeout=10.0, memory_mb=512)
    stats = _prepare(root, tmp_path / 'out', languages=['python'], verify_pairs=verify_pairs)
  records = read_jsonl(tmp_path / 'out' / 'pairs.jsonl')
  python = stats['languages']['python']
  assert [r['slow_id'] for r in records] == [v1_slow['submission_id']]  # the only pair both correct and faster
  assert records[0]['measured_speedup'] > 1.1
  assert python['pairs_fail_tests'] == 1  # u1's pair: its fast program prints 7
  assert python['pairs_not_confirmed'] >= 1  # p00001's cross-user pairs: the same program at the same speed
  assert python['pairs_no_tests'] == 1  # p00003's pair
