"""bite_jax.data.codenet.mine: pairs within a problem (same user first), the speedup threshold, the
per-problem spread, duplicates and length."""

from pathlib import Path

from bite_jax.data.codenet import mining as mine_module
from bite_jax.data.codenet.metadata import Submission
from bite_jax.data.codenet.mining import estimated_tokens, mine, problem_pairs, round_robin
from tests.helpers.codenet import MAX_TOKENS, build_codenet


def _sub(sid, user, cpu):
  return Submission(sid, 'p1', user, 'python', float(cpu), Path(f'{sid}.py'), 2)


def _ids(pairs):
  return [(p.slow.submission_id, p.fast.submission_id, p.same_user) for p in pairs]


def test_same_user_pairs_come_first_then_across_users():
  subs = [_sub('a', 'u1', 300), _sub('b', 'u1', 100), _sub('c', 'u2', 50), _sub('d', 'u3', 1000), _sub('e', 'u4', 70)]
  assert _ids(problem_pairs(subs, 1.1)) == [('a', 'b', True), ('d', 'c', False)]


def test_a_pair_needs_the_min_speedup_and_a_nonzero_fast_time():
  assert problem_pairs([_sub('a', 'u1', 105), _sub('b', 'u1', 100)], 1.1) == []
  assert _ids(problem_pairs([_sub('a', 'u1', 111), _sub('b', 'u1', 100)], 1.1)) == [('a', 'b', True)]
  assert problem_pairs([_sub('a', 'u1', 110), _sub('b', 'u1', 0)], 1.1) == []


def test_programs_judged_at_0_ms_are_left_out_of_pairs_not_the_others():
  subs = [_sub('z', 'u1', 0), _sub('a', 'u1', 300), _sub('b', 'u1', 100), _sub('y', 'u2', 0), _sub('c', 'u3', 80)]
  subs += [_sub('d', 'u4', 500)]
  assert _ids(problem_pairs(subs, 1.1)) == [('a', 'b', True), ('d', 'c', False)]


def test_every_program_is_in_at_most_one_pair():
  subs = [_sub(f's{i}', f'u{i % 3}', 10 * (i + 1)) for i in range(12)]
  ids = [sid for p in problem_pairs(subs, 1.1) for sid in (p.slow.submission_id, p.fast.submission_id)]
  assert len(ids) == len(set(ids)) > 0


def test_round_robin_takes_one_per_problem_per_round():
  offers = {'p1': [1, 2, 3], 'p2': [10], 'p3': [20, 21]}
  assert list(round_robin(offers, ['p3', 'p1', 'p2'])) == [20, 1, 10, 21, 2, 3]


def test_estimated_tokens_round_up():
  assert [estimated_tokens('x' * n) for n in (0, 1, 3, 4)] == [0, 1, 1, 2]


def _mine(root, **kw):
  options = dict(pairs_per_language=5000, roots_per_language=10000, min_speedup=1.1, seed=0, max_tokens=MAX_TOKENS)
  options.update(kw)
  return mine(root, progress=lambda line: None, **options)


def test_duplicates_and_long_programs_are_dropped(tmp_path):
  build_codenet(tmp_path)
  stats = _mine(tmp_path).stats.dropped['python']
  assert (stats['duplicate_exact'], stats['duplicate_whitespace'], stats['too_long']) == (1, 1, 1)


def test_every_language_gets_pairs_and_roots(tmp_path):
  build_codenet(tmp_path)
  mined = _mine(tmp_path)
  for lang in ('c', 'cpp', 'go', 'java', 'python'):
    assert mined.pairs[lang] and mined.roots[lang], lang


def test_the_quota_spreads_over_problems(tmp_path):
  build_codenet(tmp_path)
  mined = _mine(tmp_path, pairs_per_language=3)
  first = mined.pairs['python'][:3]  # the order the quota is taken in
  assert {p.slow.problem_id for p in first} == {'p00001', 'p00002', 'p00003'}  # one from each before a second


def test_a_problem_offers_at_most_its_share(tmp_path, monkeypatch):
  build_codenet(tmp_path)
  monkeypatch.setattr(mine_module, 'SPREAD', 1)
  mined = _mine(tmp_path, pairs_per_language=4, roots_per_language=4)  # 4 problem files: one each
  assert len(mined.pairs['c']) == 1 and len(mined.roots['c']) == 1
  monkeypatch.setattr(mine_module, 'SPREAD', 2)
  mined = _mine(tmp_path, pairs_per_language=4, roots_per_language=4)
  assert len(mined.pairs['c']) == 2 and len(mined.roots['c']) == 2


def test_roots_never_share_a_submission_with_a_pair(tmp_path):
  build_codenet(tmp_path)
  mined = _mine(tmp_path, pairs_per_language=2)
  for lang, pairs in mined.pairs.items():
    in_pairs = {s.submission_id for p in pairs for s in (p.slow, p.fast)}
    assert in_pairs.isdisjoint(s.submission_id for s in mined.roots[lang])


def test_roots_of_a_problem_without_tests_are_counted(tmp_path):
  build_codenet(tmp_path)
  mined = _mine(tmp_path)
  assert all(s.problem_id != 'p00003' for s in mined.roots['python'])
  assert mined.pair_stats['python']['roots_no_tests'] == 1


def test_the_seed_decides_the_order_and_nothing_else_does(tmp_path):
  build_codenet(tmp_path)
  a, b = _mine(tmp_path, pairs_per_language=2), _mine(tmp_path, pairs_per_language=2)
  assert a.pairs == b.pairs and a.roots == b.roots
  orders = {tuple(s.submission_id for s in _mine(tmp_path, seed=k).roots['python']) for k in range(4)}
  assert len(orders) > 1
