"""The OpenAI wire format: request bodies checked into `GenerationRequest`, responses and SSE chunks built.

Requests are checked here field by field; a bad one raises `ApiError`, which the app turns into OpenAI's
error JSON `{"error": {"message", "type", "param", "code"}}` with a 4xx status. Supported fields:

  /v1/completions       model, prompt (str, [str], [int] or [[int]]), max_tokens, temperature, top_p,
                        top_k (extension, as vLLM), n, stop, seed, stream, stream_options.include_usage
  /v1/chat/completions  the same with messages instead of prompt (max_completion_tokens also read)

Fields that would change the output and that the sampler does not implement (logprobs, echo, suffix,
best_of > n, presence/frequency penalties, logit_bias, tools) are a 400 error rather than ignored.
"""

from __future__ import annotations

import dataclasses
import time
import uuid

MAX_N = 128  # most choices one request may ask for
MAX_STOP = 4  # OpenAI's limit on stop strings
CHAT_ROLES = ('system', 'developer', 'user', 'assistant', 'tool')


class ApiError(Exception):
  """A request the server refuses: HTTP status, message, OpenAI error type, the offending field and a code."""

  def __init__(self, status: int, message: str, *, type: str = 'invalid_request_error', param=None, code=None):
    super().__init__(message)
    self.status, self.message, self.type, self.param, self.code = status, message, type, param, code

  def body(self) -> dict:
    return {'error': {'message': self.message, 'type': self.type, 'param': self.param, 'code': self.code}}


@dataclasses.dataclass(frozen=True)
class Settings:
  """Sampling settings shared by every row of one sampler call (requests with equal settings are batched)."""

  max_tokens: int
  temperature: float
  top_p: float
  top_k: int
  stop: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class GenerationRequest:
  """A checked request: token prompts, `n` choices each, the settings, an optional seed and the wire flags."""

  kind: str  # 'completion' or 'chat'
  model: str
  prompts: tuple[tuple[int, ...], ...]
  n: int
  settings: Settings
  seed: int | None
  stream: bool
  include_usage: bool

  @property
  def rows(self) -> int:
    return len(self.prompts) * self.n


def _bad(message: str, param: str | None, code: str | None = None) -> ApiError:
  return ApiError(400, message, param=param, code=code)


def _number(body: dict, name: str, default: float, lo: float, hi: float, *, open_lo: bool = False) -> float:
  value = body.get(name)
  if value is None:
    return default
  if isinstance(value, bool) or not isinstance(value, (int, float)):
    raise _bad(f'{name} must be a number, got {value!r}', name)
  if value > hi or value < lo or (open_lo and value == lo):
    bounds = f'({lo}, {hi}]' if open_lo else f'[{lo}, {hi}]'
    raise _bad(f'{name}={value} is outside {bounds}', name)
  return float(value)


def _integer(body: dict, name: str, default, lo: int, hi: int | None = None):
  value = body.get(name)
  if value is None:
    return default
  if isinstance(value, bool) or not isinstance(value, int):
    raise _bad(f'{name} must be an integer, got {value!r}', name)
  if value < lo or (hi is not None and value > hi):
    raise _bad(f'{name}={value} must be {">= " + str(lo) if hi is None else f"in [{lo}, {hi}]"}', name)
  return value


def _stop(body: dict) -> tuple[str, ...]:
  stop = body.get('stop')
  if stop is None:
    return ()
  stops = [stop] if isinstance(stop, str) else stop
  if not isinstance(stops, list) or not all(isinstance(s, str) and s for s in stops) or len(stops) > MAX_STOP:
    raise _bad(f'stop must be a non-empty string or a list of at most {MAX_STOP} of them, got {stop!r}', 'stop')
  return tuple(stops)


def _refuse_unsupported(body: dict) -> None:
  zero_or_absent = ('presence_penalty', 'frequency_penalty')
  for name in zero_or_absent:
    if body.get(name) not in (None, 0, 0.0):
      raise _bad(f'{name} is not supported by this server (only 0)', name)
  for name in ('logprobs', 'top_logprobs', 'echo', 'suffix', 'logit_bias', 'tools', 'functions'):
    if body.get(name) not in (None, False, {}, []):
      raise _bad(f'{name} is not supported by this server', name)
  if body.get('best_of') not in (None, 1) and body.get('best_of') != body.get('n', 1):
    raise _bad('best_of other than n is not supported by this server', 'best_of')


def completion_prompts(body: dict, tokenize, vocab_size: int) -> list[list[int]]:
  """Token prompts of a completions body: `prompt` as a string, strings, token ids or lists of token ids."""
  prompt = body.get('prompt')
  if prompt is None:
    raise _bad('prompt is required', 'prompt')
  if isinstance(prompt, str):
    items = [prompt]
  elif isinstance(prompt, list) and prompt and all(isinstance(t, int) and not isinstance(t, bool) for t in prompt):
    items = [prompt]
  elif isinstance(prompt, list) and prompt:
    items = prompt
  else:
    raise _bad('prompt must be a string, a list of strings, token ids or lists of token ids (non-empty)', 'prompt')
  out = []
  for i, item in enumerate(items):
    if isinstance(item, str):
      ids = tokenize(item)
    elif isinstance(item, list) and all(isinstance(t, int) and not isinstance(t, bool) for t in item):
      bad = [t for t in item if not 0 <= t < vocab_size]
      if bad:
        raise _bad(f'prompt[{i}]: token id {bad[0]} is outside the vocabulary [0, {vocab_size})', 'prompt')
      ids = list(item)
    else:
      raise _bad(f'prompt[{i}] must be a string or a list of token ids', 'prompt')
    if not ids:
      raise _bad(f'prompt[{i}] is empty (at least one token is needed)', 'prompt')
    out.append(ids)
  return out


def chat_messages(body: dict) -> list[dict]:
  """The checked `messages` of a chat body as [{"role", "content": str}] (text parts joined)."""
  messages = body.get('messages')
  if not isinstance(messages, list) or not messages:
    raise _bad('messages must be a non-empty list of {"role", "content"} objects', 'messages')
  out = []
  for i, m in enumerate(messages):
    if not isinstance(m, dict) or m.get('role') not in CHAT_ROLES:
      raise _bad(f'messages[{i}]: expected an object with a role in {", ".join(CHAT_ROLES)}', 'messages')
    content = m.get('content')
    if isinstance(content, list):
      if not all(isinstance(p, dict) and p.get('type') == 'text' and isinstance(p.get('text'), str) for p in content):
        raise _bad(
          f'messages[{i}].content: only text parts ({{"type": "text", "text": ...}}) are supported', 'messages'
        )
      content = ''.join(p['text'] for p in content)
    if not isinstance(content, str):
      raise _bad(f'messages[{i}].content must be a string or a list of text parts', 'messages')
    out.append({'role': m['role'], 'content': content})
  return out


def parse_request(
  kind: str, body, *, model_name: str, prompts_of, context: int, default_max_tokens: int
) -> GenerationRequest:
  """A checked GenerationRequest from a decoded JSON body; ApiError (400, or 404 for another model) otherwise.

  prompts_of(body) -> token prompts (completion_prompts or the chat template applied to chat_messages).
  context: the model's max_position_embeddings; a prompt plus max_tokens must fit in it. Without
  max_tokens, min(default_max_tokens, what is left of the context) tokens are generated.
  """
  if not isinstance(body, dict):
    raise _bad('the request body must be a JSON object', None)
  model = body.get('model')
  if not isinstance(model, str) or not model:
    raise _bad('model is required (a string)', 'model')
  if model != model_name:
    raise ApiError(
      404,
      f'The model {model!r} does not exist; this server serves {model_name!r}',
      param='model',
      code='model_not_found',
    )
  _refuse_unsupported(body)
  stream = body.get('stream', False)
  if not isinstance(stream, bool):
    raise _bad(f'stream must be a boolean, got {stream!r}', 'stream')
  options = body.get('stream_options') or {}
  if not isinstance(options, dict):
    raise _bad('stream_options must be an object', 'stream_options')
  n = _integer(body, 'n', 1, 1, MAX_N)
  temperature = _number(body, 'temperature', 1.0, 0.0, 2.0)
  top_p = _number(body, 'top_p', 1.0, 0.0, 1.0, open_lo=True)
  top_k = _integer(body, 'top_k', 0, -1)
  seed = _integer(body, 'seed', None, -(2**63))
  stop = _stop(body)
  max_name = (
    'max_completion_tokens' if kind == 'chat' and body.get('max_completion_tokens') is not None else 'max_tokens'
  )
  max_tokens = _integer(body, max_name, None, 1)
  prompts = prompts_of(body)
  longest = max(len(p) for p in prompts)
  if max_tokens is None:
    max_tokens = min(default_max_tokens, context - longest)
  if longest + max_tokens > context or max_tokens < 1:
    raise _bad(
      f"This model's maximum context length is {context} tokens, but {longest} prompt tokens and "
      f'{max(max_tokens, 1)} completion tokens were requested',
      'prompt' if kind == 'completion' else 'messages',
      'context_length_exceeded',
    )
  return GenerationRequest(
    kind=kind,
    model=model,
    prompts=tuple(tuple(p) for p in prompts),
    n=n,
    settings=Settings(max_tokens=max_tokens, temperature=temperature, top_p=top_p, top_k=max(top_k, 0), stop=stop),
    seed=seed,
    stream=stream,
    include_usage=bool(options.get('include_usage', False)),
  )


# ------------------------------------------------------------------------------------ responses


def finish_reason(sample_reason: str) -> str:
  """OpenAI's finish_reason of a sampler Sample: 'length' when max_tokens ran out, else 'stop'."""
  return 'length' if sample_reason == 'length' else 'stop'


def new_id(kind: str) -> str:
  return f'{"chatcmpl" if kind == "chat" else "cmpl"}-{uuid.uuid4().hex[:24]}'


def usage(request: GenerationRequest, completion_tokens: int) -> dict:
  prompt_tokens = sum(len(p) for p in request.prompts)
  return {
    'prompt_tokens': prompt_tokens,
    'completion_tokens': completion_tokens,
    'total_tokens': prompt_tokens + completion_tokens,
  }


def choice(kind: str, index: int, text: str, reason: str) -> dict:
  if kind == 'chat':
    return {'index': index, 'message': {'role': 'assistant', 'content': text}, 'finish_reason': reason}
  return {'index': index, 'text': text, 'logprobs': None, 'finish_reason': reason}


def response(request: GenerationRequest, response_id: str, choices: list[dict], completion_tokens: int) -> dict:
  """The whole (non-streamed) response body."""
  return {
    'id': response_id,
    'object': 'chat.completion' if request.kind == 'chat' else 'text_completion',
    'created': int(time.time()),
    'model': request.model,
    'choices': choices,
    'usage': usage(request, completion_tokens),
  }


def chunk(request: GenerationRequest, response_id: str, choices: list[dict], usage_counts: dict | None = None) -> dict:
  """One streamed chunk; `choices` hold deltas ({"index", "text" | "delta", "finish_reason"})."""
  out = {
    'id': response_id,
    'object': 'chat.completion.chunk' if request.kind == 'chat' else 'text_completion',
    'created': int(time.time()),
    'model': request.model,
    'choices': choices,
  }
  if usage_counts is not None:
    out['usage'] = usage_counts
  return out


def delta(kind: str, index: int, text: str | None, reason: str | None) -> dict:
  """A streamed choice: the text of a finished sample (reason None), or its closing delta (text None)."""
  if kind == 'chat':
    body = {} if text is None else {'role': 'assistant', 'content': text}
    return {'index': index, 'delta': body, 'finish_reason': reason}
  return {'index': index, 'text': text or '', 'logprobs': None, 'finish_reason': reason}
