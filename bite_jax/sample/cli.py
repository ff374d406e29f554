r"""Command line of the sampler (`python -m bite_jax.sample`): JSONL prompts in, JSONL samples out.

  python -m bite_jax.sample --hf_dir=DIR --prompts=P.jsonl --out=OUT.jsonl --num_samples=10 \
      --max_new_tokens=512 [--temperature=1.0] [--top_p=P] [--top_k=K] [--greedy] [--seed=S]
  python -m bite_jax.sample --checkpoint=OUT/final ...   (a directory written by the trainer)

Prompt lines: {"prompt": text} or {"input_ids": [ints]}. Output lines, written as each batch
completes: {"prompt_index", "sample_index", "token_ids" (generated only, EOS included when produced),
"text", "finish_reason"}. The last stdout line is a JSON summary {"generated_tokens",
"decode_seconds" (after compilation), "compile_seconds", "load_seconds", "total_seconds",
"tokens_per_second"}. Progress goes to stderr.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import jax
from absl import app, flags, logging

from bite_jax import parallel, usage
from bite_jax.models.trained import TOKENIZER_FILES, has_tokenizer, load_model_dir
from bite_jax.sample.sampler import Sampler

_HF_DIR = flags.DEFINE_string('hf_dir', None, 'Hugging Face checkpoint directory (config.json + safetensors).')
_CHECKPOINT = flags.DEFINE_string('checkpoint', None, "Trained model directory (the trainer's OUT/final).")
_PROMPTS = flags.DEFINE_string('prompts', None, 'JSONL file: {"prompt": text} or {"input_ids": [...]} per line.')
_OUT = flags.DEFINE_string('out', None, 'Output JSONL file, one line per sample.')
_NUM_SAMPLES = flags.DEFINE_integer('num_samples', 1, 'Samples per prompt.', lower_bound=1)
_MAX_NEW = flags.DEFINE_integer(
  'max_new_tokens', None, 'Most generated tokens per sample (EOS included).', lower_bound=1
)
_TEMPERATURE = flags.DEFINE_float('temperature', 1.0, 'Softmax temperature (0 = greedy).', lower_bound=0.0)
_TOP_P = flags.DEFINE_float('top_p', 1.0, 'Nucleus sampling threshold in (0, 1].')
_TOP_K = flags.DEFINE_integer('top_k', 0, 'Keep the k most likely tokens (0 = all).', lower_bound=0)
_GREEDY = flags.DEFINE_bool('greedy', False, 'Argmax decoding.')
_SEED = flags.DEFINE_integer(
  'seed', 0, 'Random seed in [0, 2**32): fixes every sample.', lower_bound=0, upper_bound=2**32 - 1
)
_STOP = flags.DEFINE_multi_string('stop', [], 'Stop string (repeatable); needs a tokenizer.')
_MAX_BATCH = flags.DEFINE_integer('max_batch', 64, 'Most sample rows decoded together.', lower_bound=1)
_INVARIANT = flags.DEFINE_bool(
  'invariant', False, "Each sample independent of the prompts decoded beside it, bit for bit (Sampler's invariant)."
)
flags.register_validator('top_p', lambda v: 0.0 < v <= 1.0, message='--top_p must be in (0, 1]')
_DTYPE = flags.DEFINE_enum(
  'dtype',
  None,
  ['float32', 'bfloat16'],
  'Compute/parameter dtype (default: float32 for --hf_dir, the trained one for --checkpoint).',
)
_FSDP = flags.DEFINE_integer(
  'fsdp', 1, 'Mesh fsdp size (weights sharded); data takes the other devices.', lower_bound=1
)
_TENSOR = flags.DEFINE_integer('tensor', 1, 'Mesh tensor-parallel size.', lower_bound=1)
PROG = 'python -m bite_jax.sample'


class PromptFileError(ValueError):
  """A prompt file line is not a valid prompt: names file and line."""


def read_prompts(path) -> list[str | list[int]]:
  """Prompts of a JSONL file (blank lines skipped); PromptFileError naming file:line otherwise."""
  path = Path(path)
  if not path.is_file():
    raise FileNotFoundError(f'{path}: prompt file does not exist')
  prompts = []
  with path.open(encoding='utf-8') as f:
    for number, line in enumerate(f, 1):
      if not line.strip():
        continue
      where = f'{path}:{number}'
      try:
        record = json.loads(line)
      except json.JSONDecodeError as e:
        raise PromptFileError(f'{where}: not valid JSON ({e.msg})') from e
      if not isinstance(record, dict) or ('prompt' in record) == ('input_ids' in record):
        raise PromptFileError(f'{where}: expected an object with exactly one of "prompt" or "input_ids"')
      if 'prompt' in record:
        if not isinstance(record['prompt'], str) or not record['prompt']:
          raise PromptFileError(f'{where}: "prompt" must be a non-empty string')
        prompts.append(record['prompt'])
      else:
        ids = record['input_ids']
        if (
          not isinstance(ids, list)
          or not ids
          or not all(isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in ids)
        ):
          raise PromptFileError(f'{where}: "input_ids" must be a non-empty list of non-negative integers')
        prompts.append(ids)
  if not prompts:
    raise PromptFileError(f'{path}: no prompts')
  return prompts


def _mesh():
  if jax.device_count() == 1 and _FSDP.value == 1 and _TENSOR.value == 1:
    return None
  return parallel.make_mesh(data=-1, fsdp=_FSDP.value, tensor=_TENSOR.value)


def load_model(needs_tokenizer: bool):
  """(model, tokenizer or None, mesh) from --hf_dir or --checkpoint."""
  if (_HF_DIR.value is None) == (_CHECKPOINT.value is None):
    usage.fail(PROG, 'give exactly one of --hf_dir or --checkpoint')
  mesh = _mesh()
  directory = Path(_CHECKPOINT.value or _HF_DIR.value)
  if _HF_DIR.value is not None and needs_tokenizer and not has_tokenizer(directory):
    raise FileNotFoundError(
      f'{directory}: no tokenizer files ({", ".join(TOKENIZER_FILES)}), needed for text prompts or --stop'
    )
  model, tokenizer = load_model_dir(directory, mesh=mesh, dtype=_DTYPE.value, tokenizer=False)
  if tokenizer is None:
    logging.warning('%s: no tokenizer; output "text" fields will be null', directory)
  return model, tokenizer, mesh


def main(argv) -> None:
  if len(argv) > 1:
    usage.fail(PROG, f'unexpected arguments: {argv[1:]}')
  for flag in (_PROMPTS, _OUT, _MAX_NEW):
    if flag.value is None:
      usage.fail(PROG, f'--{flag.name} is required')
  logging.set_verbosity(logging.WARNING)  # jax's INFO lines (backends it could not open) are noise here
  start = time.perf_counter()
  prompts = read_prompts(_PROMPTS.value)
  model, tokenizer, mesh = load_model(any(isinstance(p, str) for p in prompts) or bool(_STOP.value))
  load_seconds = time.perf_counter() - start
  sampler = Sampler(model, tokenizer, mesh=mesh, max_batch=_MAX_BATCH.value, invariant=_INVARIANT.value)
  out_path = Path(_OUT.value)
  out_path.parent.mkdir(parents=True, exist_ok=True)
  written, total = 0, len(prompts) * _NUM_SAMPLES.value
  with out_path.open('w', encoding='utf-8') as out:
    for batch in sampler.stream(
      prompts,
      num_samples=_NUM_SAMPLES.value,
      max_new_tokens=_MAX_NEW.value,
      temperature=_TEMPERATURE.value,
      top_p=_TOP_P.value,
      top_k=_TOP_K.value,
      greedy=_GREEDY.value,
      seed=_SEED.value,
      stop_strings=tuple(_STOP.value),
    ):
      for s in batch:
        out.write(
          json.dumps(
            {
              'prompt_index': s.prompt_index,
              'sample_index': s.sample_index,
              'token_ids': s.token_ids,
              'text': s.text,
              'finish_reason': s.finish_reason,
            }
          )
          + '\n'
        )
      out.flush()
      written += len(batch)
      stats = sampler.stats
      print(
        f'[sample] {written}/{total} samples, {stats.generated_tokens} tokens, '
        f'{stats.generated_tokens / max(stats.decode_seconds, 1e-9):.1f} tokens/s after compile',
        file=sys.stderr,
        flush=True,
      )
  stats = sampler.stats
  summary = {
    'generated_tokens': stats.generated_tokens,
    'decode_seconds': round(stats.decode_seconds, 4),
    'compile_seconds': round(stats.compile_seconds, 4),
    'load_seconds': round(load_seconds, 4),
    'total_seconds': round(time.perf_counter() - start, 4),
    'tokens_per_second': round(stats.generated_tokens / max(stats.decode_seconds, 1e-9), 2),
  }
  print(json.dumps(summary), flush=True)


def _main_with_clear_errors(argv) -> None:
  try:
    main(argv)
  except (PromptFileError, FileNotFoundError) as e:
    usage.fail(PROG, str(e))


def run() -> None:
  """Entry point of `python -m bite_jax.sample`: bad usage or input is one line on stderr and exit status 2."""
  app.run(_main_with_clear_errors, flags_parser=usage.flags_parser(PROG))
