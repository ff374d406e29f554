"""python -m bite_jax.serve: listening line, graceful shutdown on SIGTERM, bad usage."""

import json
import signal
import subprocess
import sys
import threading
import urllib.error

import pytest

from tests.helpers import paths
from tests.helpers.serve import get, post


def _serve(*args):
  return subprocess.Popen(
    [sys.executable, '-m', 'bite_jax.serve', *args],
    cwd=paths.REPO,
    stderr=subprocess.PIPE,
    stdout=subprocess.DEVNULL,
    text=True,
  )


def _wait_for_url(proc) -> str:
  """Reads stderr up to the `[serve] NAME on http://...` line (blocking reads, no polling)."""
  seen = []
  for line in proc.stderr:
    seen.append(line)
    if line.startswith('[serve] ') and ' on http://' in line:
      return line.split(' on ')[1].split()[0]
  raise AssertionError('server exited before listening:\n' + ''.join(seen[-30:]))


def test_sigterm_lets_the_running_request_finish_then_exits_0(checkpoint):
  proc = _serve(f'--model_dir={checkpoint}', '--port=0', '--model_name=tiny', '--log_level=info')
  try:
    url = _wait_for_url(proc)
    result = {}

    def ask():
      result['answer'] = post(f'{url}/v1/completions', {'model': 'tiny', 'prompt': 'def', 'max_tokens': 64})

    thread = threading.Thread(target=ask)
    thread.start()
    while True:  # until the request has reached the batching loop (each poll is a real round trip)
      stats = get(f'{url}/stats')
      if stats['requests'] or stats['queued']:
        break
    proc.send_signal(signal.SIGTERM)
    thread.join(300)
    rest = proc.stderr.read()
    assert proc.wait(120) == 0, rest[-3000:]
  finally:
    if proc.poll() is None:
      proc.kill()
  status, body = result['answer']
  assert status == 200 and len(body['choices']) == 1, body
  assert '[serve] shut down' in rest and 'batch of 1 requests' in rest
  with pytest.raises(urllib.error.URLError):
    get(f'{url}/health')


@pytest.mark.parametrize(
  'args, message',
  [
    ([], '--model_dir is required'),
    (['--model_dir=/nowhere/at/all'], '/nowhere/at/all: model directory does not exist'),
    (['--model_dir=x', '--port=-1'], 'flag --port=-1'),
    (['--model_dir=x', 'extra'], "unexpected arguments: ['extra']"),
  ],
  ids=['no-model_dir', 'missing-dir', 'bad-port', 'positional'],
)
def test_bad_usage_is_one_line_and_status_2(args, message):
  proc = subprocess.run(
    [sys.executable, '-m', 'bite_jax.serve', *args], cwd=paths.REPO, capture_output=True, text=True, timeout=300
  )
  assert proc.returncode == 2, proc.stderr[-2000:]
  assert 'Traceback' not in proc.stderr
  assert 'python -m bite_jax.serve: error: ' in proc.stderr and message in proc.stderr, proc.stderr


def test_health_reports_the_model_and_batch_counters(server):
  health = get(f'{server}/health')
  assert health['status'] == 'ok' and health['model'] == 'tiny'
  assert {'calls', 'requests', 'rows', 'batch_sizes', 'largest_batch', 'queued', 'running'} <= set(health['batches'])
  assert json.loads(json.dumps(health)) == health
