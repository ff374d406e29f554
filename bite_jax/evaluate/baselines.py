"""Candidate generation with a model (a directory or an OpenAI-compatible endpoint): the prompt methods.

  direct  the optimizer prompt (bite_jax.data.prompts), m samples per task.
  rag     the k training pairs whose slow program is most similar to the task's source (BM25 over
          code tokens, same language, other problems only) as in-context examples, then the prompt.
  refine  CodeRefine-style: a direct sample, then `refine_rounds` rounds that show the model its
          previous attempt with the executor's feedback (compile error, wrong output, failure, or the
          measured speedup) on the task's first `feedback_inputs` inputs. Each of the m chains returns
          its best attempt by that feedback (correct and >= 1.10x faster, then correct, latest first).
  sbllm   SBLLM (Gao et al. 2024): rounds of sampling, execution-based selection of the best programs and
          BM25-retrieved optimization patterns seeding the next round's prompt (bite_jax/evaluate/sbllm.py).
  ecco    ECCO's execution-feedback refinement: refine with the feedback of every test input of the
          task (not only the first `feedback_inputs`), for `refine_rounds` rounds.
  perfcond    PIE's performance-conditioned prompt asking for the top speedup bin (`perfcond_bins`).
  trajectory  ECCO's trajectory prompt with the task's source as the one version so far.
  diff        Supersonic: the response is a diff of the source (bite_jax.baselines.diff), applied to
              it; a diff that does not apply gives an empty candidate with status 'diff_failed',
              which the evaluation counts as incorrect.
The last three go with models trained on those formats (bite_jax.baselines).

Returns candidate dicts {"task_id", "code", "sample_index", "status", "method"} for evaluate_candidates.
"""

from __future__ import annotations

import logging
import sys

from bite_jax.baselines.diff import DiffError, apply_diff, extract_diff
from bite_jax.baselines.prompts import diff_prompt, perfcond_prompt, trajectory_prompt
from bite_jax.data.records import Pair, Task
from bite_jax.data.responses import extract_program
from bite_jax.evaluate.baseline_prompts import direct_prompt, rag_prompt, refine_prompt
from bite_jax.evaluate.bm25 import PairRetriever
from bite_jax.evaluate.endpoint import open_model
from bite_jax.evaluate.generation import execution_feedback, sample_all, task_key
from bite_jax.evaluate.sbllm import SBLLM_KEEP, SBLLM_PATTERNS, SBLLM_ROUNDS, sbllm_search
from executor import Pool

log = logging.getLogger(__name__)

METHODS = ('direct', 'rag', 'refine', 'sbllm', 'ecco', 'perfcond', 'trajectory', 'diff')
ALL_INPUTS = 1 << 30  # feedback_inputs of the ecco method: every input of the task

__all__ = ['METHODS', 'PairRetriever', 'generate_candidates', 'task_key']


def generate_candidates(
  tasks,
  model,
  method: str,
  *,
  num_samples: int = 1,
  max_new_tokens: int = 512,
  temperature: float = 0.7,
  top_p: float = 1.0,
  top_k: int = 0,
  seed: int = 0,
  train_pairs: list[Pair] | None = None,
  rag_k: int = 2,
  refine_rounds: int = 2,
  feedback_inputs: int = 1,
  pool=None,
  workers: int | None = None,
  executor_config=None,
  meter: str | None = None,
  max_batch: int = 64,
  invariant: bool = False,
  progress: bool = True,
  perfcond_bins: int = 10,
  sbllm_rounds: int = SBLLM_ROUNDS,
  sbllm_keep: int = SBLLM_KEEP,
  sbllm_patterns: int = SBLLM_PATTERNS,
  cache_path=None,
  endpoint: dict | None = None,
) -> list[dict]:
  """Candidates for tasks from a model: a directory, an endpoint spec (`openai:URL#MODEL`,
  `openai-chat:URL#MODEL`: bite_jax.evaluate.endpoint) or a Sampler-like object.

  method: one of METHODS: 'rag' needs train_pairs; 'refine', 'ecco' and 'sbllm' run the executor (`pool`
    or `workers`; sbllm retrieves patterns from train_pairs when given); 'perfcond' asks for bin
    `perfcond_bins` of `perfcond_bins`. Sampling: temperature (0 = greedy), top_p, top_k, seed; num_samples
    chains/samples per task; max_batch and invariant: the local sampler's (bite_jax.sample.Sampler). Endpoints: `cache_path` (JSONL response cache) and `endpoint` (EndpointSampler
    options: api_key_env, concurrency, max_retries, timeout).
  """
  tasks = list(tasks)
  if method not in METHODS:
    raise ValueError(f'method must be one of {", ".join(METHODS)}, got {method!r}')
  if method == 'rag' and not train_pairs:
    raise ValueError('method rag needs train_pairs (the pairs to retrieve in-context examples from)')
  if num_samples < 1 or refine_rounds < 0 or rag_k < 1 or feedback_inputs < 1:
    raise ValueError('num_samples, rag_k and feedback_inputs must be >= 1 and refine_rounds >= 0')
  if sbllm_rounds < 0 or sbllm_keep < 1 or sbllm_patterns < 0:
    raise ValueError('sbllm_rounds and sbllm_patterns must be >= 0 and sbllm_keep >= 1')
  sampler = open_model(model, max_batch=max_batch, invariant=invariant, cache_path=cache_path, **(endpoint or {}))
  options = {'max_new_tokens': max_new_tokens, 'temperature': temperature, 'top_p': top_p, 'top_k': top_k, 'seed': seed}
  if method == 'rag':
    retriever = PairRetriever(train_pairs)
    prompts = [rag_prompt(t.language, t.src, retriever.examples(t, rag_k)) for t in tasks]
  elif method == 'perfcond':
    prompts = [perfcond_prompt(t.language, t.src, perfcond_bins, perfcond_bins) for t in tasks]
  elif method == 'trajectory':
    prompts = [trajectory_prompt(t.language, [t.src]) for t in tasks]
  elif method == 'diff':
    prompts = [diff_prompt(t.language, t.src) for t in tasks]
  else:
    prompts = [direct_prompt(t.language, t.src) for t in tasks]
  keys = [task_key(t.task_id) for t in tasks]
  samples = sample_all(sampler, prompts, num_samples, options, f'generate {method}', progress, keys)
  if method == 'diff':
    attempts = [[_applied(t, s) for s in row] for t, row in zip(tasks, samples)]
  else:
    attempts = [[extract_program(s.text or '', s.finish_reason) for s in row] for row in samples]
  if method == 'sbllm':
    own = pool is None
    if own:
      pool = Pool(workers, config=executor_config)
    try:
      attempts = sbllm_search(
        tasks,
        sampler,
        attempts,
        options,
        num_samples=num_samples,
        pool=pool,
        retriever=PairRetriever(train_pairs) if train_pairs else None,
        rounds=sbllm_rounds,
        keep=sbllm_keep,
        patterns=sbllm_patterns,
        feedback_inputs=feedback_inputs,
        meter=meter,
        progress=progress,
      )
    finally:
      if own:
        pool.close()
  if method == 'ecco':
    feedback_inputs = ALL_INPUTS
  if method in ('refine', 'ecco') and refine_rounds > 0:
    attempts = _refine(
      tasks,
      sampler,
      attempts,
      options,
      refine_rounds=refine_rounds,
      feedback_inputs=feedback_inputs,
      pool=pool,
      workers=workers,
      executor_config=executor_config,
      meter=meter,
      progress=progress,
    )
  return [
    {'task_id': t.task_id, 'code': code, 'sample_index': j, 'status': status, 'method': method}
    for t, row in zip(tasks, attempts)
    for j, (code, status) in enumerate(row)
  ]


def _applied(task: Task, sample) -> tuple[str, str]:
  """(program, status) of a diff response: the source with the diff applied, or ('', 'diff_failed')."""
  try:
    code = apply_diff(task.src, extract_diff(sample.text or ''))
  except DiffError:
    return '', 'diff_failed'
  return code, 'ok' if sample.finish_reason != 'length' else 'truncated'


def _refine(
  tasks, sampler, attempts, options, *, refine_rounds, feedback_inputs, pool, workers, executor_config, meter, progress
):
  """Runs the refinement rounds; returns, per task and chain, the best (code, status) by feedback."""
  own = pool is None
  if own:
    pool = Pool(workers, config=executor_config)
  try:
    chains = [(i, j) for i, row in enumerate(attempts) for j in range(len(row))]
    latest = {c: attempts[c[0]][c[1]] for c in chains}
    best = {}
    for r in range(refine_rounds + 1):
      notes = execution_feedback(tasks, [(i, *latest[(i, j)]) for i, j in chains], pool, feedback_inputs, meter)
      for c, (_text, rank, speedup) in zip(chains, notes):
        if c not in best or (rank, speedup) >= best[c][0]:
          best[c] = ((rank, speedup), latest[c])
      if progress:
        good = sum(1 for c in chains if best[c][0][0] == 2)
        print(
          f'[refine] round {r}/{refine_rounds}: {good}/{len(chains)} chains correct and faster',
          flush=True,
          file=sys.stderr,
        )
      if r == refine_rounds:
        break
      prompts = [
        refine_prompt(tasks[i].language, tasks[i].src, latest[(i, j)][0], text)
        for (i, j), (text, _, _) in zip(chains, notes)
      ]
      round_options = dict(options, seed=(options['seed'] + r + 1) % 2**32)
      keys = [task_key(tasks[i].task_id, j) for i, j in chains]
      samples = sample_all(sampler, prompts, 1, round_options, f'refine round {r + 1}', progress, keys)
      for c, row in zip(chains, samples):
        latest[c] = extract_program(row[0].text or '', row[0].finish_reason)
  finally:
    if own:
      pool.close()
  return [[best[(i, j)][1] for j in range(len(row))] for i, row in enumerate(attempts)]
