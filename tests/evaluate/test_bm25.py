"""BM25 over code tokens."""

import math

import pytest

from bite_jax.evaluate.bm25 import BM25, code_tokens


def test_code_tokens_are_identifiers_numbers_and_punctuation():
  assert code_tokens('for (int i=0;i<n;i++) x += a[i];') == [
    'for',
    '(',
    'int',
    'i',
    '=',
    '0',
    ';',
    'i',
    '<',
    'n',
    ';',
    'i',
    '+',
    '+',
    ')',
    'x',
    '+',
    '=',
    'a',
    '[',
    'i',
    ']',
    ';',
  ]


def test_the_document_sharing_rare_terms_ranks_first():
  docs = [code_tokens(d) for d in ('print(sum(range(n)))', 'heapq.heappush(h, x)', 'print(x)', 'print(n)')]
  index = BM25(docs)
  assert index.top_k(code_tokens('import heapq; heapq.heappop(h)'), 1) == [1]


def test_scores_match_the_okapi_formula_on_a_small_case():
  index = BM25([['a', 'b'], ['b', 'b', 'c']], k1=1.2, b=0.75)
  idf_c = math.log(1 + (2 - 1 + 0.5) / (1 + 0.5))
  norm = 1.2 * (1 - 0.75 + 0.75 * 3 / 2.5)
  assert index.scores(['c']) == [0.0, pytest.approx(idf_c * 1 * 2.2 / (1 + norm))]


def test_unknown_query_terms_score_zero_and_ties_keep_index_order():
  index = BM25([['a'], ['a'], ['b']])
  assert index.scores(['zzz']) == [0.0, 0.0, 0.0]
  assert index.top_k(['a'], 2) == [0, 1]


def test_top_k_respects_the_allowed_indices():
  index = BM25([['a'], ['a', 'b'], ['c']])
  assert index.top_k(['a', 'b'], 2, allowed=[0, 2]) == [0, 2]
