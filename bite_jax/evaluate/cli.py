r"""Command line of the evaluation: `python -m bite_jax.evaluate`.

  --benchmark=mini --export_tasks=TASKS.jsonl                      write the tasks as JSONL
  --benchmark=mini --candidates=CANDS.jsonl --out=DIR              score candidate programs
  --benchmark=mini --model=DIR --method=direct|rag|refine --out=DIR  generate, then score

--benchmark is mini, pie:PATH (with --tests_dir and/or --statements), ecco:PATH (--tests_dir),
mercury:PATH, codenet:PATH or tasks:PATH (a file written by --export_tasks). Filters: --split
(mini), --languages, --problems, --limit. Scoring: --workers, --meter, --repeats, --timeout,
--memory_mb. DIR gets results.jsonl, metrics.json, report.md and speedups.png (and candidates.jsonl
when generating). Exit status: 0 done, 2 bad usage or input (the message names the file and line).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from bite_jax.data.mini import train_pairs
from bite_jax.data.pairs import read_pairs
from bite_jax.data.records import Task, write_jsonl
from bite_jax.evaluate.baselines import generate_candidates
from bite_jax.evaluate.candidates import CandidateError, from_records, group_by_task, read_candidates
from bite_jax.evaluate.loaders import BenchmarkFormatError, load_benchmark
from bite_jax.evaluate.loaders.common import select
from bite_jax.evaluate.runner import evaluate_candidates
from executor import Pool


def build_parser() -> argparse.ArgumentParser:
  p = argparse.ArgumentParser(
    prog='python -m bite_jax.evaluate', description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
  )
  a = p.add_argument
  a('--benchmark', required=True, help='mini | pie:PATH | ecco:PATH | mercury:PATH | codenet:PATH | tasks:PATH')
  a('--split', choices=('train', 'test'), help='mini only: one split')
  a('--languages', help='comma-separated languages (any spelling: c,C++,go,java,py)')
  a('--problems', help='comma-separated problem ids')
  a('--limit', type=int, help='at most N tasks (after the other filters)')
  a('--tests_dir', action='append', help='test-case directory <dir>/<problem_id>/input.N.txt (repeatable)')
  a('--statements', help='CodeNet problem_descriptions.tar.gz (or its directory): sample I/O for pie')
  a('--language', help='pie: language of rows without a "language" field')
  a('--generated_cases', type=int, default=0, help='mercury: extra generated test cases per task')
  mode = p.add_mutually_exclusive_group(required=True)
  mode.add_argument('--export_tasks', help='write the tasks as JSONL to this file and exit')
  mode.add_argument('--candidates', help='JSONL of {"task_id", "code"} lines to score')
  mode.add_argument('--model', help='model directory (Hugging Face or a trained OUT/final) to generate with')
  a('--out', help='output directory for results (with --candidates or --model)')
  a('--method', choices=('direct', 'rag', 'refine'), default='direct', help='baseline with --model')
  a('--num_samples', type=int, default=1, help='samples (refine: chains) per task')
  a('--max_new_tokens', type=int, default=1024)
  a('--temperature', type=float, default=0.7, help='0 = greedy')
  a('--top_p', type=float, default=1.0)
  a('--top_k', type=int, default=0)
  a('--seed', type=int, default=0)
  a('--max_batch', type=int, default=64, help='sample rows decoded together')
  a('--train_pairs', help='rag: JSONL of training pairs (default for mini: its train split)')
  a('--rag_k', type=int, default=2, help='rag: in-context examples per prompt')
  a('--refine_rounds', type=int, default=2, help='refine: feedback rounds after the first sample')
  a('--feedback_inputs', type=int, default=1, help='refine: inputs the feedback runs on (the first N)')
  a('--workers', type=int, help='executor worker processes (default: one per core)')
  a('--meter', choices=('auto', 'cpu', 'instructions'), help='executor meter (default auto)')
  a('--repeats', type=int, help="measured rounds per task (default: the executor's, 5 for cpu)")
  a('--max_rounds', type=int, default=20, help='most measured rounds for a speedup whose interval contains 1.10')
  a('--timeout', type=float, help='CPU seconds per run (default 10)')
  a('--memory_mb', type=int, help='memory per run in MiB (default 1024)')
  a('--no_resume', action='store_true', help='rescore every task even if DIR/results.jsonl has it')
  a('--quiet', action='store_true', help='no progress lines')
  return p


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
    return read_pairs(args.train_pairs)
  if args.benchmark == 'mini':
    return train_pairs('train')
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
    resume=not args.no_resume,
    progress=not args.quiet,
  )
  out = Path(args.out)
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
    pairs = _train_pairs(args) if args.method == 'rag' else None
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
    progress=not args.quiet,
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


def main(argv=None) -> int:
  """Entry point; returns the exit status."""
  logging.basicConfig(level=logging.WARNING, format='%(levelname)s %(name)s: %(message)s')
  parser = build_parser()
  args = parser.parse_args(argv)
  try:
    return run(args)
  except (CandidateError, BenchmarkFormatError, FileNotFoundError, ValueError) as e:
    print(f'error: {e}', file=sys.stderr)
    return 2
