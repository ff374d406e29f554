"""Endpoints as models: the spec, the cached and retried client, and the evaluate CLI against bite_jax.serve."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bite_jax.config import base_config
from bite_jax.evaluate.cli import main
from bite_jax.evaluate.endpoint import (
  Endpoint,
  EndpointError,
  EndpointSampler,
  ResponseCache,
  parse_endpoint,
)
from bite_jax.evaluation import evaluation_systems
from tests.helpers.checkpoints import make_qwen2_checkpoint
from tests.helpers.serve import get, running_server


def test_an_endpoint_spec_names_api_url_and_model():
  assert parse_endpoint('openai:http://127.0.0.1:8000/v1#final') == Endpoint(
    'completions', 'http://127.0.0.1:8000/v1', 'final'
  )
  assert parse_endpoint('openai-chat:https://api.openai.com/v1/#gpt-4o') == Endpoint(
    'chat', 'https://api.openai.com/v1', 'gpt-4o'
  )
  assert parse_endpoint('runs/tiny/final') is None


@pytest.mark.parametrize('spec', ['openai:http://x/v1', 'openai:http://x/v1#', 'openai-chat:x/v1#m'])
def test_a_malformed_endpoint_spec_says_what_it_should_be(spec):
  with pytest.raises(ValueError, match='URL#MODEL'):
    parse_endpoint(spec)


def test_the_cache_skips_a_torn_last_line(tmp_path):
  path = tmp_path / 'cache.jsonl'
  cache = ResponseCache(path)
  cache.put('a', [{'text': 'x', 'finish_reason': 'eos'}])
  with path.open('a') as f:
    f.write('{"key": "b", "choi')
  again = ResponseCache(path)
  assert len(again) == 1 and again.get('a') == [{'text': 'x', 'finish_reason': 'eos'}] and again.get('b') is None
  again.put('c', [])
  assert len(ResponseCache(path)) == 2  # the next answer does not land on the torn line


class _Scripted(BaseHTTPRequestHandler):
  """Answers POST /v1/completions with the next (status, body) of the server's script."""

  protocol_version = 'HTTP/1.1'  # keep-alive, as the client expects

  def do_POST(self):
    self.rfile.read(int(self.headers['Content-Length']))
    self.server.calls += 1
    status, body = self.server.script.pop(0)
    data = json.dumps(body).encode()
    self.send_response(status)
    self.send_header('Content-Type', 'application/json')
    self.send_header('Content-Length', str(len(data)))
    self.end_headers()
    self.wfile.write(data)

  def log_message(self, *args):
    pass


@pytest.fixture
def scripted():
  server = ThreadingHTTPServer(('127.0.0.1', 0), _Scripted)
  server.calls, server.script = 0, []
  thread = threading.Thread(target=server.serve_forever, daemon=True)
  thread.start()
  yield server
  server.shutdown()
  thread.join()


def _completion(text):
  return {
    'id': 'cmpl-1',
    'object': 'text_completion',
    'created': 0,
    'model': 'm',
    'choices': [{'index': 0, 'text': text, 'finish_reason': 'length', 'logprobs': None}],
  }


def _sampler(server, **options):
  endpoint = Endpoint('completions', f'http://127.0.0.1:{server.server_address[1]}/v1', 'm')
  return EndpointSampler(endpoint, backoff_s=0.001, **options)


def test_429_and_5xx_are_retried_until_an_answer_comes(scripted):
  busy = {'error': {'message': 'slow down', 'type': 'rate_limit', 'param': None, 'code': None}}
  scripted.script = [(429, busy), (503, busy), (200, _completion('print(1)'))]
  sampler = _sampler(scripted, max_retries=3)
  (row,) = sampler.generate(['p'], num_samples=1, max_new_tokens=4)
  assert [(s.text, s.finish_reason) for s in row] == [('print(1)', 'length')]
  assert scripted.calls == 3 and sampler.sent == 3


def test_a_4xx_is_not_retried_and_names_the_endpoint(scripted):
  scripted.script = [(400, {'error': {'message': 'bad prompt', 'type': 'x', 'param': None, 'code': None}})]
  with pytest.raises(EndpointError, match='HTTP 400'):
    _sampler(scripted).generate(['p'], num_samples=1, max_new_tokens=4)
  assert scripted.calls == 1


def test_retries_give_up_after_max_retries(scripted):
  scripted.script = [(500, {'error': {'message': 'down', 'type': 'x', 'param': None, 'code': None}})] * 3
  with pytest.raises(EndpointError, match='failed after 3 attempts'):
    _sampler(scripted, max_retries=2).generate(['p'], num_samples=1, max_new_tokens=4)


def test_a_cached_answer_is_not_asked_again(scripted, tmp_path):
  scripted.script = [(200, _completion('a')), (200, _completion('b'))]
  options = dict(num_samples=1, max_new_tokens=4, seed=3)
  first = _sampler(scripted, cache_path=tmp_path / 'c.jsonl').generate(['p', 'q'], prompt_keys=[7, 8], **options)
  again = _sampler(scripted, cache_path=tmp_path / 'c.jsonl')
  second = again.generate(['q', 'p'], prompt_keys=[8, 7], **options)  # a prompt's key, not its position, counts
  assert scripted.calls == 2 and again.sent == 0 and again.cache_hits == 2
  assert [r[0].text for r in second] == [r[0].text for r in first][::-1]


# ------------------------------------------------------------------ the evaluate CLI against bite_jax.serve


@pytest.fixture(scope='module')
def served(tmp_path_factory):
  """A server on a tiny checkpoint whose context holds the mini prompts (RAG/SBLLM examples included)."""
  directory = make_qwen2_checkpoint(
    tmp_path_factory.mktemp('endpoint') / 'tiny', vocab=300, with_tokenizer=True, init_std=0.3, max_positions=16384
  )
  with running_server(directory, max_batch=8, window_s=0.01) as url:
    yield url


def _evaluate(url, out, method, *extra):
  argv = [
    '--benchmark=mini',
    '--languages=py',
    '--problems=gcd_sum,run_length_encode',
    '--split=test',
    f'--model=openai:{url}/v1#tiny',
    f'--method={method}',
    '--max_new_tokens=8',
    f'--out={out}',
    '--workers=1',
    '--repeats=1',
    '--extra_inputs=0',
    '--quiet',
    *extra,
  ]
  return main(argv)


@pytest.mark.parametrize('method', ['direct', 'rag', 'refine', 'sbllm'])
def test_the_evaluate_cli_scores_mini_with_each_method_against_the_server(served, tmp_path, method):
  extra = ['--refine_rounds=1'] if method == 'refine' else ['--sbllm_rounds=1'] if method == 'sbllm' else []
  before = get(f'{served}/stats')['requests']
  assert _evaluate(served, tmp_path / method, method, *extra) == 0
  metrics = json.loads((tmp_path / method / 'metrics.json').read_text())
  assert metrics['tasks'] == 2 and metrics['run']['method'] == method
  cands = [json.loads(line) for line in (tmp_path / method / 'candidates.jsonl').read_text().splitlines()]
  assert {c['task_id'] for c in cands} == {'mini/gcd_sum/python', 'mini/run_length_encode/python'}
  rounds = 2 if method in ('refine', 'sbllm') else 1
  assert get(f'{served}/stats')['requests'] - before == 2 * rounds


def test_an_interrupted_evaluation_resumes_from_its_cache(served, tmp_path):
  out = tmp_path / 'run'
  assert _evaluate(served, out, 'direct', '--num_samples=2') == 0
  cache = out / 'endpoint_cache.jsonl'
  lines = cache.read_text().splitlines()
  assert len(lines) == 2
  cache.write_text(lines[0] + '\n' + lines[1][:20])  # the run was killed while writing the second answer
  before = get(f'{served}/stats')['requests']
  assert _evaluate(served, out, 'direct', '--num_samples=2') == 0
  assert get(f'{served}/stats')['requests'] - before == 1  # only the lost answer is asked for again
  before = get(f'{served}/stats')['requests']
  assert _evaluate(served, out, 'direct', '--num_samples=2') == 0
  assert get(f'{served}/stats')['requests'] == before


def test_a_bad_endpoint_spec_is_a_usage_error(tmp_path, capsys):
  with pytest.raises(SystemExit) as e:
    main(['--benchmark=mini', '--model=openai:http://x/v1', f'--out={tmp_path}'])
  assert e.value.code == 2 and 'URL#MODEL' in capsys.readouterr().err


def test_config_evaluate_model_replaces_the_pipelines_own_models(tmp_path):
  config = base_config()
  config.evaluate.methods = 'direct,sbllm'
  config.evaluate.model = 'openai-chat:https://api.openai.com/v1#gpt-4o'
  assert evaluation_systems(config, tmp_path) == [
    ('model-direct', 'openai-chat:https://api.openai.com/v1#gpt-4o', 'direct'),
    ('model-sbllm', 'openai-chat:https://api.openai.com/v1#gpt-4o', 'sbllm'),
  ]
  config.evaluate.model = str(tmp_path / 'final')
  assert evaluation_systems(config, tmp_path)[0] == ('model-direct', tmp_path / 'final', 'direct')


def test_the_chat_api_sends_the_prompt_as_one_user_message(served):
  # The tiny tokenizer has no chat template: the server continues the message's content as a completion.
  options = dict(num_samples=2, max_new_tokens=6, temperature=0.0, top_k=5)
  chat = EndpointSampler(parse_endpoint(f'openai-chat:{served}/v1#tiny')).generate(['def f(x):\n'], **options)
  plain = EndpointSampler(parse_endpoint(f'openai:{served}/v1#tiny')).generate(['def f(x):\n'], **options)
  assert [s.text for s in chat[0]] == [s.text for s in plain[0]] and len(chat[0]) == 2
  assert {s.finish_reason for s in chat[0]} <= {'eos', 'length'}
