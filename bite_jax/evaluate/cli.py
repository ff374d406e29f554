r"""Command line of the evaluation: `python -m bite_jax.evaluate`.

  --benchmark=mini --export_tasks=TASKS.jsonl                      write the tasks as JSONL
  --benchmark=mini --candidates=CANDS.jsonl --out=DIR              score candidate programs
  --benchmark=mini --model=DIR --method=direct|rag|refine|sbllm|... --out=DIR  generate, then score
  --benchmark=mini --model=openai:URL#NAME --method=... --out=DIR     the same with an endpoint's model

--model is a model directory or an OpenAI-compatible endpoint: openai:URL#MODEL (its /completions with
the raw prompt: bite_jax.serve, vLLM) or openai-chat:URL#MODEL (/chat/completions, the prompt as one user
message: GPT-4-class APIs); the key comes from $--api_key_env (default OPENAI_API_KEY), answers are cached
in DIR/endpoint_cache.jsonl so a rerun sends only what is missing.

--benchmark is mini, pie:PATH (with --tests_dir and/or --statements), ecco:PATH (--tests_dir),
mercury:PATH, codenet:PATH or tasks:PATH (a file written by --export_tasks). Filters: --split
(mini), --languages, --problems, --limit. Scoring: --workers, --meter, --repeats, --timeout,
--memory_mb, --extra_inputs. DIR gets results.jsonl, metrics.json, report.md and speedups.png (and candidates.jsonl
when generating). absl flags: --name=value (or --name value), booleans as --quiet / --noquiet,
--tests_dir repeated for several directories. Exit status: 0 done, 2 bad usage or input (the
message names the flag, or the file and line), 1 an endpoint that refused or kept failing (rerun to resume).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import NoReturn

from absl import flags

from bite_jax.data.mini import train_pairs
from bite_jax.data.pairs import read_pairs
from bite_jax.data.records import Task, write_jsonl
from bite_jax.evaluate.baselines import METHODS, generate_candidates
from bite_jax.evaluate.candidates import CandidateError, from_records, group_by_task, read_candidates
from bite_jax.evaluate.endpoint import ENDPOINT_CACHE, EndpointError, parse_endpoint
from bite_jax.evaluate.loaders import BenchmarkFormatError, load_benchmark, parse_spec
from bite_jax.evaluate.loaders.common import language_filter, select
from bite_jax.evaluate.runner import evaluate_candidates
from bite_jax.evaluate.sbllm import SBLLM_KEEP, SBLLM_PATTERNS, SBLLM_ROUNDS
from executor import Pool, SandboxRequiredError, require_sandbox

PROG = 'python -m bite_jax.evaluate'
MODES = ('export_tasks', 'candidates', 'model')  # exactly one of them is given

# This command's own flag set, not absl's process-wide flags.FLAGS: the sampler CLI defines some of the same
# names (--seed, --temperature, --top_p, --max_batch, --num_samples) there, and one process may import both.
FLAGS = flags.FlagValues()

flags.DEFINE_string(
  'benchmark',
  None,
  '(required) mini | pie:PATH | ecco:PATH | mercury:PATH | codenet:PATH | tasks:PATH',
  flag_values=FLAGS,
)
flags.DEFINE_enum('split', None, ['train', 'test'], 'mini only: one split', flag_values=FLAGS)
flags.DEFINE_string('languages', None, 'comma-separated languages (any spelling: c,C++,go,java,py)', flag_values=FLAGS)
flags.DEFINE_string('problems', None, 'comma-separated problem ids', flag_values=FLAGS)
flags.DEFINE_integer('limit', None, 'at most N tasks (after the other filters)', lower_bound=0, flag_values=FLAGS)
flags.DEFINE_multi_string(
  'tests_dir', None, 'test-case directory <dir>/<problem_id>/input.N.txt (repeatable)', flag_values=FLAGS
)
flags.DEFINE_string(
  'statements',
  None,
  'CodeNet problem_descriptions.tar.gz (or its directory): sample I/O for pie',
  flag_values=FLAGS,
)
flags.DEFINE_string('language', None, 'pie: language of rows without a "language" field', flag_values=FLAGS)
flags.DEFINE_integer('generated_cases', 0, 'mercury: extra generated test cases per task', flag_values=FLAGS)
flags.DEFINE_string('export_tasks', None, 'write the tasks as JSONL to this file and exit', flag_values=FLAGS)
flags.DEFINE_string('candidates', None, 'JSONL of {"task_id", "code"} lines to score', flag_values=FLAGS)
flags.DEFINE_string(
  'model',
  None,
  'model to generate with: a directory (Hugging Face or a trained OUT/final), or an endpoint '
  'openai:URL#MODEL (completions API) / openai-chat:URL#MODEL (chat API)',
  flag_values=FLAGS,
)
flags.DEFINE_string(
  'api_key_env', 'OPENAI_API_KEY', 'endpoint: environment variable holding the API key', flag_values=FLAGS
)
flags.DEFINE_integer('endpoint_concurrency', 8, 'endpoint: most requests in flight', lower_bound=1, flag_values=FLAGS)
flags.DEFINE_integer(
  'endpoint_retries',
  5,
  'endpoint: retries on 429 / 5xx / timeouts (exponential backoff)',
  lower_bound=0,
  flag_values=FLAGS,
)
flags.DEFINE_float('endpoint_timeout', 600.0, 'endpoint: seconds per request', lower_bound=1.0, flag_values=FLAGS)
flags.DEFINE_string('out', None, 'output directory for results (with --candidates or --model)', flag_values=FLAGS)
flags.DEFINE_enum(
  'method',
  'direct',
  list(METHODS),
  'with --model: direct, rag, refine, sbllm; ecco (refine on every input); perfcond, trajectory, diff (models trained '
  'by the matching baselines: pie-perfcond, ecco-trajectory, supersonic)',
  flag_values=FLAGS,
)
flags.DEFINE_integer('num_samples', 1, 'samples (refine: chains) per task', lower_bound=1, flag_values=FLAGS)
flags.DEFINE_integer('max_new_tokens', 1024, 'most generated tokens per sample', lower_bound=1, flag_values=FLAGS)
flags.DEFINE_float('temperature', 0.7, '0 = greedy', flag_values=FLAGS)
flags.DEFINE_float('top_p', 1.0, 'nucleus sampling threshold in (0, 1]', flag_values=FLAGS)
flags.DEFINE_integer('top_k', 0, 'keep the k most likely tokens (0 = all)', flag_values=FLAGS)
flags.DEFINE_integer('seed', 0, 'random seed of the sampling', flag_values=FLAGS)
flags.DEFINE_integer('max_batch', 64, 'sample rows decoded together', flag_values=FLAGS)
flags.DEFINE_bool(
  'invariant', False, 'samples independent of the prompts decoded beside them (Sampler invariant)', flag_values=FLAGS
)
flags.DEFINE_string(
  'train_pairs', None, 'rag: JSONL of training pairs (default for mini: its train split)', flag_values=FLAGS
)
flags.DEFINE_string(
  'train_pairs_language',
  None,
  'rag: the language of --train_pairs rows that name none (else an error)',
  flag_values=FLAGS,
)
flags.DEFINE_integer('rag_k', 2, 'rag: in-context examples per prompt', flag_values=FLAGS)
flags.DEFINE_integer('refine_rounds', 2, 'refine: feedback rounds after the first sample', flag_values=FLAGS)
flags.DEFINE_integer(
  'perfcond_bins', 10, 'perfcond: the speedup bins the model was trained with (asks for the top one)', flag_values=FLAGS
)
flags.DEFINE_integer(
  'feedback_inputs', 1, 'refine, sbllm: inputs the feedback / fitness runs on (the first N)', flag_values=FLAGS
)
flags.DEFINE_integer('sbllm_rounds', SBLLM_ROUNDS, 'sbllm: search rounds after the first samples', flag_values=FLAGS)
flags.DEFINE_integer('sbllm_keep', SBLLM_KEEP, 'sbllm: best correct programs shown to each round', flag_values=FLAGS)
flags.DEFINE_integer(
  'sbllm_patterns', SBLLM_PATTERNS, 'sbllm: retrieved optimization patterns per prompt (0 = none)', flag_values=FLAGS
)
flags.DEFINE_integer('workers', None, 'executor worker processes (default: one per core)', flag_values=FLAGS)
flags.DEFINE_enum('meter', None, ['auto', 'cpu', 'instructions'], 'executor meter (default auto)', flag_values=FLAGS)
flags.DEFINE_integer(
  'repeats', None, "measured rounds per task (default: the executor's, 5 for cpu)", flag_values=FLAGS
)
flags.DEFINE_integer(
  'max_rounds', 20, 'most measured rounds for a speedup whose interval contains 1.10', flag_values=FLAGS
)
flags.DEFINE_integer(
  'extra_inputs',
  8,
  'extra inputs (derived from each task) a correct candidate must also match src on; 0 = only the task inputs',
  lower_bound=0,
  flag_values=FLAGS,
)
flags.DEFINE_float('timeout', None, 'CPU seconds per run (default 10)', flag_values=FLAGS)
flags.DEFINE_integer('memory_mb', None, 'memory per run in MiB (default 1024)', flag_values=FLAGS)
flags.DEFINE_bool(
  'allow_unsandboxed',
  False,
  'run candidates even where bubblewrap cannot isolate them (the report then says "unsandboxed")',
  flag_values=FLAGS,
)
flags.DEFINE_bool('no_resume', False, 'rescore every task even if DIR/results.jsonl has it', flag_values=FLAGS)
flags.DEFINE_bool('quiet', False, 'no progress lines', flag_values=FLAGS)
flags.DEFINE_bool('help', False, 'print this help and exit', short_name='h', flag_values=FLAGS)


def usage() -> str:
  """The module doc and every flag with its default."""
  return f'usage: {PROG} --flag=value ...\n{__doc__}\nflags:\n{FLAGS.get_help(include_special_flags=False)}'


def _usage_error(message: str) -> NoReturn:
  print(f'{PROG}: error: {message} (see --help)', file=sys.stderr)
  raise SystemExit(2)


def parse_flags(argv: list[str]) -> flags.FlagValues:
  """Parses argv (flags only, no program name) into FLAGS, every flag not given back at its default.

  Bad usage (unknown flag, bad value, a positional argument, no --benchmark, not exactly one mode) prints
  the error naming the flag and raises SystemExit(2); --help prints usage() and raises SystemExit(0).
  """
  FLAGS.unparse_flags()
  try:
    rest = FLAGS([PROG, *argv])[1:]
  except flags.Error as e:
    _usage_error(str(e))
  if FLAGS.help:
    print(usage())
    raise SystemExit(0)
  if rest:
    _usage_error(f'unexpected argument(s) {rest}: every option is a --flag=value')
  if FLAGS.benchmark is None:
    _usage_error('--benchmark is required (mini, pie:PATH, ecco:PATH, mercury:PATH, codenet:PATH or tasks:PATH)')
  given = [f'--{name}' for name in MODES if FLAGS[name].value is not None]
  if len(given) != 1:
    got = f'; got {" and ".join(given)}' if given else ''
    _usage_error(f'exactly one of --export_tasks, --candidates, --model is required{got}')
  try:
    parse_spec(FLAGS.benchmark)
  except ValueError as e:
    _usage_error(f'--benchmark: {e}')
  for name in ('languages', 'language'):
    try:
      language_filter(FLAGS[name].value)
    except ValueError as e:
      _usage_error(f'--{name}: {e}')
  if FLAGS.model is not None:
    try:
      parse_endpoint(FLAGS.model)
    except ValueError as e:
      _usage_error(f'--model: {e}')
  return FLAGS


def _load(args, *, filtered: bool) -> list[Task]:
  return load_benchmark(
    args.benchmark,
    split=args.split if filtered else None,
    languages=args.languages if filtered else None,
    problems=args.problems if filtered else None,
    limit=args.limit if filtered else None,
    tests_dir=args.tests_dir,
    statements=args.statements,
    language=args.language,
    generated_cases=args.generated_cases,
  )


def _filter(args, tasks: list[Task]) -> list[Task]:
  if args.split is not None:
    tasks = [t for t in tasks if t.split == args.split]
  return select(tasks, languages=args.languages, problems=args.problems, limit=args.limit)


def export_tasks(tasks: list[Task], path) -> Path:
  """Writes one Task.to_dict() line per task ({"task_id", "language", "src", "expert", ...})."""
  return write_jsonl(path, tasks)


def _train_pairs(args):
  if args.train_pairs:
    return read_pairs(args.train_pairs, language=args.train_pairs_language)
  if args.benchmark == 'mini':
    return train_pairs('train')
  if args.method == 'sbllm':
    return None  # sbllm without training pairs retrieves no patterns
  raise ValueError(f'--method=rag on {args.benchmark} needs --train_pairs (JSONL of slow/fast pairs)')


def run(args) -> int:
  if args.export_tasks is None and not args.out:
    raise ValueError('--out=DIR is required with --candidates or --model')
  started = time.monotonic()
  details = {'benchmark': args.benchmark}
  if args.export_tasks is not None:
    tasks = _load(args, filtered=True)
    export_tasks(tasks, args.export_tasks)
    print(f'wrote {len(tasks)} tasks to {args.export_tasks}')
    return 0
  scoring = dict(
    workers=args.workers,
    meter=args.meter,
    repeats=args.repeats,
    timeout=args.timeout,
    memory_mb=args.memory_mb,
    max_rounds=args.max_rounds,
    extra_inputs=args.extra_inputs,
    resume=not args.no_resume,
    progress=not args.quiet,
  )
  out = Path(args.out)
  details['isolation'] = isolation_text(require_sandbox(allow_unsandboxed=args.allow_unsandboxed))
  if args.candidates is not None:
    candidates = read_candidates(args.candidates)
    everything = _load(args, filtered=False)
    group_by_task(candidates, everything)  # an unknown task id is an error even when filtered out below
    tasks = _filter(args, everything)
    keep = {t.task_id for t in tasks}
    candidates = [c for c in candidates if c.task_id in keep]
    details['candidates'] = args.candidates
  else:
    tasks = _load(args, filtered=True)
    pairs = _train_pairs(args) if args.method in ('rag', 'sbllm') else None
    details.update(
      model=args.model, method=args.method, num_samples=args.num_samples, temperature=args.temperature, seed=args.seed
    )
    with Pool(args.workers) as pool:
      generated = generate_and_save(tasks, args, pairs, pool, out)
      candidates = from_records({k: c[k] for k in ('task_id', 'code', 'sample_index')} for c in generated)
      metrics = evaluate_candidates(
        tasks,
        candidates,
        out,
        pool=pool,
        title=f'Evaluation: {args.benchmark}',
        details=details,
        **{k: v for k, v in scoring.items() if k != 'workers'},
      )
    _print_summary(metrics, out, started)
    return 0
  metrics = evaluate_candidates(
    tasks, candidates, out, title=f'Evaluation: {args.benchmark}', details=details, **scoring
  )
  _print_summary(metrics, out, started)
  return 0


def isolation_text(isolation: dict) -> str:
  """How candidates run, for the report: 'bwrap (...)' or 'unsandboxed'."""
  if isolation.get('sandbox') == 'bwrap':
    return f'bwrap (namespaces {"/".join(isolation.get("namespaces", []))})'
  return 'unsandboxed (--allow_unsandboxed: no namespaces, host network and files reachable)'


def generate_and_save(tasks, args, pairs, pool, out: Path) -> list[dict]:
  """Generates candidates with --model/--method and writes them to DIR/candidates.jsonl."""
  generated = generate_candidates(
    tasks,
    args.model,
    args.method,
    num_samples=args.num_samples,
    max_new_tokens=args.max_new_tokens,
    temperature=args.temperature,
    top_p=args.top_p,
    top_k=args.top_k,
    seed=args.seed,
    train_pairs=pairs,
    rag_k=args.rag_k,
    refine_rounds=args.refine_rounds,
    feedback_inputs=args.feedback_inputs,
    pool=pool,
    meter=args.meter,
    max_batch=args.max_batch,
    invariant=args.invariant,
    progress=not args.quiet,
    perfcond_bins=args.perfcond_bins,
    sbllm_rounds=args.sbllm_rounds,
    sbllm_keep=args.sbllm_keep,
    sbllm_patterns=args.sbllm_patterns,
    cache_path=out / ENDPOINT_CACHE,
    endpoint=dict(
      api_key_env=args.api_key_env,
      concurrency=args.endpoint_concurrency,
      max_retries=args.endpoint_retries,
      timeout=args.endpoint_timeout,
    ),
  )
  out.mkdir(parents=True, exist_ok=True)
  with (out / 'candidates.jsonl').open('w', encoding='utf-8') as f:
    for c in generated:
      f.write(json.dumps(c) + '\n')
  return generated


def _print_summary(metrics: dict, out: Path, started: float) -> None:
  overall = metrics.get('overall')
  if overall is None:
    print(f'no task could be scored ({metrics["invalid_tasks"]} invalid); see {out / "report.md"}')
  else:
    print(
      f'AP {overall["AP"]:.1f}  OPT {overall["OPT"]:.1f}  SP {overall["SP"]:.1f}  COR {overall["COR"]:.1f}  '
      f'({overall["tasks"]} tasks, meter {metrics["meter"]}, {time.monotonic() - started:.0f} s)  -> {out}'
    )


def main(argv: list[str] | None = None) -> int:
  """Entry point on argv (default sys.argv[1:]); returns the exit status, 2 for bad input.

  Bad usage raises SystemExit(2) (see parse_flags).
  """
  logging.basicConfig(level=logging.WARNING, format='%(levelname)s %(name)s: %(message)s')
  args = parse_flags(sys.argv[1:] if argv is None else list(argv))
  try:
    return run(args)
  except (CandidateError, BenchmarkFormatError, FileNotFoundError, ValueError) as e:
    print(f'error: {e}', file=sys.stderr)
    return 2
  except EndpointError as e:
    print(f'error: {e} (answers so far are cached; rerun to resume)', file=sys.stderr)
    return 1
  except SandboxRequiredError as e:
    print(f'error: {e}', file=sys.stderr)
    return 3
