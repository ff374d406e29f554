"""The editors' prompts are the paper's (Appendix B) and the loss mask covers the response only."""

import numpy as np
import pytest

from bite_jax.data import prompts
from tests.helpers.checkpoints import TokenizerWithoutEos


def test_optimizer_prompt_is_the_papers_text():
  text = prompts.build_prompt('python', 'print(sum(range(10)))', 'optimize')
  assert text == (
    'Below is a Python program. Optimize the program and provide a more efficient version.\n'
    '### Python Code:\n'
    'print(sum(range(10)))\n'
    '### Optimized Version:\n'
  )


def test_degrader_prompt_is_the_papers_text():
  text = prompts.build_prompt('cpp', 'int main() { return 0; }', 'degrade')
  assert text == (
    'Below is a C++ program. Degenerate the program and provide a less efficient versions.\n'
    '### C++ Code:\n'
    'int main() { return 0; }\n'
    '### Degraded Version:\n'
  )


def test_language_spellings_map_to_display_names():
  assert prompts.build_prompt('golang', 'x', 'optimize').startswith('Below is a Go program.')
  assert '### Java Code:' in prompts.build_prompt('Java', 'x', 'optimize')


def test_trailing_newlines_of_the_code_collapse_to_one():
  text = prompts.build_prompt('c', 'int x;\n\n\n', 'optimize')
  assert '\nint x;\n### Optimized Version:\n' in text


def test_unknown_direction_is_an_error_naming_the_field():
  with pytest.raises(ValueError, match='direction'):
    prompts.build_prompt('python', 'x', 'speedup')


def test_example_is_prompt_ids_then_response_ids_then_eos(tokenizer):
  example = prompts.build_example(tokenizer, 'python', 'a = 1\nprint(a)', 'print(1)', 'optimize')
  prompt_ids = tokenizer(prompts.build_prompt('python', 'a = 1\nprint(a)', 'optimize'), add_special_tokens=False)[
    'input_ids'
  ]
  response_ids = tokenizer('print(1)', add_special_tokens=False)['input_ids']
  assert example.tokens.tolist() == prompt_ids + response_ids + [tokenizer.eos_token_id]
  assert example.prompt_len == len(prompt_ids)


def test_response_mask_covers_response_and_eos_only(tokenizer):
  example = prompts.build_example(tokenizer, 'python', 'x = 2', 'print(2)', 'optimize')
  mask = example.response_mask
  n_response = len(tokenizer('print(2)', add_special_tokens=False)['input_ids']) + 1
  assert mask.sum() == n_response
  assert mask[: example.prompt_len].sum() == 0
  assert np.all(mask[example.prompt_len :] == 1)


def test_degrade_example_responds_with_the_slow_program(tokenizer):
  example = prompts.build_example(tokenizer, 'python', 'fast()', 'slow()', 'degrade')
  response = tokenizer.decode(example.tokens[example.prompt_len : -1].tolist())
  assert response == 'slow()'
  assert tokenizer.decode(example.tokens[: example.prompt_len].tolist()).endswith('### Degraded Version:\n')


def test_encode_prompt_matches_the_training_prompt(tokenizer):
  example = prompts.build_example(tokenizer, 'go', 'package main', 'package main // fast', 'optimize')
  ids = prompts.encode_prompt(tokenizer, 'go', 'package main', 'optimize')
  assert ids == example.tokens[: example.prompt_len].tolist()


def test_eos_falls_back_to_the_model_configs():
  assert prompts.eos_token_id(TokenizerWithoutEos(), fallback=7) == 7


def test_eos_from_the_tokenizer_comes_first(tokenizer):
  assert prompts.eos_token_id(tokenizer, fallback=7) == tokenizer.eos_token_id != 7


def test_no_eos_anywhere_is_an_error_naming_both_files():
  with pytest.raises(ValueError, match="'tok-without-eos'.*tokenizer_config.json.*config.json"):
    prompts.eos_token_id(TokenizerWithoutEos())


def test_example_of_a_tokenizer_without_eos_ends_with_the_given_one(tokenizer):
  example = prompts.build_example(TokenizerWithoutEos(tokenizer), 'python', 'x = 2', 'print(2)', 'optimize', eos_id=9)
  assert example.tokens[-1] == 9
