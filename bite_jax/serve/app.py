"""The FastAPI application: OpenAI-compatible routes over a Batcher.

  POST /v1/completions        text or token prompts, continued as `python -m bite_jax.sample` would
  POST /v1/chat/completions   messages -> the tokenizer's chat template (add_generation_prompt); a
                              tokenizer without a chat template gets the messages' contents joined by
                              newlines, roles dropped (a base or BITE model then continues the text
                              as a completion); /health says which (`chat_prompt`)
  GET  /v1/models             the one served model
  GET  /health, /stats        liveness and the batching loop's counters (batch sizes: rows per call)

Streamed responses (`stream: true`) are server-sent events in OpenAI's chunk format, one chunk with a
choice's whole text when its sample finishes (the sampler hands back finished samples, not tokens),
then one with its finish_reason, the usage chunk if asked for, and `data: [DONE]`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bite_jax.serve import protocol
from bite_jax.serve.batcher import DONE, ERROR, Batcher
from bite_jax.serve.protocol import ApiError


@dataclasses.dataclass(frozen=True)
class ServedModel:
  """What the routes need to know of the model: its name, tokenizer, context (tokens) and vocabulary size.

  default_max_tokens: tokens generated when a request gives no max_tokens (capped by the context left).
  """

  name: str
  tokenizer: object
  context: int
  vocab_size: int
  default_max_tokens: int = 256

  @property
  def chat_prompt(self) -> str:
    if self.tokenizer is None:
      return 'none (no tokenizer: chat is refused)'
    if getattr(self.tokenizer, 'chat_template', None):
      return 'chat template'
    return 'contents joined by newlines (the tokenizer has no chat template)'

  def tokenize(self, text: str) -> list[int]:
    if self.tokenizer is None:
      raise ApiError(400, 'this model has no tokenizer: send prompts as token ids', param='prompt')
    return list(self.tokenizer(text, add_special_tokens=False)['input_ids'])

  def chat_ids(self, body: dict) -> list[list[int]]:
    messages = protocol.chat_messages(body)
    if self.tokenizer is None:
      raise ApiError(400, 'this model has no tokenizer, so it cannot serve chat', param='messages')
    if getattr(self.tokenizer, 'chat_template', None):
      try:
        text = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
      except Exception as e:  # a template that rejects these messages (e.g. a role order it does not allow)
        raise ApiError(400, f'the chat template rejected the messages: {e}', param='messages') from e
    else:
      text = '\n'.join(m['content'] for m in messages)
    return [self.tokenize(text)]


def _error(e: ApiError) -> JSONResponse:
  return JSONResponse(e.body(), status_code=e.status)


def _sse(data) -> str:
  return f'data: {json.dumps(data)}\n\n'


def create_app(model: ServedModel, batcher: Batcher, *, shutdown_timeout: float = 30.0) -> FastAPI:
  """The application; the batcher is started with it and closed (queued requests failed) at shutdown."""

  @contextlib.asynccontextmanager
  async def lifespan(_app):
    batcher.start()
    yield
    await asyncio.get_running_loop().run_in_executor(None, batcher.close, shutdown_timeout)

  app = FastAPI(title='bite-jax serve', lifespan=lifespan)
  created = int(time.time())

  @app.exception_handler(StarletteHTTPException)
  async def http_error(_request, exc):
    return _error(ApiError(exc.status_code, str(exc.detail), code='not_found' if exc.status_code == 404 else None))

  @app.exception_handler(Exception)
  async def server_error(_request, exc):
    return _error(ApiError(500, f'internal error: {exc}', type='server_error'))

  @app.get('/health')
  async def health():
    return {'status': 'ok', 'model': model.name, 'chat_prompt': model.chat_prompt, 'batches': batcher.stats()}

  @app.get('/stats')
  async def stats():
    return batcher.stats()

  @app.get('/v1/models')
  async def models():
    entry = {'id': model.name, 'object': 'model', 'created': created, 'owned_by': 'bite-jax'}
    return {'object': 'list', 'data': [dict(entry, max_model_len=model.context)]}

  @app.post('/v1/completions')
  async def completions(request: Request):
    return await _generate('completion', request)

  @app.post('/v1/chat/completions')
  async def chat_completions(request: Request):
    return await _generate('chat', request)

  def prompts_of(kind: str):
    if kind == 'chat':
      return model.chat_ids
    return lambda body: protocol.completion_prompts(body, model.tokenize, model.vocab_size)

  async def _generate(kind: str, request: Request):
    try:
      raw = await request.body()
      try:
        body = json.loads(raw)
      except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ApiError(400, f'the request body is not valid JSON ({e})', code='invalid_json') from None
      req = protocol.parse_request(
        kind,
        body,
        model_name=model.name,
        prompts_of=prompts_of(kind),
        context=model.context,
        default_max_tokens=model.default_max_tokens,
      )
      loop, events = asyncio.get_running_loop(), asyncio.Queue()

      def deliver(event, choice, payload):
        loop.call_soon_threadsafe(events.put_nowait, (event, choice, payload))

      batcher.submit(req, deliver)
    except ApiError as e:
      return _error(e)
    response_id = protocol.new_id(kind)
    if req.stream:
      return StreamingResponse(_stream(req, response_id, events), media_type='text/event-stream')
    choices, tokens = [None] * req.rows, 0
    while True:
      event, index, payload = await events.get()
      if event == ERROR:
        return _error(payload)
      if event == DONE:
        break
      tokens += len(payload.token_ids)
      choices[index] = protocol.choice(kind, index, payload.text or '', protocol.finish_reason(payload.finish_reason))
    return JSONResponse(protocol.response(req, response_id, choices, tokens))

  async def _stream(req, response_id: str, events: asyncio.Queue):
    tokens = 0
    while True:
      event, index, payload = await events.get()
      if event == ERROR:
        yield _sse(payload.body())
        return
      if event == DONE:
        break
      tokens += len(payload.token_ids)
      reason = protocol.finish_reason(payload.finish_reason)
      yield _sse(protocol.chunk(req, response_id, [protocol.delta(req.kind, index, payload.text or '', None)]))
      yield _sse(protocol.chunk(req, response_id, [protocol.delta(req.kind, index, None, reason)]))
    if req.include_usage:
      yield _sse(protocol.chunk(req, response_id, [], protocol.usage(req, tokens)))
    yield 'data: [DONE]\n\n'

  return app
