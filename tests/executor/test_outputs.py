"""Output equivalence: tokens, float tolerance, exact mode."""

import pytest

from executor import outputs_equal
from executor.outputs import first_difference, tokens


def test_whitespace_layout_is_ignored():
  assert outputs_equal('1 2\n3\n', '1\n2 3')


def test_different_token_counts_differ():
  assert not outputs_equal('1 2 3', '1 2')


def test_floats_within_relative_tolerance_are_equal():
  assert outputs_equal('1000000.0', '1000000.5', rel_tol=1e-6, abs_tol=0)


def test_floats_outside_tolerance_differ():
  assert not outputs_equal('0.5', '0.5001', rel_tol=1e-6, abs_tol=1e-6)


def test_small_floats_use_absolute_tolerance():
  assert outputs_equal('0.0000001', '0', rel_tol=0, abs_tol=1e-6)


def test_integers_compare_exactly_even_when_huge():
  assert not outputs_equal('100000000000000000001', '100000000000000000000')
  assert outputs_equal('007', '7')


def test_integer_and_float_spelling_of_one_value_are_equal():
  assert outputs_equal('3', '3.000000')


def test_exact_mode_compares_strings():
  assert not outputs_equal('3', '3.0', exact=True)
  assert outputs_equal('a  b', 'a\nb', exact=True)


def test_words_are_case_sensitive():
  assert not outputs_equal('Yes', 'YES')


def test_non_numeric_lookalikes_are_not_parsed():
  assert not outputs_equal('1_000', '1000')
  assert not outputs_equal('nan', 'NaN')


def test_bytes_are_decoded():
  assert outputs_equal(b'42\n', '42')
  assert tokens(b'a b\n') == ['a', 'b']


def test_negative_tolerance_is_rejected():
  with pytest.raises(ValueError, match='tolerances'):
    outputs_equal('1', '1', rel_tol=-1)


def test_first_difference_names_the_token():
  assert first_difference('1 2 3', '1 5 3') == {'token': 1, 'expected': '2', 'got': '5'}
  assert first_difference('1 2', '1') == {'token': 1, 'expected': '2', 'got': '<end>'}
  assert first_difference('1', '1.0') is None
