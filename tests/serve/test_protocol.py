"""Request checking and the chat prompt, without a server."""

import pytest

from bite_jax.models import load_tokenizer
from bite_jax.serve.app import ServedModel
from bite_jax.serve.protocol import ApiError, parse_request


def _parse(body, kind='completion', context=64):
  return parse_request(
    kind,
    body,
    model_name='m',
    prompts_of=lambda b: [[1, 2, 3]],
    context=context,
    default_max_tokens=256,
  )


def test_max_tokens_defaults_to_what_the_context_leaves():
  assert _parse({'model': 'm', 'prompt': 'x'}).settings.max_tokens == 61
  assert _parse({'model': 'm', 'prompt': 'x'}, context=1000).settings.max_tokens == 256


def test_chat_reads_max_completion_tokens_and_stop_as_a_string():
  request = _parse({'model': 'm', 'messages': [], 'max_completion_tokens': 5, 'stop': '\n'}, kind='chat')
  assert request.settings.max_tokens == 5 and request.settings.stop == ('\n',)


def test_top_k_minus_one_means_all_tokens_as_in_vllm():
  assert _parse({'model': 'm', 'prompt': 'x', 'top_k': -1}).settings.top_k == 0


@pytest.mark.parametrize('field', [{'presence_penalty': 0.5}, {'best_of': 3}, {'echo': True}, {'stream': 'yes'}])
def test_fields_that_would_change_the_output_are_refused(field):
  with pytest.raises(ApiError) as e:
    _parse({'model': 'm', 'prompt': 'x', **field})
  assert e.value.status == 400 and e.value.param == next(iter(field))


def test_a_chat_template_builds_the_chat_prompt(checkpoint):
  tokenizer = load_tokenizer(checkpoint)
  plain = ServedModel(name='m', tokenizer=tokenizer, context=128, vocab_size=300)
  messages = {'messages': [{'role': 'system', 'content': 'be fast'}, {'role': 'user', 'content': 'def f'}]}
  assert plain.chat_ids(messages) == [plain.tokenize('be fast\ndef f')]
  tokenizer.chat_template = '{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}<assistant>'
  templated = ServedModel(name='m', tokenizer=tokenizer, context=128, vocab_size=300)
  assert templated.chat_prompt == 'chat template'
  assert templated.chat_ids(messages) == [templated.tokenize('<system>be fast<user>def f<assistant>')]
