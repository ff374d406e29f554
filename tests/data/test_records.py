"""Task and Pair records and language names (bite_jax/data/records.py)."""

import json

import pytest

from bite_jax.data.records import LANGUAGE_NAMES, LANGUAGES, Pair, Task, normalize_language


@pytest.mark.parametrize(
  'name, key',
  [
    ('C', 'c'),
    ('c', 'c'),
    ('C++', 'cpp'),
    ('cpp', 'cpp'),
    ('c++', 'cpp'),
    (' CXX ', 'cpp'),
    ('Go', 'go'),
    ('golang', 'go'),
    ('Java', 'java'),
    ('py', 'python'),
    ('Python', 'python'),
    ('python3', 'python'),
  ],
)
def test_normalize_language_maps_common_spellings(name, key):
  assert normalize_language(name) == key


def test_normalize_language_accepts_every_key_and_display_name():
  for key in LANGUAGES:
    assert normalize_language(key) == key
    assert normalize_language(LANGUAGE_NAMES[key]) == key


def test_normalize_language_error_names_the_language():
  with pytest.raises(ValueError, match="'rust'"):
    normalize_language('rust')
  with pytest.raises(ValueError, match='string'):
    normalize_language(None)


def _task(**overrides):
  fields = dict(
    task_id='mini/p/cpp',
    problem_id='p',
    language='C++',
    src='slow',
    expert='fast',
    inputs=['1\n', '2\n'],
    outputs=None,
    slow='slower',
    split='test',
    statement='Add.',
  )
  return Task(**{**fields, **overrides})


def test_task_normalizes_language_and_stores_inputs_as_a_tuple():
  task = _task()
  assert task.language == 'cpp'
  assert task.inputs == ('1\n', '2\n')


def test_task_round_trips_through_json():
  task = _task(outputs=['2\n', '4\n'])
  again = Task.from_dict(json.loads(json.dumps(task.to_dict())))
  assert again == task
  assert again.outputs == ('2\n', '4\n')


def test_task_rejects_outputs_that_do_not_match_inputs():
  with pytest.raises(ValueError, match='1 outputs for 2 inputs'):
    _task(outputs=['2\n'])


def test_task_rejects_an_unknown_split():
  with pytest.raises(ValueError, match='split'):
    _task(split='dev')


def test_task_from_dict_names_the_bad_field():
  record = _task().to_dict()
  with pytest.raises(ValueError, match="'src'"):
    Task.from_dict({k: v for k, v in record.items() if k != 'src'})
  with pytest.raises(ValueError, match=r"'inputs'\[1\]"):
    Task.from_dict({**record, 'inputs': ['1\n', 2]})


def test_pair_round_trips_through_json_and_ignores_unknown_keys():
  pair = Pair(language='py', slow='a', fast='b', problem_id='p1', speedup=3, source='mini')
  assert pair.language == 'python' and pair.speedup == 3.0
  record = {**pair.to_dict(), 'level': 'easy'}
  assert Pair.from_dict(json.loads(json.dumps(record))) == pair


def test_pair_from_dict_names_missing_and_mistyped_fields():
  with pytest.raises(ValueError, match="'fast'"):
    Pair.from_dict({'language': 'c', 'slow': 'a'})
  with pytest.raises(ValueError, match="'speedup'"):
    Pair.from_dict({'language': 'c', 'slow': 'a', 'fast': 'b', 'speedup': 'fast'})
  with pytest.raises(ValueError, match='language'):
    Pair.from_dict({'language': 'cobol', 'slow': 'a', 'fast': 'b'})
