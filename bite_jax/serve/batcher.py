"""The batching loop: requests queued by the HTTP handlers, collected and decoded together by the Sampler.

One background thread owns the Sampler. It waits for a request, then keeps collecting for `window_s`
seconds or until `max_batch` rows are queued (a row is one choice of one prompt: a request holds
len(prompts) x n rows), and runs one `Sampler.stream` call per group of requests with equal sampling
settings (max_tokens, temperature, top_p, top_k, stop). Finished samples are handed back as the
sampler yields them, so a short answer does not wait for the longest one of its batch.

Choice c of a request with `seed` s is sampled with the prompt key crc32("s/c") (and sampler seed 0),
so it is the same whichever requests share its batch; without a seed the key is random.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import random
import threading
import time
import zlib
from collections.abc import Callable

from bite_jax.serve.protocol import ApiError, GenerationRequest, Settings

log = logging.getLogger(__name__)

# Events handed to a job's `deliver` callback (from the batching thread).
SAMPLE, DONE, ERROR = 'sample', 'done', 'error'


def choice_key(seed: int, choice: int) -> int:
  """The sampler prompt key of choice `choice` of a request with `seed`: a stable 31-bit hash."""
  return zlib.crc32(f'{seed}/{choice}'.encode()) & 0x7FFFFFFF


@dataclasses.dataclass
class Job:
  """One queued request. deliver(event, choice, payload) is called from the batching thread."""

  request: GenerationRequest
  deliver: Callable
  keys: list[int]
  remaining: int = 0


@dataclasses.dataclass
class BatchStats:
  """What the loop has done: sampler calls, requests and rows, and how many rows each call decoded."""

  calls: int = 0
  requests: int = 0
  rows: int = 0
  generated_tokens: int = 0
  failed_requests: int = 0
  largest_batch: int = 0
  batch_sizes: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # rows per call -> calls

  def as_dict(self) -> dict:
    return {
      'calls': self.calls,
      'requests': self.requests,
      'rows': self.rows,
      'generated_tokens': self.generated_tokens,
      'failed_requests': self.failed_requests,
      'largest_batch': self.largest_batch,
      'mean_batch': round(self.rows / self.calls, 3) if self.calls else 0.0,
      'batch_sizes': {str(k): v for k, v in sorted(self.batch_sizes.items())},
    }


class Batcher:
  """Queues requests and decodes them in batches on a background thread (see the module docstring).

  sampler: a bite_jax.sample.Sampler (or anything with its `stream`). max_batch: most rows collected for
  one round (the sampler's own max_batch bounds the rows decoded at once). window_s: how long the loop
  keeps collecting after the first waiting request.
  """

  def __init__(self, sampler, *, max_batch: int, window_s: float):
    if max_batch < 1 or window_s < 0:
      raise ValueError(f'Batcher needs max_batch >= 1 and window_s >= 0, got {max_batch}, {window_s}')
    self.sampler, self.max_batch, self.window_s = sampler, int(max_batch), float(window_s)
    self._queue: collections.deque[Job] = collections.deque()
    self._cond = threading.Condition()
    self._closing = False
    self._running = 0
    self._random = random.Random()
    self._stats = BatchStats()
    self._thread = threading.Thread(target=self._loop, name='bite-serve-batcher', daemon=True)

  def start(self) -> None:
    self._thread.start()

  def submit(self, request: GenerationRequest, deliver: Callable) -> Job:
    """Queues a request; ApiError 503 once the server is shutting down."""
    if request.seed is None:
      keys = [self._random.getrandbits(31) for _ in range(request.rows)]
    else:
      keys = [choice_key(request.seed, c) for c in range(request.rows)]
    job = Job(request=request, deliver=deliver, keys=keys, remaining=request.rows)
    with self._cond:
      if self._closing:
        raise ApiError(503, 'the server is shutting down', type='server_error', code='shutting_down')
      self._queue.append(job)
      self._cond.notify()
    return job

  def stats(self) -> dict:
    with self._cond:
      out = self._stats.as_dict()
      out.update(queued=len(self._queue), running=self._running, max_batch=self.max_batch, window_s=self.window_s)
    return out

  def close(self, timeout: float | None = None) -> None:
    """Stops taking requests, fails the queued ones (503) and waits for the running call to finish."""
    with self._cond:
      self._closing = True
      left = list(self._queue)
      self._queue.clear()
      self._cond.notify_all()
    for job in left:
      self._fail(job, ApiError(503, 'the server shut down before this request ran', type='server_error'))
    if self._thread.is_alive():
      self._thread.join(timeout)
    log.info('serve: batcher stopped (%d queued requests failed)', len(left))

  # ------------------------------------------------------------------------------------ the loop

  def _collect(self) -> list[Job] | None:
    """The next round's jobs (None once closing): the first waiting one, then more for window_s seconds."""
    with self._cond:
      while not self._queue and not self._closing:
        self._cond.wait()
      if self._closing:
        return None
      jobs = [self._queue.popleft()]
      rows = jobs[0].request.rows
      deadline = time.monotonic() + self.window_s
      while rows < self.max_batch and not self._closing:
        if self._queue:
          if rows + self._queue[0].request.rows > self.max_batch:
            break
          jobs.append(self._queue.popleft())
          rows += jobs[-1].request.rows
          continue
        left = deadline - time.monotonic()
        if left <= 0:
          break
        self._cond.wait(left)
      self._running = len(jobs)
      return jobs

  def _loop(self) -> None:
    while True:
      jobs = self._collect()
      if jobs is None:
        return
      groups: dict[Settings, list[Job]] = {}
      for job in jobs:
        groups.setdefault(job.request.settings, []).append(job)
      for settings, group in groups.items():
        self._run(settings, group)
      with self._cond:
        self._running = 0

  def _run(self, settings: Settings, jobs: list[Job]) -> None:
    """One sampler call over every row of `jobs`; samples are delivered as they finish."""
    prompts, owners, keys = [], [], []
    for job in jobs:
      n = job.request.n
      for p, prompt in enumerate(job.request.prompts):
        for j in range(n):
          prompts.append(list(prompt))
          owners.append((job, p * n + j))
          keys.append(job.keys[p * n + j])
    started, tokens = time.perf_counter(), 0
    with self._cond:
      self._stats.calls += 1
      self._stats.requests += len(jobs)
      self._stats.rows += len(prompts)
      self._stats.batch_sizes[len(prompts)] += 1
      self._stats.largest_batch = max(self._stats.largest_batch, len(prompts))
    try:
      for batch in self.sampler.stream(
        prompts,
        num_samples=1,
        max_new_tokens=settings.max_tokens,
        temperature=settings.temperature,
        top_p=settings.top_p,
        top_k=settings.top_k,
        greedy=settings.temperature == 0,
        seed=0,
        stop_strings=settings.stop,
        prompt_keys=keys,
      ):
        for sample in batch:
          job, choice = owners[sample.prompt_index]
          tokens += len(sample.token_ids)
          self._send(job, SAMPLE, choice, sample)
          job.remaining -= 1
          if job.remaining == 0:
            self._send(job, DONE, None, None)
    except ValueError as e:  # the sampler refused the settings (e.g. stop strings without a tokenizer)
      self._fail_all(jobs, ApiError(400, str(e)))
    except Exception as e:  # the server keeps serving; only the requests of this call get a 500
      log.exception('serve: sampler call failed')
      self._fail_all(jobs, ApiError(500, f'generation failed: {e}', type='server_error'))
    with self._cond:
      self._stats.generated_tokens += tokens
    log.info(
      'serve: batch of %d requests, %d rows, %d tokens in %.2f s',
      len(jobs),
      len(prompts),
      tokens,
      time.perf_counter() - started,
    )

  def _fail_all(self, jobs: list[Job], error: ApiError) -> None:
    for job in jobs:
      if job.remaining > 0:
        self._fail(job, error)

  def _fail(self, job: Job, error: ApiError) -> None:
    job.remaining = 0
    with self._cond:
      self._stats.failed_requests += 1
    self._send(job, ERROR, None, error)

  @staticmethod
  def _send(job: Job, event: str, choice, payload) -> None:
    try:
      job.deliver(event, choice, payload)
    except RuntimeError:  # the client's event loop is gone (shutdown): nobody waits for this answer
      log.debug('serve: dropped a %s event of a closed request', event)
