"""What the prompt methods share: sampling keys, sampling with progress, and executor feedback on attempts.

A sampler here is a bite_jax.sample.Sampler, an endpoint client (bite_jax.evaluate.endpoint) or any object
with `generate(prompts, *, num_samples, **options) -> [[Sample]]` (tests script one).
"""

from __future__ import annotations

import zlib

from bite_jax.evaluate.baseline_prompts import feedback_text
from bite_jax.evaluate.endpoint import EndpointSampler
from bite_jax.evaluate.progress import Progress
from bite_jax.sample.sampler import Sampler


def task_key(*parts) -> int:
  """The sampling key of a prompt (a stable 31-bit hash of its task id and, for refinement chains, the
  chain), so a task's candidates are the same whichever other tasks share the run or its batches (a run
  split over processes, a changed `evaluate.limit`)."""
  return zlib.crc32('/'.join(str(p) for p in parts).encode('utf-8')) & 0x7FFFFFFF


def sample_all(sampler, prompts: list[str], num_samples: int, options: dict, label: str, progress: bool, keys=None):
  """samples[i][j] for prompt i, with a progress line per finished batch; `keys`: one sampling key per
  prompt (task_key) for a Sampler or an endpoint, else prompts are keyed by position."""
  out = [[] for _ in prompts]
  bar = Progress(len(prompts) * num_samples, label=label, unit='samples', enabled=progress, min_interval=5.0)
  stream = getattr(sampler, 'stream', None)
  if keys is not None and isinstance(sampler, (Sampler, EndpointSampler)):
    options = dict(options, prompt_keys=list(keys))
  batches = (
    stream(prompts, num_samples=num_samples, **options)
    if stream
    else [[s for row in sampler.generate(prompts, num_samples=num_samples, **options) for s in row]]
  )
  for batch in batches:
    for s in batch:
      out[s.prompt_index].append(s)
    bar.advance(len(batch))
  for row in out:
    row.sort(key=lambda s: s.sample_index)
  return out


def execution_feedback(tasks, attempts, pool, feedback_inputs: int, meter: str | None) -> list[tuple[str, int, float]]:
  """(feedback, rank, speedup) of each attempt (task index, code, extraction status), from executor
  `compare` jobs of the task's src against the attempt on its first `feedback_inputs` inputs
  (baseline_prompts.feedback_text: rank 2 = correct and >= 1.10x faster, 1 = correct, 0 = not)."""
  jobs, out = [], [None] * len(attempts)
  for k, (i, code, status) in enumerate(attempts):
    if status == 'empty':
      out[k] = feedback_text(None, 'empty')
      continue
    job = {
      'kind': 'compare',
      'id': k,
      'lang': tasks[i].language,
      'baseline': tasks[i].src,
      'candidate': code,
      'inputs': list(tasks[i].inputs[:feedback_inputs]),
      'max_rounds': 6,
      'budget_s': 60.0,
    }
    if meter is not None:
      job['meter'] = meter
    jobs.append(job)
  statuses = {k: status for k, (_, _, status) in enumerate(attempts)}
  for result in pool.map_unordered(jobs):
    out[result['id']] = feedback_text(result, statuses[result['id']])
  return out
