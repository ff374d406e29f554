"""The bundled mini benchmark: content, problem.json format, generators and the loader."""

import importlib.util
import json
import re
import shutil

import pytest

from bite_jax.data.mini import (
  PATTERNS,
  MiniFormatError,
  load_mini,
  load_problems,
  problems_dir,
  read_problem,
  task_id,
  train_pairs,
)
from bite_jax.data.records import LANGUAGES, SOURCE_EXTENSIONS, Pair, Task


@pytest.fixture(scope='module')
def problems():
  return load_problems()


@pytest.fixture(scope='module')
def python_tasks():
  return load_mini(languages=['python'])


def _generate(problem, seed, scale):
  """Runs the problem's gen.py from a fresh module, bypassing the loader's cache."""
  spec = importlib.util.spec_from_file_location(f'gen_test_{problem.problem_id}', problem.dir / 'gen.py')
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module.generate(seed, scale)


def test_benchmark_has_at_least_24_problems_each_in_all_five_languages(problems):
  assert len(problems) >= 24
  for problem in problems:
    for variant in ('src', 'expert'):
      for lang in LANGUAGES:
        assert (problem.dir / f'{variant}.{SOURCE_EXTENSIONS[lang]}').is_file(), (problem.problem_id, variant, lang)


def test_every_problem_json_is_well_formed(problems):
  for problem in problems:
    meta = json.loads((problem.dir / 'problem.json').read_text())
    assert meta['problem_id'] == problem.dir.name
    assert meta['split'] in ('train', 'test')
    assert meta['pattern'] in PATTERNS
    assert 2 <= len(meta['seeds']) <= 8
    assert sorted(meta['scale']) == sorted(LANGUAGES)
    assert 'Input' in meta['statement'] and 'Output' in meta['statement']


def test_patterns_cover_every_kind_of_inefficiency(problems):
  assert {p.pattern for p in problems} == set(PATTERNS)


def test_split_partitions_problems_into_16_train_and_8_test(problems):
  train = {p.problem_id for p in load_problems('train')}
  test = {p.problem_id for p in load_problems('test')}
  assert not train & test
  assert train | test == {p.problem_id for p in problems}
  assert (len(train), len(test)) == (16, 8)


def test_test_split_has_every_pattern_but_one_at_most(problems):
  # the held-out problems must exercise most kinds of inefficiency, not one
  assert len({p.pattern for p in load_problems('test')}) >= len(PATTERNS) - 1


def test_generators_are_deterministic_per_seed(problems):
  for problem in problems:
    scale = problem.scale['python']
    first = [_generate(problem, seed, scale) for seed in problem.seeds]
    again = [_generate(problem, seed, scale) for seed in problem.seeds]
    assert first == again, problem.problem_id
    assert len(set(first)) == len(first), f'{problem.problem_id}: two seeds give the same input'


def test_generator_output_grows_with_scale():
  problem = read_problem(problems_dir() / 'inversions')
  small, large = _generate(problem, 1, 100), _generate(problem, 1, 1000)
  assert int(small.split()[0]) <= 100 < int(large.split()[0])


def test_query_generators_stay_within_the_statement_bound_at_every_scale():
  # many small queries per input keep the expert's cost clear of start-up noise; the statement must allow them
  for problem_id, per_query in (('gcd_sum', 1), ('power_mod', 2), ('sum_squares_range', 2)):
    problem = read_problem(problems_dir() / problem_id)
    assert 'Q <= 10^4' in problem.statement or 'T <= 10^4' in problem.statement, problem_id
    for scale in (problem.scale['c'] * 0.02, problem.scale['python'], problem.scale['java']):
      tokens = _generate(problem, 1, scale).split()
      count = int(tokens[0])
      assert 1000 <= count <= 10**4 and len(tokens) == 1 + per_query * count, (problem_id, scale)


def test_java_programs_declare_public_class_main_and_go_programs_package_main(problems):
  for problem in problems:
    for variant in ('src', 'expert', 'slow', 'mid'):
      java, go = problem.source(variant, 'java'), problem.source(variant, 'go')
      if java is None:
        continue
      assert re.search(r'^public class Main\b', java, re.M), (problem.problem_id, variant)
      assert go.startswith('package main\n'), (problem.problem_id, variant)


def test_slow_variants_exist_for_train_problems_in_every_language(problems):
  # The degrader's src -> slow pairs: train problems only (the test split stays unseen), most of them.
  with_slow = [p for p in problems if p.has_slow]
  assert len(with_slow) >= 10 and all(p.split == 'train' for p in with_slow)
  for problem in problems:
    present = [lang for lang in LANGUAGES if problem.source('slow', lang) is not None]
    assert present in ([], list(LANGUAGES)), problem.problem_id


def test_mid_variants_exist_for_four_train_problems_in_every_language(problems):
  with_mid = [p for p in problems if p.has_mid]
  assert len(with_mid) == 4 and all(p.split == 'train' for p in with_mid)
  for problem in problems:
    present = [lang for lang in LANGUAGES if problem.source('mid', lang) is not None]
    assert present == (list(LANGUAGES) if problem.has_mid else []), problem.problem_id
  for problem in with_mid:
    for lang in LANGUAGES:
      mid = problem.source('mid', lang)
      assert mid not in (problem.source('src', lang), problem.source('expert', lang)), (problem.problem_id, lang)


def test_has_answers_for_every_variant_and_rejects_an_unknown_one(problems):
  problem = next(p for p in problems if p.has_mid)
  assert problem.has('src') and problem.has('expert') and problem.has('mid') == problem.has_mid
  assert problem.has('slow') == problem.has_slow
  with pytest.raises(ValueError, match="unknown variant 'fast'"):
    problem.has('fast')
  with pytest.raises(ValueError, match="unknown variant 'fast'"):
    problem.source('fast', 'c')


def test_load_mini_gives_one_consistent_task_per_problem_and_language(problems, python_tasks):
  tasks = load_mini(problems=[problems[0].problem_id, problems[1].problem_id])
  assert [t.task_id for t in tasks] == [task_id(p.problem_id, lang) for p in problems[:2] for lang in LANGUAGES]
  by_id = {p.problem_id: p for p in problems}
  for task in tasks + python_tasks:
    problem = by_id[task.problem_id]
    assert isinstance(task, Task)
    assert task.task_id == f'mini/{task.problem_id}/{task.language}'
    assert task.split == problem.split and task.statement == problem.statement and task.source == 'mini'
    assert len(task.inputs) == len(problem.seeds) and task.outputs is None
    assert task.src != task.expert
    assert (task.slow is not None) == problem.has_slow
  assert len(python_tasks) == len(problems)


def test_load_mini_inputs_use_the_language_scale(problems):
  problem = read_problem(problems_dir() / 'sum_squares_range')
  c_task, py_task = load_mini(problems=['sum_squares_range'], languages=['c', 'python'])
  assert c_task.inputs == tuple(_generate(problem, s, problem.scale['c']) for s in problem.seeds)
  assert py_task.inputs == tuple(_generate(problem, s, problem.scale['python']) for s in problem.seeds)
  assert c_task.inputs != py_task.inputs


def test_load_mini_filters_by_split_language_spelling_and_problem():
  tasks = load_mini(split='test', languages=['C++', 'py'])
  assert {t.language for t in tasks} == {'cpp', 'python'}
  assert {t.split for t in tasks} == {'test'}
  assert len(tasks) == 2 * 8
  only = load_mini(problems='lis', languages='Java')
  assert [t.task_id for t in only] == ['mini/lis/java']


def test_load_mini_rejects_unknown_split_problem_and_language():
  with pytest.raises(ValueError, match='split'):
    load_mini(split='validation')
  with pytest.raises(ValueError, match='no_such_problem'):
    load_mini(problems=['no_such_problem'])
  with pytest.raises(ValueError, match='cobol'):
    load_mini(languages=['cobol'])


def test_train_pairs_come_from_the_train_split_only(problems):
  pairs = train_pairs()
  train = {p.problem_id: p for p in load_problems('train')}
  assert all(isinstance(p, Pair) for p in pairs)
  assert {p.source for p in pairs} == {'mini', 'mini/src-mid', 'mini/mid-expert'}
  assert {p.problem_id for p in pairs} == set(train)
  with_slow = sum(p.has_slow for p in train.values())
  with_mid = sum(p.has_mid for p in train.values())
  assert len(pairs) == len(LANGUAGES) * (len(train) + with_slow + 2 * with_mid)


def test_train_pairs_map_src_to_expert_and_slow_to_src():
  problem = read_problem(problems_dir() / 'min_gap')
  pairs = [p for p in train_pairs(languages=['go']) if p.problem_id == 'min_gap']
  assert [(p.slow, p.fast) for p in pairs] == [
    (problem.source('src', 'go'), problem.source('expert', 'go')),
    (problem.source('slow', 'go'), problem.source('src', 'go')),
  ]


def test_train_pairs_add_src_to_mid_and_mid_to_expert_after_the_others():
  problem = next(p for p in load_problems('train') if p.has_mid)
  pairs = [p for p in train_pairs(languages=['java']) if p.problem_id == problem.problem_id]
  code = {v: problem.source(v, 'java') for v in ('src', 'expert', 'slow', 'mid')}
  expected = [('src', 'expert', 'mini')] + ([('slow', 'src', 'mini')] if problem.has_slow else [])
  expected += [('src', 'mid', 'mini/src-mid'), ('mid', 'expert', 'mini/mid-expert')]
  assert [(p.slow, p.fast, p.source) for p in pairs] == [(code[a], code[b], source) for a, b, source in expected]
  assert all(p.language == 'java' and p.speedup is None for p in pairs)


def test_train_pairs_are_distinct_per_problem_language_and_source():
  keys = [(p.problem_id, p.language, p.source, p.slow, p.fast) for p in train_pairs()]
  assert len(set(keys)) == len(keys)
  mid_keys = [(pid, lang, source) for pid, lang, source, _, _ in keys if source != 'mini']
  assert len(set(mid_keys)) == len(mid_keys)


def _copy_problem(tmp_path, name='lis'):
  target = tmp_path / name
  shutil.copytree(problems_dir() / name, target)
  return target


def test_read_problem_names_file_and_field_of_a_missing_field(tmp_path):
  target = _copy_problem(tmp_path)
  meta = json.loads((target / 'problem.json').read_text())
  del meta['seeds']
  (target / 'problem.json').write_text(json.dumps(meta))
  with pytest.raises(MiniFormatError, match=r"problem\.json: field 'seeds' is missing"):
    read_problem(target)


def test_read_problem_rejects_a_bad_split_and_a_mismatched_id(tmp_path):
  target = _copy_problem(tmp_path)
  meta = json.loads((target / 'problem.json').read_text())
  (target / 'problem.json').write_text(json.dumps({**meta, 'split': 'dev'}))
  with pytest.raises(MiniFormatError, match="field 'split'"):
    read_problem(target)
  (target / 'problem.json').write_text(json.dumps({**meta, 'problem_id': 'other'}))
  with pytest.raises(MiniFormatError, match="field 'problem_id'"):
    read_problem(target)


def test_read_problem_rejects_a_slow_variant_missing_in_some_languages(tmp_path):
  target = _copy_problem(tmp_path, 'min_gap')
  (target / 'slow.go').unlink()
  with pytest.raises(MiniFormatError, match='missing for go'):
    read_problem(target)


def _problem_without_optional_variants(tmp_path, name='lis'):
  """A copy of problem `name` with no slow or mid program."""
  target = _copy_problem(tmp_path, name)
  for path in [*target.glob('slow.*'), *target.glob('mid.*')]:
    path.unlink()
  return target


def test_read_problem_takes_a_mid_variant_in_all_five_languages_or_none(tmp_path):
  target = _problem_without_optional_variants(tmp_path)
  problem = read_problem(target)
  assert not problem.has_mid and problem.source('mid', 'c') is None
  for lang in LANGUAGES:
    (target / f'mid.{SOURCE_EXTENSIONS[lang]}').write_text(f'mid in {lang}\n')
  problem = read_problem(target)
  assert problem.has_mid and not problem.has_slow
  assert [problem.source('mid', lang) for lang in LANGUAGES] == [f'mid in {lang}\n' for lang in LANGUAGES]


def test_read_problem_rejects_a_mid_variant_missing_in_some_languages_naming_the_file(tmp_path):
  target = _problem_without_optional_variants(tmp_path)
  for lang in ('c', 'cpp', 'java', 'python'):
    (target / f'mid.{SOURCE_EXTENSIONS[lang]}').write_text('x\n')
  with pytest.raises(MiniFormatError, match='missing for go') as error:
    read_problem(target)
  assert str(error.value).startswith(f'{target / "mid.go"}: missing mid program')


def test_read_problem_reports_invalid_json_with_its_line(tmp_path):
  target = _copy_problem(tmp_path)
  (target / 'problem.json').write_text('{\n  "problem_id": "lis",\n  oops\n}')
  with pytest.raises(MiniFormatError, match=r'problem\.json:3: not valid JSON'):
    read_problem(target)
