"""The batching loop with a scripted sampler: grouping, the max_batch cap, failures and shutdown."""

import queue
import threading

import pytest

from bite_jax.sample import Sample
from bite_jax.serve.batcher import DONE, ERROR, SAMPLE, Batcher
from bite_jax.serve.protocol import GenerationRequest, Settings

SETTINGS = Settings(max_tokens=4, temperature=1.0, top_p=1.0, top_k=0, stop=())


class FakeSampler:
  """Answers every row with its prompt's first token; records each call; `gate` (when set) holds calls."""

  def __init__(self, gate: threading.Event | None = None, fail: Exception | None = None):
    self.calls, self.gate, self.fail, self.entered = [], gate, fail, threading.Event()

  def stream(self, prompts, *, num_samples, max_new_tokens, temperature, prompt_keys, **options):
    self.calls.append({'rows': len(prompts), 'temperature': temperature, 'keys': list(prompt_keys)})
    self.entered.set()
    if self.gate is not None:
      self.gate.wait()
    if self.fail is not None:
      raise self.fail
    yield [
      Sample(prompt_index=i, sample_index=0, token_ids=[p[0]], text=str(p[0]), finish_reason='length')
      for i, p in enumerate(prompts)
    ]


def _request(first_token=5, n=1, prompts=1, settings=SETTINGS, seed=None):
  return GenerationRequest(
    kind='completion',
    model='m',
    prompts=tuple((first_token + k, 9) for k in range(prompts)),
    n=n,
    settings=settings,
    seed=seed,
    stream=False,
    include_usage=False,
  )


class Inbox:
  """A request's events, as the batching thread hands them over."""

  def __init__(self):
    self.events = queue.SimpleQueue()

  def __call__(self, event, choice, payload):
    self.events.put((event, choice, payload))

  def until_done(self):
    out = []
    while True:
      event, choice, payload = self.events.get(timeout=60)
      out.append((event, choice, payload))
      if event in (DONE, ERROR):
        return out


def test_requests_queued_together_share_one_call_per_group_of_settings():
  gate = threading.Event()
  sampler = FakeSampler(gate)
  batcher = Batcher(sampler, max_batch=16, window_s=0.0)
  first = Inbox()
  batcher.submit(_request(1), first)
  batcher.start()
  sampler.entered.wait(60)  # the first call is running (held at the gate); the next requests queue behind it
  hot = Settings(max_tokens=4, temperature=0.5, top_p=1.0, top_k=0, stop=())
  inboxes = [Inbox() for _ in range(3)]
  batcher.submit(_request(2, n=2), inboxes[0])
  batcher.submit(_request(3, settings=hot), inboxes[1])
  batcher.submit(_request(4, prompts=2), inboxes[2])
  gate.set()
  for inbox in [first, *inboxes]:
    assert inbox.until_done()[-1][0] == DONE
  batcher.close(60)
  assert [(c['rows'], c['temperature']) for c in sampler.calls] == [(1, 1.0), (4, 1.0), (1, 0.5)]
  stats = batcher.stats()
  assert stats['batch_sizes'] == {'1': 2, '4': 1} and stats['requests'] == 4 and stats['calls'] == 3


def test_choices_come_back_by_index_with_prompt_major_order():
  batcher = Batcher(FakeSampler(), max_batch=16, window_s=0.0)
  batcher.start()
  inbox = Inbox()
  batcher.submit(_request(7, n=2, prompts=2), inbox)
  events = inbox.until_done()
  batcher.close(60)
  texts = {choice: payload.text for event, choice, payload in events if event == SAMPLE}
  assert texts == {0: '7', 1: '7', 2: '8', 3: '8'}


def test_a_seed_gives_the_same_keys_and_no_seed_random_ones():
  sampler = FakeSampler()
  batcher = Batcher(sampler, max_batch=16, window_s=0.0)
  batcher.start()
  for seed in (3, 3, None):
    inbox = Inbox()
    batcher.submit(_request(seed=seed, n=2), inbox)
    inbox.until_done()
  batcher.close(60)
  keys = [c['keys'] for c in sampler.calls]
  assert keys[0] == keys[1] and keys[0][0] != keys[0][1] and keys[2] != keys[0]


def test_max_batch_caps_the_rows_collected_for_one_call():
  gate = threading.Event()
  sampler = FakeSampler(gate)
  batcher = Batcher(sampler, max_batch=4, window_s=0.0)
  batcher.submit(_request(1), Inbox())
  batcher.start()
  sampler.entered.wait(60)
  inboxes = [Inbox() for _ in range(3)]
  for inbox in inboxes:
    batcher.submit(_request(2, n=2), inbox)
  gate.set()
  for inbox in inboxes:
    inbox.until_done()
  batcher.close(60)
  assert [c['rows'] for c in sampler.calls] == [1, 4, 2]


def test_a_failing_call_fails_its_requests_and_the_loop_keeps_serving():
  sampler = FakeSampler(fail=RuntimeError('device lost'))
  batcher = Batcher(sampler, max_batch=4, window_s=0.0)
  batcher.start()
  inbox = Inbox()
  batcher.submit(_request(), inbox)
  (event, _, error) = inbox.until_done()[-1]
  assert event == ERROR and error.status == 500 and 'device lost' in error.message
  sampler.fail = None
  again = Inbox()
  batcher.submit(_request(), again)
  assert again.until_done()[-1][0] == DONE
  batcher.close(60)
  assert batcher.stats()['failed_requests'] == 1


def test_close_fails_queued_requests_with_503_and_refuses_new_ones():
  gate = threading.Event()
  sampler = FakeSampler(gate)
  batcher = Batcher(sampler, max_batch=1, window_s=0.0)
  running, queued = Inbox(), Inbox()
  batcher.submit(_request(), running)
  batcher.start()
  sampler.entered.wait(60)
  batcher.submit(_request(), queued)
  closer = threading.Thread(target=batcher.close, args=(60,))
  closer.start()
  (event, _, error) = queued.until_done()[-1]
  assert event == ERROR and error.status == 503
  gate.set()  # the running call finishes and is delivered
  assert running.until_done()[-1][0] == DONE
  closer.join(60)
  with pytest.raises(Exception, match='shutting down') as e:
    batcher.submit(_request(), Inbox())
  assert e.value.status == 503
