"""`python -m bite_jax.sample`: JSONL prompts in, one JSONL line per sample out, a JSON summary last."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from absl import flags
from flax import nnx

from bite_jax.models import from_pretrained, load_tokenizer
from bite_jax.models.trained import save_final
from bite_jax.sample import Sampler
from bite_jax.sample import cli as sample_cli
from tests.helpers import paths
from tests.helpers.checkpoints import make_qwen2_checkpoint

REPO = paths.REPO
SUMMARY_KEYS = {
  'generated_tokens',
  'decode_seconds',
  'compile_seconds',
  'load_seconds',
  'total_seconds',
  'tokens_per_second',
}


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
  return make_qwen2_checkpoint(tmp_path_factory.mktemp('cli'), vocab=300, with_tokenizer=True, init_std=0.3)


def _write_prompts(path, lines):
  path.write_text(''.join(line + '\n' for line in lines))
  return path


def _run_in_process(argv, capsys):
  """Runs the CLI's main with absl flags parsed from argv; returns (stdout lines, stderr)."""
  flags.FLAGS.unparse_flags()
  flags.FLAGS(['sample', *argv])
  try:
    sample_cli.main(['sample'])
  finally:
    flags.FLAGS.unparse_flags()
  out = capsys.readouterr()
  return out.out.strip().splitlines(), out.err


def _read_jsonl(path):
  return [json.loads(line) for line in Path(path).read_text().splitlines()]


def test_cli_writes_one_line_per_sample_and_a_summary_last(tmp_path, checkpoint):
  lines = ['{"prompt": "def f(x):\\n"}', '', '{"input_ids": [5, 6, 7]}']
  prompts = _write_prompts(tmp_path / 'p.jsonl', lines)
  out = tmp_path / 'out' / 's.jsonl'
  proc = subprocess.run(
    [
      sys.executable,
      '-m',
      'bite_jax.sample',
      f'--hf_dir={checkpoint}',
      f'--prompts={prompts}',
      f'--out={out}',
      '--num_samples=2',
      '--max_new_tokens=5',
      '--seed=7',
      '--top_k=50',
    ],
    cwd=REPO,
    capture_output=True,
    text=True,
    timeout=300,
  )
  assert proc.returncode == 0, proc.stderr[-2000:]
  lines = _read_jsonl(out)
  assert sorted((r['prompt_index'], r['sample_index']) for r in lines) == [(0, 0), (0, 1), (1, 0), (1, 1)]
  for r in lines:
    assert set(r) == {'prompt_index', 'sample_index', 'token_ids', 'text', 'finish_reason'}
    assert 1 <= len(r['token_ids']) <= 5 and isinstance(r['text'], str)
  summary = json.loads(proc.stdout.strip().splitlines()[-1])
  assert set(summary) == SUMMARY_KEYS
  assert summary['generated_tokens'] == sum(len(r['token_ids']) for r in lines)
  assert '[sample] 4/4 samples' in proc.stderr
  # The same samples as the Python API with the same settings.
  sampler = Sampler(from_pretrained(checkpoint), load_tokenizer(checkpoint))
  api = sampler.generate(['def f(x):\n', [5, 6, 7]], num_samples=2, max_new_tokens=5, seed=7, top_k=50)
  by_index = {(r['prompt_index'], r['sample_index']): r['token_ids'] for r in lines}
  assert by_index == {(s.prompt_index, s.sample_index): s.token_ids for samples in api for s in samples}


def test_malformed_prompt_line_names_file_and_line(tmp_path):
  prompts = _write_prompts(tmp_path / 'p.jsonl', ['{"prompt": "x"}', '{"input_ids": [1, "a"]}'])
  with pytest.raises(sample_cli.PromptFileError, match=r'p\.jsonl:2: "input_ids"'):
    sample_cli.read_prompts(prompts)
  _write_prompts(prompts, ['{"prompt": "x"', ''])
  with pytest.raises(sample_cli.PromptFileError, match=r'p\.jsonl:1: not valid JSON'):
    sample_cli.read_prompts(prompts)
  _write_prompts(prompts, ['{"text": "x"}'])
  with pytest.raises(sample_cli.PromptFileError, match=r'p\.jsonl:1: expected an object'):
    sample_cli.read_prompts(prompts)


def test_token_prompts_run_without_a_tokenizer(tmp_path, capsys):
  directory = make_qwen2_checkpoint(tmp_path / 'ck', vocab=64)
  prompts = _write_prompts(tmp_path / 'p.jsonl', ['{"input_ids": [5, 6, 7]}'])
  stdout, _ = _run_in_process(
    [
      f'--hf_dir={directory}',
      f'--prompts={prompts}',
      f'--out={tmp_path / "o.jsonl"}',
      '--max_new_tokens=3',
      '--greedy',
    ],
    capsys,
  )
  (line,) = _read_jsonl(tmp_path / 'o.jsonl')
  assert line['text'] is None and len(line['token_ids']) == 3
  assert json.loads(stdout[-1])['generated_tokens'] == 3


def test_invariant_flag_samples_every_prompt_as_if_alone(tmp_path, capsys):
  directory = make_qwen2_checkpoint(tmp_path / 'ck', vocab=64)
  lines = ['{"input_ids": [5, 6, 7]}', '{"input_ids": [9, 8, 7, 6, 5, 4, 3, 2, 1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 4]}']
  outputs = []
  for name, prompts in (('both', lines), ('first', lines[:1])):
    path = _write_prompts(tmp_path / f'{name}.jsonl', prompts)
    flags = [f'--hf_dir={directory}', f'--prompts={path}', f'--out={tmp_path / name}.out', '--max_new_tokens=4']
    _run_in_process([*flags, '--num_samples=2', '--invariant', '--max_batch=4'], capsys)
    outputs.append(
      [(r['prompt_index'], r['sample_index'], r['token_ids']) for r in _read_jsonl(tmp_path / f'{name}.out')]
    )
  both, first = outputs
  assert len(both) == 4 and sorted(r for r in both if r[0] == 0) == sorted(first)


def test_trained_checkpoint_directory_samples_like_its_hf_source(tmp_path, checkpoint, capsys):
  model = from_pretrained(checkpoint)
  final = save_final(
    tmp_path / 'final', nnx.state(model, nnx.Param), model_config=model.config, source=checkpoint, info={}
  )
  prompts = _write_prompts(tmp_path / 'p.jsonl', ['{"prompt": "for i in"}', '{"input_ids": [9, 8]}'])
  outputs = {}
  for source in (f'--checkpoint={final}', f'--hf_dir={checkpoint}'):
    out = tmp_path / f'{source.split("=")[0][2:]}.jsonl'
    stdout, _ = _run_in_process(
      [source, f'--prompts={prompts}', f'--out={out}', '--max_new_tokens=6', '--greedy'], capsys
    )
    assert set(json.loads(stdout[-1])) == SUMMARY_KEYS
    outputs[source[:6]] = sorted((r['prompt_index'], r['token_ids'], r['text']) for r in _read_jsonl(out))
  assert outputs['--chec'] == outputs['--hf_d']


# ------------------------------------------------------------------ bad usage or input: exit 2, one line naming it


def _cli(*args, cwd=REPO):
  return subprocess.run(
    [sys.executable, '-m', 'bite_jax.sample', *args], cwd=cwd, capture_output=True, text=True, timeout=300
  )


def _error_line(proc) -> str:
  assert proc.returncode == 2, proc.stderr[-2000:]
  assert 'Traceback' not in proc.stderr
  errors = [line for line in proc.stderr.splitlines() if 'error' in line.lower()]
  assert len(errors) == 1 and errors[0].startswith('python -m bite_jax.sample: error: '), proc.stderr
  return errors[0]


@pytest.mark.parametrize(
  'extra, message',
  [
    (['--bogus=1'], "Unknown command line flag 'bogus'"),
    (['--top_p=0'], '--top_p must be in (0, 1]'),
    (['--num_samples=0'], 'flag --num_samples=0: 0 is not a positive integer'),
    (['--temperature=-1'], 'flag --temperature=-1: -1.0 is not a non-negative number'),
    (['--checkpoint=/x'], 'give exactly one of --hf_dir or --checkpoint'),
    (['extra'], "unexpected arguments: ['extra']"),
  ],
  ids=['unknown-flag', 'top_p', 'num_samples', 'temperature', 'two-models', 'positional'],
)
def test_bad_usage_is_one_line_with_status_2(tmp_path, checkpoint, extra, message):
  prompts = _write_prompts(tmp_path / 'p.jsonl', ['{"prompt": "x"}'])
  args = [f'--hf_dir={checkpoint}', f'--prompts={prompts}', f'--out={tmp_path / "o.jsonl"}', '--max_new_tokens=2']
  assert message in _error_line(_cli(*args, *extra))
  assert not (tmp_path / 'o.jsonl').exists()


def test_a_missing_required_flag_is_named(tmp_path):
  assert '--prompts is required' in _error_line(_cli(f'--out={tmp_path / "o.jsonl"}', '--max_new_tokens=2'))


def test_a_bad_prompt_line_is_named_and_the_previous_output_is_kept(tmp_path, checkpoint):
  prompts = _write_prompts(tmp_path / 'p.jsonl', ['{"prompt": "x"}', '{"prompt": '])
  out = tmp_path / 'o.jsonl'
  out.write_text('{"prompt_index": 0}\n')
  error = _error_line(_cli(f'--hf_dir={checkpoint}', f'--prompts={prompts}', f'--out={out}', '--max_new_tokens=2'))
  assert error == f'python -m bite_jax.sample: error: {prompts}:2: not valid JSON (Expecting value)'
  assert out.read_text() == '{"prompt_index": 0}\n'


@pytest.mark.parametrize(
  'line, why',
  [
    ('{"prompt": 3}', '"prompt" must be a non-empty string'),
    ('{"prompt": ""}', '"prompt" must be a non-empty string'),
    ('{"input_ids": [1, -2]}', '"input_ids" must be a non-empty list of non-negative integers'),
    ('{"input_ids": [true]}', '"input_ids" must be a non-empty list'),
    ('{"input_ids": []}', '"input_ids" must be a non-empty list'),
    ('{"prompt": "x", "input_ids": [1]}', 'expected an object with exactly one of "prompt" or "input_ids"'),
    ('["x"]', 'expected an object'),
  ],
)
def test_a_prompt_of_the_wrong_type_is_named_with_its_line(tmp_path, line, why):
  prompts = _write_prompts(tmp_path / 'p.jsonl', ['{"prompt": "ok"}', line])
  with pytest.raises(sample_cli.PromptFileError, match=re.escape(f'p.jsonl:2: {why}')):
    sample_cli.read_prompts(prompts)


def test_a_missing_or_empty_prompt_file_is_named(tmp_path):
  with pytest.raises(FileNotFoundError, match='nope.jsonl: prompt file does not exist'):
    sample_cli.read_prompts(tmp_path / 'nope.jsonl')
  with pytest.raises(sample_cli.PromptFileError, match='p.jsonl: no prompts'):
    sample_cli.read_prompts(_write_prompts(tmp_path / 'p.jsonl', ['', '  ']))


def test_a_missing_model_directory_is_named(tmp_path):
  prompts = _write_prompts(tmp_path / 'p.jsonl', ['{"input_ids": [1, 2]}'])
  error = _error_line(
    _cli(
      f'--hf_dir={tmp_path / "nowhere"}', f'--prompts={prompts}', f'--out={tmp_path / "o.jsonl"}', '--max_new_tokens=2'
    )
  )
  assert error == f'python -m bite_jax.sample: error: {tmp_path / "nowhere"}: model directory does not exist'
