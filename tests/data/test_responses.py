"""extract_program: the program inside a generated editor response, and whether it is complete."""

import pytest

from bite_jax.data.responses import extract_program


def test_response_ended_by_eos_is_ok_and_ends_with_one_newline():
  text = 'n = int(input())\nprint(n * 2)'
  assert extract_program(text, 'eos') == (text + '\n', 'ok')


def test_text_after_the_next_header_is_dropped():
  text = 'print(1)\n### Python Code:\nprint(2)\n### Optimized Version:\n'
  assert extract_program(text, 'eos') == ('print(1)\n', 'ok')


def test_a_header_makes_a_length_limited_response_complete():
  text = 'int main() { return 0; }\n### Degraded Version:\nint main() { for (;;'
  assert extract_program(text, 'length') == ('int main() { return 0; }\n', 'ok')


def test_markdown_fence_is_stripped_and_prose_after_it_dropped():
  text = '```python\nprint(sum(range(10)))\n```\nThis version avoids a loop.'
  assert extract_program(text, 'eos') == ('print(sum(range(10)))\n', 'ok')


def test_closed_fence_completes_a_length_limited_response():
  text = 'Here it is:\n```cpp\nint x;\n```\nThe change removes'
  assert extract_program(text, 'length') == ('int x;\n', 'ok')


def test_program_cut_by_max_new_tokens_is_truncated():
  code, status = extract_program('for i in range(10):\n    print(i', 'length')
  assert status == 'truncated' and code == 'for i in range(10):\n    print(i\n'


def test_unclosed_fence_cut_by_max_new_tokens_is_truncated():
  assert extract_program('```go\npackage main\nfunc main() {', 'length') == (
    'package main\nfunc main() {\n',
    'truncated',
  )


@pytest.mark.parametrize('text', ['', '\n\n  \n', '```python\n```', '### Python Code:\nprint(1)'])
def test_nothing_before_the_end_is_empty(text):
  assert extract_program(text, 'eos') == ('', 'empty')


def test_empty_response_at_length_limit_is_empty_not_truncated():
  assert extract_program('  \n', 'length') == ('', 'empty')


def test_comment_lines_starting_with_hashes_are_kept():
  text = '### read input\nn = int(input())\n## done\nprint(n)\n'
  assert extract_program(text, 'stop') == (text, 'ok')


def test_indentation_of_first_line_and_inner_blank_lines_are_kept():
  text = '\n\n    x = 1\n\n    y = 2  \n\n'
  assert extract_program(text, 'eos') == ('    x = 1\n\n    y = 2\n', 'ok')


def test_unknown_finish_reason_is_rejected():
  with pytest.raises(ValueError, match='finish_reason'):
    extract_program('print(1)', 'timeout')


def test_non_text_is_rejected():
  with pytest.raises(ValueError, match='text'):
    extract_program(None, 'eos')
