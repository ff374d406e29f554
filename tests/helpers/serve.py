"""A bite_jax.serve server in a thread of the test process, and small HTTP helpers (stdlib only)."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.request

import uvicorn

from bite_jax.serve.cli import build, listening_socket

MODEL = 'tiny'


@contextlib.contextmanager
def running_server(model_dir, *, max_batch: int = 16, window_s: float = 0.02, name: str = MODEL):
  """Yields the base URL (http://127.0.0.1:PORT) of a server on model_dir; stops it on exit.

  The socket listens before the thread starts, so a request sent at once waits in its backlog.
  """
  app, _ = build(model_dir, model_name=name, max_batch=max_batch, window_s=window_s)
  sock = listening_socket('127.0.0.1', 0)
  server = uvicorn.Server(uvicorn.Config(app, log_level='warning'))
  thread = threading.Thread(target=server.run, kwargs={'sockets': [sock]}, daemon=True)
  thread.start()
  try:
    yield f'http://127.0.0.1:{sock.getsockname()[1]}'
  finally:
    server.should_exit = True
    thread.join(60)


def post(url: str, body, *, raw: bytes | None = None) -> tuple[int, dict]:
  """(status, decoded JSON body) of a POST; `raw` sends those bytes instead of json.dumps(body)."""
  data = raw if raw is not None else json.dumps(body).encode()
  request = urllib.request.Request(url, data=data, headers={'Content-Type': 'application/json'})
  try:
    with urllib.request.urlopen(request, timeout=300) as response:
      return response.status, json.loads(response.read())
  except urllib.error.HTTPError as e:
    return e.code, json.loads(e.read())


def get(url: str) -> dict:
  with urllib.request.urlopen(url, timeout=60) as response:
    return json.loads(response.read())
