"""Prompt baselines against any OpenAI-compatible endpoint: the model spec, a Sampler-like client, its cache.

A model is a local directory or an endpoint spec:

  openai:URL#MODEL       URL's /completions with the raw prompt (bite_jax.serve, vLLM, any base model)
  openai-chat:URL#MODEL  URL's /chat/completions, the prompt as one user message (GPT-4-class chat APIs)

e.g. `openai:http://127.0.0.1:8000/v1#final` or `openai-chat:https://api.openai.com/v1#gpt-4o`. The API
key is read from the environment variable the caller names (default OPENAI_API_KEY); without it no key
is sent (local servers need none).

`EndpointSampler.generate` answers like `Sampler.generate` (Samples with text and finish_reason, no token
ids): one request per prompt asking for `num_samples` choices, at most `concurrency` in flight, each
retried with exponential backoff (backoff_s x 2^attempt, at most 60 s, with jitter) on 429, 5xx,
timeouts and connection errors. With a cache path every answer is appended to a JSONL file keyed by the
SHA-256 of the request (API, URL, body), so a rerun of an interrupted evaluation pays only for what it lacks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import random
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai

from bite_jax.sample.sampler import Sample, load_sampler

log = logging.getLogger(__name__)

PREFIXES = {'openai:': 'completions', 'openai-chat:': 'chat'}
MAX_BACKOFF_S = 60.0
ENDPOINT_CACHE = 'endpoint_cache.jsonl'  # the cache's name in an evaluation's output directory


class EndpointError(RuntimeError):
  """An endpoint refused a request for good (a 4xx other than 429) or kept failing after every retry."""


@dataclasses.dataclass(frozen=True)
class Endpoint:
  """api: 'completions' or 'chat'; base_url: e.g. http://127.0.0.1:8000/v1; model: the name sent."""

  api: str
  base_url: str
  model: str

  @property
  def spec(self) -> str:
    prefix = 'openai-chat:' if self.api == 'chat' else 'openai:'
    return f'{prefix}{self.base_url}#{self.model}'


def parse_endpoint(spec) -> Endpoint | None:
  """The Endpoint of an `openai:URL#MODEL` / `openai-chat:URL#MODEL` spec; None for anything else (a
  directory). ValueError naming what is wrong with a spec that has the prefix but not the rest."""
  spec = str(spec)
  prefix = next((p for p in sorted(PREFIXES, key=len, reverse=True) if spec.startswith(p)), None)
  if prefix is None:
    return None
  url, sep, model = spec[len(prefix) :].rpartition('#')
  if not sep or not model or not url.startswith(('http://', 'https://')):
    raise ValueError(f'{spec!r}: an endpoint is {prefix}URL#MODEL, e.g. {prefix}http://127.0.0.1:8000/v1#NAME')
  return Endpoint(api=PREFIXES[prefix], base_url=url.rstrip('/'), model=model)


def request_key(endpoint: Endpoint, body: dict) -> str:
  """SHA-256 of the request: API, URL and the JSON body (model, prompt, settings, seed)."""
  text = json.dumps([endpoint.api, endpoint.base_url, body], sort_keys=True, ensure_ascii=False)
  return hashlib.sha256(text.encode('utf-8')).hexdigest()


class ResponseCache:
  """Answers by request key, kept in a JSONL file of {"key", "choices": [{"text", "finish_reason"}]} lines.

  Lines are appended (and flushed) one per answer; a torn line from a killed run is dropped on load.
  """

  def __init__(self, path):
    self.path = Path(path)
    self._lock = threading.Lock()
    self._answers: dict[str, list[dict]] = {}
    if not self.path.is_file():
      return
    torn = False
    for number, line in enumerate(self.path.read_text(encoding='utf-8').splitlines(), 1):
      try:
        row = json.loads(line)
        self._answers[row['key']] = row['choices']
      except (json.JSONDecodeError, KeyError, TypeError):
        log.warning('%s:%d: unreadable cache line skipped (torn write?)', self.path, number)
        torn = True
    if torn:  # rewrite without it, so the next answer does not land on the torn line
      tmp = self.path.with_name(self.path.name + '.tmp')
      tmp.write_text(
        ''.join(json.dumps({'key': k, 'choices': c}) + '\n' for k, c in self._answers.items()), encoding='utf-8'
      )
      os.replace(tmp, self.path)

  def __len__(self) -> int:
    return len(self._answers)

  def get(self, key: str) -> list[dict] | None:
    with self._lock:
      return self._answers.get(key)

  def put(self, key: str, choices: list[dict]) -> None:
    with self._lock:
      self._answers[key] = choices
      self.path.parent.mkdir(parents=True, exist_ok=True)
      with self.path.open('a', encoding='utf-8') as f:
        f.write(json.dumps({'key': key, 'choices': choices}) + '\n')


def prompt_seed(seed: int, key: int) -> int:
  """The `seed` sent for a prompt: a 31-bit hash of the run's seed and the prompt's key (task_key)."""
  return zlib.crc32(f'{seed}/{key}'.encode()) & 0x7FFFFFFF


class EndpointSampler:
  """A Sampler-like client of an OpenAI-compatible endpoint (see the module docstring).

  Args:
    endpoint: an Endpoint (parse_endpoint).
    api_key_env: the environment variable holding the API key; unset or empty: no key is sent.
    cache_path: JSONL response cache (None: no cache).
    concurrency: most requests in flight. max_retries: retries of a request after its first try.
    timeout: seconds per request. backoff_s: the first retry's wait (doubling each retry).
  """

  def __init__(
    self,
    endpoint: Endpoint,
    *,
    api_key_env: str = 'OPENAI_API_KEY',
    cache_path=None,
    concurrency: int = 8,
    max_retries: int = 5,
    timeout: float = 600.0,
    backoff_s: float = 1.0,
  ):
    if concurrency < 1 or max_retries < 0 or timeout <= 0 or backoff_s < 0:
      raise ValueError('EndpointSampler needs concurrency >= 1, max_retries >= 0, timeout > 0 and backoff_s >= 0')
    self.endpoint = endpoint
    self.concurrency, self.max_retries, self.backoff_s = int(concurrency), int(max_retries), float(backoff_s)
    api_key = os.environ.get(api_key_env, '') if api_key_env else ''
    if not api_key:
      log.info('endpoint: $%s is not set: requests to %s carry no API key', api_key_env, endpoint.base_url)
    # Retries are ours (counted and logged); the client's own are off.
    self.client = openai.OpenAI(base_url=endpoint.base_url, api_key=api_key or 'none', max_retries=0, timeout=timeout)
    self.cache = ResponseCache(cache_path) if cache_path is not None else None
    self.sent = 0  # HTTP requests made, retries included
    self.cache_hits = 0
    self._lock = threading.Lock()

  def generate(
    self,
    prompts,
    *,
    num_samples: int,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_p: float = 1.0,
    top_k: int = 0,
    greedy: bool = False,
    seed: int = 0,
    stop_strings=(),
    prompt_keys=None,
  ) -> list[list[Sample]]:
    """result[i][j]: sample j of text prompt i (token_ids empty; finish_reason 'eos' or 'length').

    prompt_keys: one integer per prompt (bite_jax.evaluate.generation.task_key); with the seed it fixes
    the `seed` sent for the prompt, so a rerun sends the same requests (and finds them in the cache).
    """
    keys = list(range(len(prompts))) if prompt_keys is None else list(prompt_keys)
    bodies = []
    for prompt, key in zip(prompts, keys):
      if not isinstance(prompt, str):
        raise ValueError('an endpoint takes text prompts only')
      body = {
        'model': self.endpoint.model,
        'max_tokens': int(max_new_tokens),
        'temperature': 0.0 if greedy else float(temperature),
        'top_p': float(top_p),
        'n': int(num_samples),
        'seed': prompt_seed(seed, key),
      }
      if stop_strings:
        body['stop'] = list(stop_strings)
      if top_k:
        body['top_k'] = int(top_k)  # an extension (vLLM, bite_jax.serve); OpenAI's API has no top_k
      if self.endpoint.api == 'chat':
        body['messages'] = [{'role': 'user', 'content': prompt}]
      else:
        body['prompt'] = prompt
      bodies.append(body)
    with ThreadPoolExecutor(self.concurrency) as pool:
      answers = list(pool.map(self._answer, bodies))
    return [
      [
        Sample(prompt_index=i, sample_index=j, token_ids=[], text=c['text'], finish_reason=c['finish_reason'])
        for j, c in enumerate(choices)
      ]
      for i, choices in enumerate(answers)
    ]

  def _answer(self, body: dict) -> list[dict]:
    key = request_key(self.endpoint, body)
    if self.cache is not None:
      cached = self.cache.get(key)
      if cached is not None:
        with self._lock:
          self.cache_hits += 1
        return cached
    choices = self._call(body)
    if self.cache is not None:
      self.cache.put(key, choices)
    return choices

  def _call(self, body: dict) -> list[dict]:
    """The choices of one request, retrying 429, 5xx, timeouts and connection errors with backoff."""
    where = f'{self.endpoint.base_url} ({self.endpoint.api}, model {self.endpoint.model})'
    extra = {'top_k': body['top_k']} if 'top_k' in body else None
    fields = {k: v for k, v in body.items() if k != 'top_k'}
    for attempt in range(self.max_retries + 1):
      with self._lock:
        self.sent += 1
      try:
        if self.endpoint.api == 'chat':
          response = self.client.chat.completions.create(**fields, extra_body=extra)
          pairs = [(c.index, c.message.content or '', c.finish_reason) for c in response.choices]
        else:
          response = self.client.completions.create(**fields, extra_body=extra)
          pairs = [(c.index, c.text or '', c.finish_reason) for c in response.choices]
        return [
          {'text': text, 'finish_reason': 'length' if reason == 'length' else 'eos'}
          for _, text, reason in sorted(pairs)
        ]
      except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError) as e:
        error = e
      except openai.APIStatusError as e:
        if e.status_code < 500:
          raise EndpointError(f'{where}: HTTP {e.status_code}: {e.message}') from None
        error = e
      if attempt < self.max_retries:
        wait = min(self.backoff_s * 2**attempt, MAX_BACKOFF_S) * random.uniform(0.5, 1.0)
        log.warning('endpoint: %s: %s; retry %d/%d in %.1f s', where, error, attempt + 1, self.max_retries, wait)
        time.sleep(wait)
    raise EndpointError(f'{where}: failed after {self.max_retries + 1} attempts: {error}')


def open_model(model, *, max_batch: int = 64, invariant: bool = False, cache_path=None, **endpoint_options):
  """A sampler for `model`: an endpoint spec (EndpointSampler with the options and cache), a directory
  (bite_jax.sample.load_sampler, with `max_batch` and `invariant`), or an object that already samples
  (returned as is)."""
  if not isinstance(model, (str, Path)):
    return model
  endpoint = parse_endpoint(model)
  if endpoint is not None:
    return EndpointSampler(endpoint, cache_path=cache_path, **endpoint_options)
  return load_sampler(model, max_batch=max_batch, invariant=invariant)
