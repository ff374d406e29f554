"""The pipeline's evaluate stage: the final model and the baselines scored on the benchmark.

  evaluate    final model + benchmark -> evaluate/<system>/{results.jsonl,metrics.json}, metrics.json, report.md

Systems are the last PKAC stage with each of `evaluate.methods`, then the baselines `evaluate.baselines` selects
(bite_jax.baselines.systems: PIE-IFT, PIE-PerfCond, ECCO-Execution, ECCO-Trajectory, Mercury-DPO, Supersonic and
the base model prompted directly), each trained first when it has not been. Each system's candidates are generated once
(evaluate/<system>/candidates.jsonl) and scored by bite_jax.evaluate; `evaluate.seen_split` (mini only) scores
the train problems apart, under evaluate/seen/. metrics.json, written last, marks the stage complete.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from bite_jax import hosts, report
from bite_jax.baselines import systems as baseline_systems
from bite_jax.config import ConfigError
from bite_jax.evaluate.baselines import generate_candidates
from bite_jax.evaluate.candidates import read_candidates
from bite_jax.evaluate.endpoint import ENDPOINT_CACHE, parse_endpoint
from bite_jax.evaluate.loaders import load_benchmark
from bite_jax.evaluate.runner import RESULTS, evaluate_candidates, read_results
from bite_jax.stages import (
  editor_pairs,
  executor_pool,
  final_model_dir,
  languages,
  say,
)


def evaluation_systems(config, workdir: Path) -> list[tuple[str, Path | str, str]]:
  """[(system name, model dir or endpoint spec, method)]: the final model with each configured method, then
  each baseline `evaluate.baselines` selects (its model dir, trained or not yet); with `evaluate.model` set,
  that model (a directory or an endpoint) with each method instead."""
  methods = [m.strip() for m in config.evaluate.methods.split(',') if m.strip()]
  if not methods:
    raise ConfigError('config.evaluate.methods: empty; use e.g. direct,rag,refine')
  if config.evaluate.model:
    model = config.evaluate.model if parse_endpoint(config.evaluate.model) else Path(config.evaluate.model)
    return [(f'model-{m}', model, m) for m in methods]
  baselines = baseline_systems.parse_baselines(config.evaluate.baselines)
  try:
    final = final_model_dir(config, workdir)
    systems = [(f'bite-{m}', final, m) for m in methods]
  except FileNotFoundError as e:
    if not baselines:
      raise
    say(f'evaluate: no BITE model to score ({e}); scoring the baselines only')
    systems = []
  for name in baselines:
    system, method = baseline_systems.SYSTEMS[name]
    systems.append((system, baseline_systems.model_dir(config, workdir, name), method))
  return systems


def benchmark_options(config) -> dict:
  """load_benchmark's keyword arguments from `evaluate` and `data`: tests_dir / statements (pie, ecco),
  the language of PIE rows naming none (`data.language`), the task limit and data.languages."""
  dirs = [d.strip() for d in config.evaluate.tests_dir.split(',') if d.strip()]
  return dict(
    languages=languages(config),
    tests_dir=None if not dirs else dirs[0] if len(dirs) == 1 else dirs,
    statements=config.evaluate.statements or None,
    language=config.data.language or None,
    limit=int(config.evaluate.limit) or None,
  )


def evaluation_tasks(config):
  """The benchmark's tasks: `evaluate.benchmark` ('mini' uses `evaluate.split`), restricted to data.languages;
  pie and ecco take their tests from `evaluate.tests_dir` / `evaluate.statements` (benchmark_options)."""
  mini = config.evaluate.benchmark == 'mini'
  options = benchmark_options(config)
  if mini:
    options = {key: options[key] for key in ('languages', 'limit')}
  return load_benchmark(config.evaluate.benchmark, split=(config.evaluate.split or None) if mini else None, **options)


def _candidates(path: Path) -> list[dict] | None:
  """The candidates a previous run saved, or None when there is no file; CandidateError names a bad line."""
  if not path.is_file():
    return None
  if not path.read_text(encoding='utf-8').strip():
    return []
  return [c.to_dict() for c in read_candidates(path)]


def seen_tasks(config):
  """The tasks of `evaluate.seen_split` (mini only): problems the editors and PKAC trained on, scored
  apart from the benchmark so the report can show what training did where it can; [] when unset, and
  for a benchmark other than mini (which has no train split of the editors' problems)."""
  if not config.evaluate.seen_split:
    return []
  if config.evaluate.benchmark != 'mini':
    say(f'evaluate: config.evaluate.seen_split ignored: {config.evaluate.benchmark} has no split of seen problems')
    return []
  return load_benchmark('mini', split=config.evaluate.seen_split, languages=languages(config))


def _generate(config, tasks, name: str, model_dir, method: str, pool, pairs, cache_path: Path) -> list[dict]:
  started = time.time()
  share = f' (process {hosts.index()} of {hosts.count()})' if hosts.count() > 1 else ''
  say(
    f'evaluate: {name}: generating {config.evaluate.num_samples} candidate(s) for {len(tasks)} tasks with '
    f'{model_dir}{share}'
  )
  candidates = generate_candidates(
    tasks,
    model_dir,
    method,
    num_samples=int(config.evaluate.num_samples),
    max_new_tokens=int(config.sample.max_new_tokens),
    temperature=float(config.sample.temperature),
    top_p=float(config.sample.top_p),
    top_k=int(config.sample.top_k),
    seed=int(config.seed),
    train_pairs=pairs,
    pool=pool,
    meter=config.executor.meter or None,
    max_batch=int(config.sample.batch_size),
    invariant=bool(config.sample.invariant),
    perfcond_bins=int(config.baselines.perfcond_bins),
    **({'refine_rounds': int(config.baselines.ecco_rounds)} if method == 'ecco' else {}),
    sbllm_rounds=int(config.evaluate.sbllm_rounds),
    sbllm_keep=int(config.evaluate.sbllm_keep),
    sbllm_patterns=int(config.evaluate.sbllm_patterns),
    cache_path=cache_path,
    endpoint=dict(api_key_env=config.evaluate.api_key_env, concurrency=int(config.evaluate.endpoint_concurrency)),
  )
  say(f'evaluate: {name}: candidates in {time.time() - started:.0f}s')
  return candidates


def _write_lines(path: Path, rows) -> None:
  path.parent.mkdir(parents=True, exist_ok=True)
  tmp = path.with_name(path.name + '.tmp')
  tmp.write_text(''.join(json.dumps(row) + '\n' for row in rows), encoding='utf-8')
  tmp.replace(path)


def _scoring(config, name: str, model_dir: Path, method: str) -> dict:
  return dict(
    meter=config.executor.meter or None,
    timeout=float(config.executor.timeout),
    memory_mb=int(config.executor.memory_mb),
    extra_inputs=int(config.evaluate.extra_inputs),
    complexity_threshold=int(config.evaluate.complexity_threshold),
    title=f'Evaluation: {name}',
    details={'benchmark': config.evaluate.benchmark, 'model': str(model_dir), 'method': method},
  )


def _only_fields(candidates: list[dict]) -> list[dict]:
  return [{k: c[k] for k in ('task_id', 'code', 'sample_index')} for c in candidates]


def _score_system(config, tasks, name: str, model_dir: Path, method: str, sys_dir: Path, pool, pairs, workdir) -> dict:
  """Candidates of one system for `tasks` (generated once, saved in SYS_DIR/candidates.jsonl), then scored."""
  if hosts.count() > 1:
    return _score_system_sharded(config, tasks, name, model_dir, method, sys_dir, pool, pairs, workdir)
  cand_path = sys_dir / 'candidates.jsonl'
  candidates = _candidates(cand_path)
  if candidates is None:
    candidates = _generate(config, tasks, name, model_dir, method, pool, pairs, sys_dir / ENDPOINT_CACHE)
    _write_lines(cand_path, candidates)
  return evaluate_candidates(
    tasks, _only_fields(candidates), sys_dir, pool=pool, **_scoring(config, name, model_dir, method)
  )


def _score_system_sharded(config, tasks, name, model_dir, method, sys_dir: Path, pool, pairs, workdir) -> dict:
  """_score_system on several processes: each generates and scores the candidates of its share of the
  tasks under SYS_DIR/shards/; process 0 merges them (candidates.jsonl in task order; the scored rows into
  results.jsonl, from which the metrics are computed without running anything again)."""
  workdir_prefix = sys_dir.relative_to(workdir).as_posix()
  cand_path = sys_dir / 'candidates.jsonl'
  mine = hosts.share(tasks)
  shard_cands = hosts.shard_file(cand_path)
  shard_dir = sys_dir / 'shards' / f'p{hosts.index()}of{hosts.count()}'
  candidates = _candidates(cand_path)
  if candidates is None:
    candidates = _candidates(shard_cands)
    if candidates is None:
      cache = shard_dir / ENDPOINT_CACHE
      candidates = _generate(config, mine, name, model_dir, method, pool, pairs, cache) if mine else []
      _write_lines(shard_cands, candidates)
  else:
    ids = {t.task_id for t in mine}
    candidates = [c for c in candidates if c['task_id'] in ids]
  if mine:
    evaluate_candidates(
      mine, _only_fields(candidates), shard_dir, pool=pool, **_scoring(config, name, model_dir, method)
    )
  shards = f'{workdir_prefix}/shards'
  hosts.exchange(f'evaluate-{workdir_prefix}', push=workdir_prefix, pull=shards if hosts.is_writer() else None)
  if hosts.is_writer():
    order = {t.task_id: i for i, t in enumerate(tasks)}
    merged, rows = [], []
    for k in range(hosts.count()):
      shard = hosts.shard_file(cand_path, process=k)
      _candidates(shard)  # checks every line (CandidateError names a bad one); the raw rows keep every field
      merged.extend(json.loads(line) for line in shard.read_text(encoding='utf-8').splitlines() if line.strip())
      rows.extend(read_results(sys_dir / 'shards' / f'p{k}of{hosts.count()}' / RESULTS))
    if not cand_path.is_file():
      merged.sort(key=lambda c: (order[c['task_id']], c.get('sample_index', 0)))
      _write_lines(cand_path, merged)
    _write_lines(sys_dir / RESULTS, rows)  # every task scored: evaluate_candidates reuses these rows
    merged = _candidates(cand_path)
    evaluate_candidates(tasks, _only_fields(merged), sys_dir, pool=pool, **_scoring(config, name, model_dir, method))
  hosts.exchange(f'evaluate-{workdir_prefix}-merged', push=workdir_prefix, pull=workdir_prefix)
  return json.loads((sys_dir / 'metrics.json').read_text(encoding='utf-8'))


def _write_json(path: Path, value) -> None:
  path.parent.mkdir(parents=True, exist_ok=True)
  tmp = path.with_name(path.name + '.tmp')
  tmp.write_text(json.dumps(value, indent=1) + '\n', encoding='utf-8')
  tmp.replace(path)


def _read_summary(path: Path) -> dict:
  return json.loads(path.read_text(encoding='utf-8')) if path.is_file() else {}


def run_evaluate(config, workdir: Path) -> dict:
  """Scores the final model and the baselines on the benchmark (and on `evaluate.seen_split`, apart);
  writes evaluate/, metrics.json and report.md."""
  out = workdir / 'evaluate'
  metrics_path = workdir / 'metrics.json'
  if metrics_path.is_file():
    done = json.loads(metrics_path.read_text(encoding='utf-8'))
    missing = [name for name, _, _ in evaluation_systems(config, workdir) if name not in done.get('systems', {})]
    if not missing:
      say('evaluate: complete, skipped')
      if hosts.is_writer():
        report.write_report(workdir)
      return done
    say(f'evaluate: scored before, now also {", ".join(missing)} (the others are read back, not run again)')
  tasks = evaluation_tasks(config)
  seen = seen_tasks(config)
  pairs = editor_pairs(config, workdir)
  baseline_systems.run_baselines(config, workdir)  # trains what the selected baselines still need
  summary, seen_summary = {}, {}
  with executor_pool(config, workdir) as pool:
    for name, model_dir, method in evaluation_systems(config, workdir):
      runs = [(tasks, out / name, summary, config.evaluate.benchmark)]
      if seen:
        split = f'{config.evaluate.benchmark}/{config.evaluate.seen_split} (seen)'
        runs.append((seen, out / 'seen' / name, seen_summary, split))
      for these, sys_dir, into, benchmark in runs:
        metrics = _score_system(config, these, name, model_dir, method, sys_dir, pool, pairs, workdir)
        into[name] = {
          'metrics': metrics,
          'meter': metrics.get('meter'),
          'model': str(model_dir),
          'method': method,
          'benchmark': benchmark,
        }
  # Systems scored by an earlier run with other evaluate.baselines stay in the summary, after this run's.
  for into, path in ((summary, out / 'summary.json'), (seen_summary, out / 'seen' / 'summary.json')):
    for name, value in _read_summary(path).items():
      into.setdefault(name, value)
  if hosts.is_writer():
    _write_json(out / 'summary.json', summary)
    if seen:
      _write_json(out / 'seen' / 'summary.json', seen_summary)
  first = next(iter(summary.values()))['metrics']
  result = {
    'overall': first.get('overall'),
    'by_language': first.get('by_language'),
    'meter': first.get('meter'),
    'system': next(iter(summary)),
    'systems': {
      name: {'overall': s['metrics'].get('overall'), 'by_language': s['metrics'].get('by_language')}
      for name, s in summary.items()
    },
  }
  if seen:
    result['seen'] = {name: s['metrics'].get('overall') for name, s in seen_summary.items()}
  if hosts.is_writer():
    _write_json(metrics_path, result)  # written last: its presence marks the stage complete
    report.write_report(workdir)
  hosts.exchange('evaluate-done', push='', pull='')
  return result
