r"""Load on `python -m bite_jax.serve`: requests/s and tokens/s at several numbers of concurrent clients.

  python benchmarks/serve_load.py                          # a tiny random checkpoint, 1, 8 and 32 clients
  python benchmarks/serve_load.py --concurrency=1,8,32 --requests_per_client=8 --max_tokens=32
  python benchmarks/serve_load.py --model_dir=OUT/final --max_batch=64

Starts the server in a subprocess on a free 127.0.0.1 port (without --model_dir, on a random Qwen2
checkpoint built by transformers with a byte-level tokenizer: --vocab, --hidden, --layers). Each client
is a thread with the official `openai` client that sends --requests_per_client completions one after
another (closed loop): a prompt of a few code tokens, --max_tokens, temperature 1, its own seed, so
samples stop at EOS or max_tokens. Each concurrency level runs once untimed (compiling its shapes) and
then timed. Reports, per level, requests/s and generated tokens/s over the timed wall time, the median
and p90 request latency, and the server's batches in that window (/stats: sampler calls, mean rows per
call, largest). One JSON line per level on stdout, a readable line on stderr.
"""

from __future__ import annotations

import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai
from absl import app, flags

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.checkpoints import make_qwen2_checkpoint  # noqa: E402

_MODEL_DIR = flags.DEFINE_string('model_dir', None, 'model to serve (default: a tiny random checkpoint)')
_CONCURRENCY = flags.DEFINE_list('concurrency', ['1', '8', '32'], 'numbers of concurrent clients')
_REQUESTS = flags.DEFINE_integer('requests_per_client', 8, 'requests each client sends, one after another')
_MAX_TOKENS = flags.DEFINE_integer('max_tokens', 32, 'max_tokens of every request')
_MAX_BATCH = flags.DEFINE_integer('max_batch', 32, "the server's --max_batch")
_WINDOW = flags.DEFINE_float('batch_window_ms', 5.0, "the server's --batch_window_ms")
_VOCAB = flags.DEFINE_integer('vocab', 512, 'tiny checkpoint: vocabulary size (>= 260)')
_HIDDEN = flags.DEFINE_integer('hidden', 64, 'tiny checkpoint: hidden size')
_LAYERS = flags.DEFINE_integer('layers', 2, 'tiny checkpoint: layers')

PROMPTS = ('def f(x):\n', 'for i in range(10):\n', 'int main() {', 'import sys\nn = int(', 'while True:\n')


def _start_server(model_dir: Path) -> tuple[subprocess.Popen, str]:
  proc = subprocess.Popen(
    [
      sys.executable,
      '-m',
      'bite_jax.serve',
      f'--model_dir={model_dir}',
      '--port=0',
      '--model_name=bench',
      f'--max_batch={_MAX_BATCH.value}',
      f'--batch_window_ms={_WINDOW.value}',
      '--log_level=warning',
    ],
    cwd=ROOT,
    stderr=subprocess.PIPE,
    text=True,
  )
  for line in proc.stderr:
    if line.startswith('[serve] ') and ' on http://' in line:
      return proc, line.split(' on ')[1].split()[0]
  raise RuntimeError(f'the server exited with status {proc.wait()} before listening')


def _stats(url: str) -> dict:
  with urllib.request.urlopen(f'{url}/stats', timeout=60) as response:
    return json.loads(response.read())


def _round(url: str, clients: int) -> dict:
  """One closed-loop round: `clients` threads, each sending requests_per_client requests."""

  def client_loop(c: int) -> list[tuple[float, int]]:
    client = openai.OpenAI(base_url=f'{url}/v1', api_key='none', max_retries=0, timeout=600)
    out = []
    for r in range(_REQUESTS.value):
      start = time.perf_counter()
      done = client.completions.create(
        model='bench',
        prompt=PROMPTS[(c + r) % len(PROMPTS)],
        max_tokens=_MAX_TOKENS.value,
        temperature=1.0,
        seed=c * 1000 + r,
      )
      out.append((time.perf_counter() - start, done.usage.completion_tokens))
    return out

  start = time.perf_counter()
  with ThreadPoolExecutor(clients) as pool:
    results = [x for per_client in pool.map(client_loop, range(clients)) for x in per_client]
  wall = time.perf_counter() - start
  latencies = sorted(seconds for seconds, _ in results)
  tokens = sum(t for _, t in results)
  return {
    'clients': clients,
    'requests': len(results),
    'wall_s': round(wall, 3),
    'requests_per_s': round(len(results) / wall, 2),
    'tokens_per_s': round(tokens / wall, 1),
    'generated_tokens': tokens,
    'latency_p50_s': round(statistics.median(latencies), 3),
    'latency_p90_s': round(latencies[int(0.9 * (len(latencies) - 1))], 3),
  }


def main(argv) -> None:
  del argv
  logging.getLogger().setLevel(logging.WARNING)  # not a line per HTTP request from the client library
  levels = [int(c) for c in _CONCURRENCY.value]
  with tempfile.TemporaryDirectory() as tmp:
    model_dir = Path(_MODEL_DIR.value) if _MODEL_DIR.value else None
    if model_dir is None:
      model_dir = make_qwen2_checkpoint(
        Path(tmp) / 'tiny',
        vocab=_VOCAB.value,
        hidden=_HIDDEN.value,
        intermediate=2 * _HIDDEN.value,
        layers=_LAYERS.value,
        with_tokenizer=True,
        init_std=0.3,
      )
    proc, url = _start_server(model_dir)
    try:
      for clients in levels:
        _round(url, clients)  # untimed: compiles this level's shapes
        before = _stats(url)
        row = _round(url, clients)
        after = _stats(url)
        calls = after['calls'] - before['calls']
        row.update(
          sampler_calls=calls,
          mean_batch_rows=round((after['rows'] - before['rows']) / max(calls, 1), 2),
          largest_batch_rows=after['largest_batch'],
          max_tokens=_MAX_TOKENS.value,
          max_batch=_MAX_BATCH.value,
          model=str(_MODEL_DIR.value or f'tiny random qwen2 (vocab {_VOCAB.value}, hidden {_HIDDEN.value})'),
        )
        print(
          f'[serve_load] {clients:3d} clients: {row["requests_per_s"]:7.2f} requests/s, '
          f'{row["tokens_per_s"]:8.1f} tokens/s, p50 {row["latency_p50_s"]:.3f} s, '
          f'{calls} sampler calls of {row["mean_batch_rows"]} rows on average',
          file=sys.stderr,
          flush=True,
        )
        print(json.dumps(row), flush=True)
    finally:
      proc.terminate()
      proc.wait(120)


if __name__ == '__main__':
  app.run(main)
