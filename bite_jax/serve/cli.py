r"""Command line of the server: `python -m bite_jax.serve --model_dir=DIR`.

  python -m bite_jax.serve --model_dir=OUT/final [--host=127.0.0.1] [--port=8000] [--max_batch=32] \
      [--batch_window_ms=5] [--model_name=NAME] [--default_max_tokens=256] [--dtype=bfloat16]

Serves the model (a trained OUT/final or a Hugging Face directory) with OpenAI-compatible routes
(bite_jax/serve/app.py): /v1/completions, /v1/chat/completions, /v1/models, /health, /stats. Requests
are batched (bite_jax/serve/batcher.py). --port=0 picks a free port. Once listening, one line
`[serve] NAME on http://HOST:PORT` goes to stderr. SIGINT/SIGTERM stop taking connections, let running
requests finish for --shutdown_timeout seconds, fail what is still queued with a 503, and exit 0. Bad
usage: one line on stderr, exit status 2.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
from pathlib import Path

import uvicorn
from absl import flags

from bite_jax import usage
from bite_jax.sample.sampler import load_sampler
from bite_jax.serve.app import ServedModel, create_app
from bite_jax.serve.batcher import Batcher

PROG = 'python -m bite_jax.serve'

# This command's own flag set: tests and tools import it next to bite_jax.sample.cli, whose flags share names.
FLAGS = flags.FlagValues()
flags.DEFINE_string('model_dir', None, '(required) trained OUT/final or Hugging Face directory', flag_values=FLAGS)
flags.DEFINE_string('model_name', None, 'name clients send as "model" (default: the directory name)', flag_values=FLAGS)
flags.DEFINE_string('host', '127.0.0.1', 'address to listen on', flag_values=FLAGS)
flags.DEFINE_integer(
  'port', 8000, 'port to listen on (0 = a free one)', lower_bound=0, upper_bound=65535, flag_values=FLAGS
)
flags.DEFINE_integer(
  'max_batch',
  32,
  'most rows (prompts x n) collected into one batch and decoded together',
  lower_bound=1,
  flag_values=FLAGS,
)
flags.DEFINE_float(
  'batch_window_ms',
  5.0,
  'how long the loop keeps collecting requests after the first',
  lower_bound=0,
  flag_values=FLAGS,
)
flags.DEFINE_integer(
  'default_max_tokens', 256, 'tokens generated when a request gives no max_tokens', lower_bound=1, flag_values=FLAGS
)
flags.DEFINE_enum(
  'dtype', None, ['float32', 'bfloat16'], "compute/parameter dtype (default: the directory's)", flag_values=FLAGS
)
flags.DEFINE_float(
  'shutdown_timeout',
  30.0,
  'seconds running requests get to finish after SIGINT/SIGTERM',
  lower_bound=0,
  flag_values=FLAGS,
)
flags.DEFINE_enum('log_level', 'info', ['debug', 'info', 'warning', 'error'], 'log verbosity', flag_values=FLAGS)


def parse_flags(argv: list[str]) -> flags.FlagValues:
  """FLAGS parsed from argv (no program name); bad usage prints one line and exits 2."""
  FLAGS.unparse_flags()
  try:
    rest = FLAGS([PROG, *argv])[1:]
  except flags.Error as e:
    usage.fail(PROG, str(e))
  if rest:
    usage.fail(PROG, f'unexpected arguments: {rest}')
  if FLAGS.model_dir is None:
    usage.fail(PROG, '--model_dir is required')
  return FLAGS


def listening_socket(host: str, port: int) -> socket.socket:
  """A bound, listening TCP socket (port 0: a free one); connections wait in its backlog until served."""
  family = socket.AF_INET6 if ':' in host else socket.AF_INET
  sock = socket.socket(family, socket.SOCK_STREAM)
  sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
  sock.bind((host, port))
  sock.listen(2048)
  sock.set_inheritable(True)
  return sock


def build(model_dir, *, model_name=None, max_batch=32, window_s=0.005, default_max_tokens=256, dtype=None):
  """(app, ServedModel) for a model directory: the sampler loaded, the batcher made (started with the app)."""
  sampler = load_sampler(model_dir, max_batch=max_batch, dtype=dtype)
  served = ServedModel(
    name=model_name or Path(model_dir).resolve().name,
    tokenizer=sampler.tokenizer,
    context=int(sampler.config.max_position_embeddings),
    vocab_size=int(sampler.config.vocab_size),
    default_max_tokens=default_max_tokens,
  )
  return create_app(served, Batcher(sampler, max_batch=max_batch, window_s=window_s)), served


def main(argv: list[str] | None = None) -> int:
  args = parse_flags(sys.argv[1:] if argv is None else list(argv))
  level = getattr(logging, args.log_level.upper())
  logging.basicConfig(level=logging.WARNING, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
  logging.getLogger('bite_jax.serve').setLevel(level)
  try:
    app, served = build(
      args.model_dir,
      model_name=args.model_name,
      max_batch=args.max_batch,
      window_s=args.batch_window_ms / 1000,
      default_max_tokens=args.default_max_tokens,
      dtype=args.dtype,
    )
  except (FileNotFoundError, ValueError) as e:
    usage.fail(PROG, str(e))
  try:
    sock = listening_socket(args.host, args.port)
  except OSError as e:
    usage.fail(PROG, f'cannot listen on {args.host}:{args.port}: {e}')
  host, port = sock.getsockname()[:2]
  config = uvicorn.Config(app, log_level=args.log_level, timeout_graceful_shutdown=args.shutdown_timeout)
  print(
    f'[serve] {served.name} on http://{host}:{port} (chat prompt: {served.chat_prompt})', file=sys.stderr, flush=True
  )
  # uvicorn handles SIGINT/SIGTERM (graceful shutdown), then re-raises the signal under the handlers it found:
  # these ignore it, so a clean shutdown exits 0.
  for sig in (signal.SIGINT, signal.SIGTERM):
    signal.signal(sig, lambda *_: None)
  uvicorn.Server(config).run(sockets=[sock])
  print('[serve] shut down', file=sys.stderr, flush=True)
  return 0
