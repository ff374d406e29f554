"""Extra inputs for differential testing: mutations keep the input format, mini problems use their generators."""

import re

import pytest

from bite_jax.data.inputs import extra_inputs, input_seed, inputs_digest, mutate
from bite_jax.data.mini import load_mini
from bite_jax.data.records import Task

NUMBER = re.compile(r'-?[0-9]+(\.[0-9]+)?\Z')

QUERIES = '5 3\n4 8 15 16 23\n1 3\n2 5\n4 4\n'
GRAPH = '5 7\n1 2 3\n2 3 4\n1 3 5\n4 5 1\n2 5 2\n3 4 9\n1 4 2\n'
MIXED = 'alice 3 2.50\nbob 10 -1.25\n\n'


def shape(text: str) -> list[list[str]]:
  """Per line, the kind of each token: 'num' or the token's length and character classes."""

  def kind(token):
    if NUMBER.match(token):
      return 'num'
    return ''.join('a' if c.islower() else 'A' if c.isupper() else '9' if c.isdigit() else '.' for c in token)

  return [[kind(t) for t in line.split()] for line in text.split('\n')]


def whitespace(text: str) -> list[str]:
  return re.findall(r'\s+', text)


@pytest.mark.parametrize('text', [QUERIES, GRAPH, MIXED, '10000\n', '3 4\n#..#\n.##.\n....\n'])
def test_a_mutation_keeps_lines_tokens_kinds_and_whitespace(text):
  out = mutate([text], 6, seed=1)
  assert out, 'nothing to mutate'
  for m in out:
    assert m != text
    assert shape(m) == shape(text)  # same lines, same token count per line, numbers stay numbers
    assert whitespace(m) == whitespace(text)


def test_mutations_are_deterministic_per_seed_and_differ_between_seeds():
  assert mutate([QUERIES, GRAPH], 5, seed=7) == mutate([QUERIES, GRAPH], 5, seed=7)
  assert mutate([QUERIES, GRAPH], 5, seed=7) != mutate([QUERIES, GRAPH], 5, seed=8)


def test_numbers_stay_below_what_their_input_holds_and_keep_their_sign_and_digits():
  inputs = ['200000\n', '300000\n']
  out = mutate(inputs, 8, seed=3)
  assert len(out) == 8 and len(set(out)) == 8 and not set(out) & set(inputs)
  assert all(100000 <= int(m) <= 300000 for m in out)  # six digits, never above the input's own value
  for m in mutate(['-500 -20\n'], 5, seed=3):
    a, b = map(int, m.split())
    assert -500 <= a <= -100 and -20 <= b <= -10
  # A value alone in its digit class may shrink 10x: there is nothing else to vary.
  assert all(1000 <= int(m) <= 10000 for m in mutate(['10000\n'], 5, seed=3))


def test_decimals_keep_their_places():
  for m in mutate([MIXED], 5, seed=2):
    rows = [line.split() for line in m.splitlines() if line]
    assert [len(r[2].split('.')[1]) for r in rows] == [2, 2]


def test_sizes_and_bounds_stay_fixed_and_orders_are_kept():
  for m in mutate([QUERIES], 10, seed=4):
    lines = m.splitlines()
    assert lines[0] == '5 3'  # n counts the next line's tokens, q the query lines
    values = list(map(int, lines[1].split()))
    assert values == sorted(values) and len(set(values)) == 5  # the array was strictly increasing
    for query in lines[2:]:
      left, right = map(int, query.split())
      assert 1 <= left <= right <= 5  # every query line had l <= r, within the array
  for m in mutate([GRAPH], 10, seed=4):
    header, *edges = m.splitlines()
    assert header == '5 7' and len(edges) == 7
    assert all(1 <= int(u) <= 5 and 1 <= int(v) <= 5 for u, v, _ in map(str.split, edges))


def test_a_permutation_stays_a_permutation():
  for m in mutate(['4\n3 1 4 2\n'], 5, seed=5):
    n, values = m.splitlines()
    assert n == '4' and sorted(map(int, values.split())) == [1, 2, 3, 4]
  for m in mutate(['1 3 0\n4 2 5\n7 8 6\n'], 5, seed=5):  # a grid holding 0..8
    assert sorted(map(int, m.split())) == list(range(9))


def test_distinct_values_and_lines_stay_distinct():
  path = '6 5\n1 2\n2 3\n3 4\n4 5\n5 6\n'
  for seed in range(5):
    for m in mutate([path], 5, seed=seed):
      edges = [tuple(map(int, line.split())) for line in m.splitlines()[1:]]
      assert len(set(edges)) == 5 and all(u != v for u, v in edges)  # no edge twice, no loop
      assert len({u for u, _ in edges}) == 5  # the first column held distinct values


def test_words_keep_their_length_and_alphabet_and_a_vocabulary_is_kept():
  for m in mutate(['ACGTTGCA\n'], 5, seed=6):
    assert len(m.strip()) == 8 and set(m.strip()) <= set('ACGT')
  commands = '6\nadd 5\nadd 3\nquery\nadd 1\nquery\nremove 3\n'
  for m in mutate([commands], 5, seed=6):
    assert {line.split()[0] for line in m.splitlines()[1:]} <= {'add', 'query', 'remove'}


def test_a_tiny_input_is_still_varied_within_its_digits():
  out = mutate(['1 2\n'], 8, seed=1)
  assert len(out) == 8
  for m in out:
    a, b = map(int, m.split())
    assert 1 <= a <= 9 and 1 <= b <= 9 and a != b  # the only line had a < b: no ties


def test_inputs_with_nothing_to_vary_give_fewer_extras():
  assert mutate(['0\n'], 4, seed=1) == []  # 0 may only stay 0 (it may end the input)
  assert mutate(['0101100111010101010101010101010011\n'], 2, seed=1)[0].strip().strip('01') == ''  # a string
  assert mutate([], 4, seed=1) == [] and mutate(['5\n'], 0, seed=1) == []


def toy(task_id='toy/sum', inputs=('200000\n', '300000\n'), source='toy', problem_id='sum', language='python'):
  return Task(
    task_id=task_id,
    problem_id=problem_id,
    language=language,
    src='',
    expert=None,
    inputs=inputs,
    outputs=None,
    source=source,
  )


def test_extra_inputs_are_seeded_by_the_task_id():
  a = extra_inputs(toy(), 8)
  assert a == extra_inputs(toy(), 8) and len(a) == 8
  assert a != extra_inputs(toy('toy/other'), 8)
  assert extra_inputs(toy(), 3) == a[:3]
  assert extra_inputs(toy(), 0) == () and extra_inputs(toy(inputs=()), 4) == ()
  assert input_seed('x') == input_seed('x') != input_seed('y')
  assert inputs_digest(a) == inputs_digest(list(a)) != inputs_digest(a[:3])


def test_a_mini_task_gets_smaller_inputs_from_its_generator():
  (task,) = load_mini(problems=['lis'], languages=['python'])
  extras = extra_inputs(task, 8)
  assert len(extras) == 8 and not set(extras) & set(task.inputs)
  for text in extras:
    n, values = text.splitlines()
    assert len(values.split()) == int(n) and all(1 <= int(v) <= int(n) for v in values.split())
  assert max(map(len, extras)) < min(map(len, task.inputs))  # cheaper than the task's own inputs
  # A task that only borrows the mini source name, with a problem id the catalogue lacks, is mutated.
  other = toy(source='mini', problem_id='sumloop')
  assert all(100000 <= int(x) <= 300000 for x in extra_inputs(other, 4))
