"""bite_jax.serve: the openai client against a tiny checkpoint, greedy = the sample CLI, batching, errors."""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest
from absl import flags

from bite_jax.sample import cli as sample_cli
from tests.helpers.serve import MODEL, get, post, running_server

PROMPT = 'def f(x):\n'


def _client(url):
  return openai.OpenAI(base_url=f'{url}/v1', api_key='unused', max_retries=0)


def test_openai_client_completion_and_chat_calls_work(server):
  client = _client(server)
  done = client.completions.create(model=MODEL, prompt=PROMPT, max_tokens=8, temperature=0)
  (choice,) = done.choices
  assert isinstance(choice.text, str) and choice.finish_reason in ('stop', 'length')
  assert done.usage.prompt_tokens > 0 and 1 <= done.usage.completion_tokens <= 8
  assert done.usage.total_tokens == done.usage.prompt_tokens + done.usage.completion_tokens
  chat = client.chat.completions.create(
    model=MODEL, messages=[{'role': 'user', 'content': PROMPT}], max_tokens=8, temperature=0
  )
  # No chat template in this tokenizer: the prompt is the message's content, so chat continues it as a completion.
  assert chat.choices[0].message.role == 'assistant'
  assert chat.choices[0].message.content == choice.text
  assert [m.id for m in client.models.list().data] == [MODEL]
  assert 'no chat template' in get(f'{server}/health')['chat_prompt']


def _sample_cli_greedy(tmp_path, checkpoint, prompt, max_new):
  prompts = tmp_path / 'p.jsonl'
  prompts.write_text(json.dumps({'prompt': prompt}) + '\n')
  out = tmp_path / 'o.jsonl'
  argv = [f'--hf_dir={checkpoint}', f'--prompts={prompts}', f'--out={out}', f'--max_new_tokens={max_new}', '--greedy']
  flags.FLAGS.unparse_flags()
  flags.FLAGS(['sample', *argv])
  try:
    sample_cli.main(['sample'])
  finally:
    flags.FLAGS.unparse_flags()
  (line,) = [json.loads(x) for x in out.read_text().splitlines()]
  return line


def test_greedy_completion_equals_the_sample_command_line(server, checkpoint, tmp_path):
  expected = _sample_cli_greedy(tmp_path, checkpoint, 'for i in', 12)
  status, body = post(
    f'{server}/v1/completions', {'model': MODEL, 'prompt': 'for i in', 'max_tokens': 12, 'temperature': 0, 'n': 2}
  )
  assert status == 200
  assert [c['text'] for c in body['choices']] == [expected['text']] * 2
  assert body['usage']['completion_tokens'] == 2 * len(expected['token_ids'])
  reason = 'length' if expected['finish_reason'] == 'length' else 'stop'
  assert [c['finish_reason'] for c in body['choices']] == [reason, reason]


def test_sixteen_concurrent_requests_succeed_in_one_batch(checkpoint):
  # A long window and max_batch = 16: the loop closes the batch when the 16th request arrives.
  with running_server(checkpoint, max_batch=16, window_s=60.0) as url:
    client = _client(url)

    def ask(i):
      return client.completions.create(model=MODEL, prompt=f'x = {i}\n', max_tokens=6, temperature=0.8, seed=i)

    with ThreadPoolExecutor(16) as pool:
      results = list(pool.map(ask, range(16)))
    stats = get(f'{url}/stats')
  assert all(len(r.choices) == 1 and r.usage.completion_tokens >= 1 for r in results)
  assert stats['requests'] == 16 and stats['failed_requests'] == 0
  assert stats['batch_sizes'] == {'16': 1} and stats['largest_batch'] == 16


def test_a_seed_fixes_the_choices_whatever_shares_the_batch(server):
  body = {'model': MODEL, 'prompt': PROMPT, 'max_tokens': 6, 'temperature': 1.0, 'n': 3, 'seed': 11}
  _, first = post(f'{server}/v1/completions', body)
  _, again = post(f'{server}/v1/completions', dict(body, prompt=[PROMPT, 'int main'], n=3))
  texts = [c['text'] for c in first['choices']]
  assert [c['index'] for c in first['choices']] == [0, 1, 2]
  assert [c['text'] for c in again['choices']][:3] == texts and len(again['choices']) == 6


def test_a_stop_string_cuts_the_text_before_it(server):
  _, full = post(f'{server}/v1/completions', {'model': MODEL, 'prompt': PROMPT, 'max_tokens': 16, 'temperature': 0})
  text = full['choices'][0]['text']
  stop = text[4:6]
  _, cut = post(
    f'{server}/v1/completions', {'model': MODEL, 'prompt': PROMPT, 'max_tokens': 16, 'temperature': 0, 'stop': [stop]}
  )
  assert cut['choices'][0]['text'] == text[: text.index(stop)]
  assert cut['choices'][0]['finish_reason'] == 'stop'


def test_streamed_chunks_carry_the_same_text_and_end_with_done(server):
  client = _client(server)
  plain = client.completions.create(model=MODEL, prompt=PROMPT, max_tokens=8, temperature=0).choices[0].text
  chunks = list(
    client.completions.create(
      model=MODEL, prompt=PROMPT, max_tokens=8, temperature=0, stream=True, stream_options={'include_usage': True}
    )
  )
  assert ''.join(c.choices[0].text for c in chunks if c.choices) == plain
  assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens >= 1
  chat = client.chat.completions.create(
    model=MODEL, messages=[{'role': 'user', 'content': PROMPT}], max_tokens=8, temperature=0, stream=True
  )
  assert ''.join(c.choices[0].delta.content or '' for c in chat if c.choices) == plain
  request = urllib.request.Request(
    f'{server}/v1/completions',
    data=json.dumps({'model': MODEL, 'prompt': PROMPT, 'max_tokens': 4, 'stream': True}).encode(),
    headers={'Content-Type': 'application/json'},
  )
  with urllib.request.urlopen(request, timeout=120) as response:
    lines = [line for line in response.read().decode().splitlines() if line]
  assert lines[-1] == 'data: [DONE]' and all(line.startswith('data: ') for line in lines)


@pytest.mark.parametrize(
  'body, raw, status, param, code',
  [
    (None, b'{"model": "tiny", "prompt": ', 400, None, 'invalid_json'),
    ({'model': 'gpt-4', 'prompt': 'x'}, None, 404, 'model', 'model_not_found'),
    ({'model': MODEL}, None, 400, 'prompt', None),
    ({'prompt': 'x'}, None, 400, 'model', None),
    ({'model': MODEL, 'prompt': 'x', 'max_tokens': 0}, None, 400, 'max_tokens', None),
    ({'model': MODEL, 'prompt': 'x', 'temperature': 'hot'}, None, 400, 'temperature', None),
    ({'model': MODEL, 'prompt': 'x', 'n': 0}, None, 400, 'n', None),
    ({'model': MODEL, 'prompt': 'x', 'stop': 5}, None, 400, 'stop', None),
    ({'model': MODEL, 'prompt': [1, 999]}, None, 400, 'prompt', None),
    ({'model': MODEL, 'prompt': 'x', 'logprobs': 2}, None, 400, 'logprobs', None),
    ({'model': MODEL, 'prompt': 'x ' * 200}, None, 400, 'prompt', 'context_length_exceeded'),
    ({'model': MODEL, 'prompt': 'x', 'max_tokens': 500}, None, 400, 'prompt', 'context_length_exceeded'),
    ([1, 2], None, 400, None, None),
  ],
  ids=[
    'bad-json',
    'unknown-model',
    'no-prompt',
    'no-model',
    'max_tokens-0',
    'temperature-str',
    'n-0',
    'stop-int',
    'token-outside-vocab',
    'logprobs',
    'prompt-too-long',
    'too-many-tokens',
    'not-an-object',
  ],
)
def test_a_bad_request_gets_a_4xx_in_openai_shape_and_the_server_keeps_serving(server, body, raw, status, param, code):
  got, answer = post(f'{server}/v1/completions', body, raw=raw)
  assert got == status
  error = answer['error']
  assert set(error) == {'message', 'type', 'param', 'code'} and error['message']
  assert (error['param'], error['code']) == (param, code)
  ok, good = post(f'{server}/v1/completions', {'model': MODEL, 'prompt': 'x', 'max_tokens': 2})
  assert ok == 200 and len(good['choices']) == 1


def test_bad_chat_messages_and_unknown_routes_are_4xx(server):
  got, answer = post(
    f'{server}/v1/chat/completions', {'model': MODEL, 'messages': [{'role': 'wizard', 'content': 'x'}]}
  )
  assert got == 400 and answer['error']['param'] == 'messages'
  got, answer = post(f'{server}/v1/chat/completions', {'model': MODEL, 'messages': []})
  assert got == 400 and answer['error']['param'] == 'messages'
  got, answer = post(f'{server}/v1/nothing', {})
  assert got == 404 and 'message' in answer['error']
  client = _client(server)
  with pytest.raises(openai.NotFoundError):
    client.completions.create(model='other', prompt='x', max_tokens=2)
  with pytest.raises(openai.BadRequestError, match='context length'):
    client.completions.create(model=MODEL, prompt='y ' * 300, max_tokens=2)
