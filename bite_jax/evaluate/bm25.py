"""BM25 over code tokens: retrieves the training pairs most similar to a program (the RAG and SBLLM methods).

Tokens are identifiers, numbers and single punctuation characters; scores follow Okapi BM25 with
idf = ln(1 + (N - df + 0.5) / (df + 0.5)) (never negative), k1 = 1.2 and b = 0.75 by default.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from bite_jax.data.records import Pair, Task

_TOKEN = re.compile(r'[A-Za-z_][A-Za-z0-9_]*|\d+|[^\sA-Za-z0-9_]')


def code_tokens(code: str) -> list[str]:
  """Identifiers, numbers and punctuation characters of a program, in order."""
  return _TOKEN.findall(code)


class BM25:
  """An index over documents given as token lists; `scores(query)` ranks all of them."""

  def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75):
    if k1 < 0 or not 0 <= b <= 1:
      raise ValueError(f'BM25 needs k1 >= 0 and 0 <= b <= 1, got k1={k1}, b={b}')
    self.k1, self.b = k1, b
    self.counts = [Counter(doc) for doc in documents]
    self.lengths = [len(doc) for doc in documents]
    self.avg_length = sum(self.lengths) / len(self.lengths) if self.lengths else 0.0
    df = Counter(term for counts in self.counts for term in counts)
    n = len(self.counts)
    self.idf = {term: math.log(1.0 + (n - d + 0.5) / (d + 0.5)) for term, d in df.items()}

  def __len__(self) -> int:
    return len(self.counts)

  def scores(self, query: Sequence[str]) -> list[float]:
    """BM25 score of every document for the query tokens (repeated query terms count once)."""
    terms = [t for t in set(query) if t in self.idf]
    out = []
    for counts, length in zip(self.counts, self.lengths):
      norm = self.k1 * (1 - self.b + self.b * length / self.avg_length) if self.avg_length else self.k1
      score = 0.0
      for term in terms:
        tf = counts.get(term, 0)
        if tf:
          score += self.idf[term] * tf * (self.k1 + 1) / (tf + norm)
      out.append(score)
    return out

  def top_k(self, query: Sequence[str], k: int, *, allowed=None) -> list[int]:
    """Indices of the k best documents (ties: lower index first), among `allowed` indices if given."""
    scores = self.scores(query)
    pool = range(len(scores)) if allowed is None else allowed
    return sorted(pool, key=lambda i: (-scores[i], i))[: max(0, k)]


class PairRetriever:
  """BM25 over the slow programs of training pairs, one index per language (the RAG and SBLLM methods)."""

  def __init__(self, pairs: list[Pair]):
    self.by_lang: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
      self.by_lang[p.language].append(p)
    self.index = {lang: BM25([code_tokens(p.slow) for p in items]) for lang, items in self.by_lang.items()}

  def examples(self, task: Task, k: int, query: str | None = None) -> list[Pair]:
    """The k pairs most similar to `query` (default task.src) in the task's language, excluding pairs of
    the task's problem."""
    items = self.by_lang.get(task.language, [])
    allowed = [i for i, p in enumerate(items) if p.problem_id != task.problem_id and p.slow != task.src]
    if not allowed:
      return []
    tokens = code_tokens(task.src if query is None else query)
    return [items[i] for i in self.index[task.language].top_k(tokens, k, allowed=allowed)]
