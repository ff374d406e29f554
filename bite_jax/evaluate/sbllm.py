"""SBLLM (Gao et al. 2024, "Search-Based LLMs for Code Optimization"): evolutionary search with the model as
the variation operator and the executor as the fitness function.

Round 0 samples `num_samples` programs per task with the direct prompt. Then, for `rounds` rounds:

  1. selection (the paper's execution-based representative samples): every new program is run against
     src on the task's first `feedback_inputs` inputs (executor `compare`: correct? measured speedup);
     the `keep` best distinct correct programs by measured speedup are kept, and the latest failing
     program with its failure is shown as the pitfall to avoid;
  2. pattern retrieval (adaptive): the `patterns` training pairs (same language, other problems) whose slow
     program is most similar under BM25 to the best kept program (src while none is correct), so the
     retrieved optimizations change as the search moves;
  3. genetic-operator prompt (baseline_prompts.sbllm_prompt): patterns, src, the kept programs with their
     speedups and the failing one, asking to combine the kept programs' optimizations (crossover) and
     to apply one they miss (mutation); `num_samples` new programs per task.

Each task returns its `num_samples` best distinct programs over all rounds (correct and >= 1.10x faster,
then correct, by measured speedup; later rounds first on ties). The paper iterates a few times and keeps a
few representative samples; the defaults (SBLLM_ROUNDS, SBLLM_KEEP, SBLLM_PATTERNS) follow that scale.
The fitness inputs are also scored later: keep `feedback_inputs` below the input count to hold most out.
"""

from __future__ import annotations

import dataclasses
import sys

from bite_jax.data.responses import extract_program
from bite_jax.evaluate.baseline_prompts import sbllm_prompt
from bite_jax.evaluate.bm25 import PairRetriever
from bite_jax.evaluate.generation import execution_feedback, sample_all, task_key

SBLLM_ROUNDS = 4  # search rounds after the first samples
SBLLM_KEEP = 2  # best correct programs shown to the next round
SBLLM_PATTERNS = 2  # retrieved optimization patterns per prompt


@dataclasses.dataclass
class _Found:
  """One distinct program of a task and its fitness: rank (2 faster, 1 correct, 0 not), speedup, feedback."""

  code: str
  status: str
  rank: int
  speedup: float
  feedback: str
  round: int

  def order(self):
    return (self.rank, self.speedup, self.round)


def sbllm_search(
  tasks,
  sampler,
  first: list[list[tuple[str, str]]],
  options: dict,
  *,
  num_samples: int,
  pool,
  retriever: PairRetriever | None,
  rounds: int = SBLLM_ROUNDS,
  keep: int = SBLLM_KEEP,
  patterns: int = SBLLM_PATTERNS,
  feedback_inputs: int = 1,
  meter: str | None = None,
  progress: bool = True,
) -> list[list[tuple[str, str]]]:
  """Per task, its best (code, status) found by the search (see the module docstring); `first` holds the
  round-0 programs (extract_program results) per task. retriever: None retrieves no patterns."""
  found: list[dict[str, _Found]] = [{} for _ in tasks]
  new = first
  for r in range(rounds + 1):
    fresh = [
      (i, code, status) for i, row in enumerate(new) for code, status in dict(row).items() if code not in found[i]
    ]
    for (i, code, status), (text, rank, speedup) in zip(
      fresh, execution_feedback(tasks, fresh, pool, feedback_inputs, meter)
    ):
      found[i][code] = _Found(code, status, rank, speedup, text, r)
    if progress:
      faster = sum(1 for f in found if any(x.rank == 2 for x in f.values()))
      print(
        f'[sbllm] round {r}/{rounds}: {faster}/{len(tasks)} tasks have a correct, faster program',
        file=sys.stderr,
        flush=True,
      )
    if r == rounds:
      break
    prompts = [_prompt(t, found[i], retriever, keep, patterns) for i, t in enumerate(tasks)]
    round_options = dict(options, seed=(options['seed'] + r + 1) % 2**32)
    keys = [task_key(t.task_id, 'sbllm', r + 1) for t in tasks]
    samples = sample_all(sampler, prompts, num_samples, round_options, f'sbllm round {r + 1}', progress, keys)
    new = [[extract_program(s.text or '', s.finish_reason) for s in row] for row in samples]
  out = []
  for f in found:
    best = sorted((x for x in f.values() if x.code), key=_Found.order, reverse=True)[:num_samples]
    out.append([(x.code, x.status) for x in best] or [('', 'empty')])
  return out


def _prompt(task, found: dict[str, _Found], retriever, keep: int, patterns: int) -> str:
  correct = sorted((x for x in found.values() if x.rank > 0), key=_Found.order, reverse=True)[:keep]
  failing = [x for x in found.values() if x.rank == 0 and x.code]
  latest_failure = max(failing, key=lambda x: x.round) if failing else None
  query = correct[0].code if correct else task.src
  examples = retriever.examples(task, patterns, query=query) if retriever is not None and patterns else []
  return sbllm_prompt(
    task.language,
    task.src,
    [(x.code, x.speedup) for x in correct],
    (latest_failure.code, latest_failure.feedback) if latest_failure else None,
    examples,
  )
