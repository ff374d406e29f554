"""The BITE stages run by bite_jax.main, linked only by files in the workdir (see WORKSPACE.md).

  data        a Project CodeNet root  -> data/{pairs,roots}.jsonl, data/stats.json (only with data.codenet)
  editors     base model + pairs      -> editors/{optimizer,degrader}/final
  trees       editors + roots         -> trees/{opt,degr}.jsonl (+ .done markers, stats.json)
  curriculum  trees + roots           -> curriculum/{easy,medium,hard}.jsonl, levels.json
  pkac        base model + curriculum -> pkac/stage{1,2,3}/final (stage k starts from stage k-1)
  evaluate    final model + benchmark -> (bite_jax.evaluation)

Outside the BITE order: `ift` (one IFT run -> ift/final) and `dpo` (one DPO run on preference records -> dpo/final).

Each stage returns at once when its outputs are complete, and resumes when they are partial.

The base model every stage starts from is a Hugging Face directory. With `config.model.hf_path` set,
that directory is used as is. Otherwise (the CPU demo) a byte-level BPE tokenizer is trained on the
bundled corpus, a freshly initialised model of `config.model.preset` is sized to it, and both are
written to WORKDIR/base in Hugging Face format, so every later stage loads the base the same way it
would load a downloaded checkpoint.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from pathlib import Path

import jax
import tokenizers
import transformers
from flax import nnx

import executor
from bite_jax import curriculum, hosts, parallel, tree
from bite_jax.config import ConfigError
from bite_jax.data import codenet
from bite_jax.data.mini import load_mini, train_pairs
from bite_jax.data.pairs import read_pairs
from bite_jax.data.preferences import read_preferences
from bite_jax.data.prompts import build_prompt
from bite_jax.data.records import normalize_language
from bite_jax.evaluate.loaders import load_tasks_jsonl
from bite_jax.models import (
  Decoder,
  from_pretrained,
  get_preset,
  is_trained_dir,
  load_trained_model,
  save_final,
  save_pretrained,
)
from bite_jax.train import train_ift
from bite_jax.train.dpo import train_dpo
from bite_jax.tree import store as tree_store

EDITORS = {'optimizer': 'optimize', 'degrader': 'degrade'}
SPECIAL_TOKENS = ('<|endoftext|>', '<|pad|>')
_BASE_DONE = 'BASE_DONE'


def train_tokenizer(texts: Iterable[str], vocab_size: int, split_words: bool = True):
  """A byte-level BPE tokenizer (transformers PreTrainedTokenizerFast) trained on `texts`.

  Byte-level, so any program round-trips; `<|endoftext|>` is EOS and BOS, `<|pad|>` pads. With
  `split_words` (GPT-2's rule) merges stay inside words; without it they may span spaces and newlines,
  so frequent code fragments (`for (int i = 0; i < n; i++) {`) become single tokens.
  """
  alphabet = tokenizers.pre_tokenizers.ByteLevel.alphabet()
  if vocab_size < len(alphabet) + len(SPECIAL_TOKENS):
    raise ValueError(f'tokenizer vocab_size={vocab_size} is below {len(alphabet) + len(SPECIAL_TOKENS)}')
  tok = tokenizers.Tokenizer(tokenizers.models.BPE())
  tok.pre_tokenizer = tokenizers.pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=split_words)
  tok.decoder = tokenizers.decoders.ByteLevel()
  trainer = tokenizers.trainers.BpeTrainer(
    vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS), initial_alphabet=alphabet, show_progress=False
  )
  tok.train_from_iterator(texts, trainer=trainer)
  return transformers.PreTrainedTokenizerFast(
    tokenizer_object=tok, eos_token='<|endoftext|>', bos_token='<|endoftext|>', pad_token='<|pad|>'
  )


def demo_corpus(languages=None) -> list[str]:
  """Texts for the demo tokenizer: the paper's prompts around every program of the mini train split's
  editor pairs (src, expert and, where a problem has them, slow and mid), each program once."""
  programs = {}
  for pair in train_pairs('train', languages=languages):
    for code in (pair.slow, pair.fast):
      programs.setdefault((pair.language, code), None)
  return [build_prompt(lang, code, d) + code for lang, code in programs for d in ('optimize', 'degrade')]


def languages(config) -> list[str] | None:
  return [s.strip() for s in config.data.languages.split(',') if s.strip()] or None


def say(message: str) -> None:
  print(f'[bite] {message}', flush=True)


def prepare_base(config, workdir: Path) -> Path:
  """The Hugging Face directory of the base model; builds WORKDIR/base for the demo once."""
  if config.model.hf_path:
    path = Path(config.model.hf_path)
    if not (path / 'config.json').is_file():
      raise FileNotFoundError(f'config.model.hf_path: no config.json in {path}')
    return path
  base = workdir / 'base'
  built = (base / _BASE_DONE).is_file()
  hosts.barrier('base-check')  # every process has looked before process 0 writes
  if built:
    return base
  if hosts.is_writer():
    _build_base(config, base)
  hosts.exchange('base-built', push='base', pull='base')
  return base


def _build_base(config, base: Path) -> None:
  languages = [s for s in config.data.languages.split(',') if s] or None
  tokenizer = train_tokenizer(
    demo_corpus(languages), vocab_size=config.model.tokenizer_vocab, split_words=config.model.tokenizer_split_words
  )
  eos = tokenizer.convert_tokens_to_ids('<|endoftext|>')
  pad = tokenizer.convert_tokens_to_ids('<|pad|>')
  model_config = get_preset(config.model.preset).replace(
    vocab_size=len(tokenizer),
    bos_token_id=eos,
    eos_token_id=eos,
    eos_token_ids=(eos,),
    pad_token_id=pad,
    dtype=config.model.dtype,
    param_dtype=config.model.param_dtype,
  )
  model = Decoder(model_config, rngs=nnx.Rngs(params=jax.random.key(config.seed)))
  base.mkdir(parents=True, exist_ok=True)
  save_pretrained(model, base, tokenizer=tokenizer)
  (base / _BASE_DONE).write_text(json.dumps({'preset': config.model.preset, 'vocab_size': len(tokenizer)}) + '\n')
  print(f'[bite] base: {config.model.preset} from scratch, tokenizer of {len(tokenizer)} tokens -> {base}', flush=True)


def run_ift(config, workdir: Path) -> Path:
  """The `ift` stage: one IFT run from `config.ift` into WORKDIR/ift; returns the final dir.

  The base model is `config.model.hf_path`, or (empty) the demo base built by `prepare_base`.
  """
  if not config.ift.data:
    raise ConfigError('config.ift.data: empty; pass --config.ift.data=PAIRS.jsonl')
  base = prepare_base(config, Path(workdir))
  pairs = read_pairs(config.ift.data, language=config.data.language or None)
  return train_ift(config.ift, config.model, config.mesh, Path(workdir) / 'ift', base_dir=str(base), pairs=pairs)


def run_dpo(config, workdir: Path) -> Path:
  """The `dpo` stage: one DPO run from `config.dpo` on the preference records of `config.dpo.data` into
  WORKDIR/dpo; returns the final dir. The model it starts from is `config.dpo.init`, else
  `config.model.hf_path`, else the demo base built by `prepare_base`.
  """
  if not config.dpo.data:
    raise ConfigError('config.dpo.data: empty; pass --config.dpo.data=PREFERENCES.jsonl')
  records = read_preferences(config.dpo.data, language=config.data.language or None)
  base = prepare_base(config, Path(workdir))
  return train_dpo(config.dpo, config.model, config.mesh, Path(workdir) / 'dpo', base_dir=str(base), records=records)


def data_file(config, workdir: Path | None, name: str) -> str:
  """The `data.pairs` / `data.roots` file in use: the config's, else with `data.codenet` the data stage's
  WORKDIR/data/NAME.jsonl, else '' (the mini train split)."""
  if config.data[name]:
    return config.data[name]
  if config.data.codenet and workdir is not None:
    path = Path(workdir) / 'data' / f'{name}.jsonl'
    if not path.is_file():
      raise FileNotFoundError(f'{path}: missing; run --config.stage=data first (config.data.codenet is set)')
    return str(path)
  return ''


def run_data(config, workdir: Path) -> dict | None:
  """The data stage: editor pairs and tree roots mined from `data.codenet` (bite_jax.data.codenet) into
  WORKDIR/data; returns the stats (None when data.codenet is empty: nothing to do). With several
  processes, process 0 mines and the others wait for its files."""
  if hosts.count() == 1:
    return _mine(config, workdir)
  hosts.barrier('data-check')
  stats = _mine(config, workdir) if hosts.is_writer() else None
  hosts.exchange('data-mined', push='data', pull='data')
  path = Path(workdir) / 'data' / 'stats.json'
  return stats if hosts.is_writer() or not path.is_file() else json.loads(path.read_text(encoding='utf-8'))


def _mine(config, workdir: Path) -> dict | None:
  if not config.data.codenet:
    say('data: config.data.codenet is empty, skipped (pairs and roots come from data.pairs / data.roots or mini)')
    return None
  out = Path(workdir) / 'data'
  if (out / 'stats.json').is_file():
    say('data: complete, skipped')
    return json.loads((out / 'stats.json').read_text(encoding='utf-8'))
  count_tokens = None
  if config.model.hf_path:
    tokenizer = transformers.AutoTokenizer.from_pretrained(config.model.hf_path)
    count_tokens = lambda text: len(tokenizer(text, add_special_tokens=False)['input_ids'])  # noqa: E731
  options = dict(
    pairs_per_language=int(config.data.pairs_per_language),
    roots_per_language=int(config.data.roots_per_language),
    min_speedup=float(config.data.min_speedup),
    seed=int(config.data.seed),
    max_tokens=int(config.editors.optimizer.max_len),
    count_tokens=count_tokens,
    languages=languages(config),
  )
  say(f'data: mining {config.data.codenet} into {out}')
  if config.data.verify_roots or config.data.verify_pairs:
    limits = dict(timeout=float(config.executor.timeout), memory_mb=int(config.executor.memory_mb))
    with executor_pool(config, workdir) as pool:
      if config.data.verify_roots:
        options['verify'] = codenet.pool_verifier(pool, **limits)
      if config.data.verify_pairs:
        threshold = max(float(config.data.min_speedup), 1.0001)  # compare needs a threshold above 1
        options['verify_pairs'] = codenet.pool_pair_verifier(pool, threshold=threshold, **limits)
      stats = codenet.prepare(config.data.codenet, out, **options)
  else:
    stats = codenet.prepare(config.data.codenet, out, **options)
  say(
    'data: '
    + ', '.join(f'{lang} {s["pairs"]} pairs {s["roots"]} roots' for lang, s in stats['languages'].items() if s['kept'])
  )
  return stats


def editor_pairs(config, workdir: Path | None = None):
  """The editors' training pairs: `data.pairs` (ours or PIE JSONL; rows without a language take
  `data.language`), else the data stage's pairs, else the mini train split; only the languages of
  `data.languages` (all when empty)."""
  path = data_file(config, workdir, 'pairs')
  if not path:
    return train_pairs('train', languages=languages(config))
  pairs = read_pairs(path, language=config.data.language or None)
  wanted = languages(config)
  if wanted:
    keys = {normalize_language(name) for name in wanted}
    kept = [p for p in pairs if p.language in keys]
    if not kept:
      raise ConfigError(f'config.data.languages: {path} has no pair in {", ".join(wanted)}')
    pairs = kept
  return pairs


def tree_roots(config, workdir: Path | None = None):
  """The tree roots: `data.roots` (Task JSONL), else the data stage's roots, else the mini train split;
  at most `tree.max_roots`."""
  path = data_file(config, workdir, 'roots')
  roots = load_tasks_jsonl(path) if path else load_mini(split='train', languages=languages(config))
  if path and languages(config):
    wanted = set(languages(config))
    roots = [t for t in roots if t.language in wanted]
  if config.tree.max_roots > 0:
    roots = roots[: config.tree.max_roots]
  if not roots:
    raise ConfigError('config.data.roots: no tree roots: data.roots / data.languages select nothing')
  return roots


def editor_dir(workdir: Path, name: str) -> Path:
  return workdir / 'editors' / name / 'final'


def run_editors(config, workdir: Path) -> dict[str, Path]:
  """IFT of the optimizer (slow -> fast) and the degrader (fast -> slow), both from the base model."""
  finals = {name: editor_dir(workdir, name) for name in EDITORS}
  if all(is_trained_dir(f) for f in finals.values()):
    say('editors: complete, skipped')
    return finals
  pairs = editor_pairs(config, workdir)  # read (and checked) before the base model is built
  base = prepare_base(config, workdir)
  for name, direction in EDITORS.items():
    if is_trained_dir(finals[name]):
      continue
    ift = copy.deepcopy(config.editors[name])
    ift.direction = direction
    say(f'editors: training the {name} ({direction}) on {len(pairs)} pairs')
    train_ift(ift, config.model, config.mesh, workdir / 'editors' / name, base_dir=str(base), pairs=pairs)
  return finals


def executor_pool(config, workdir: Path):
  """The pool that runs model-written programs, after checking they will be sandboxed (or that the config
  allows otherwise); the isolation in force is written to WORKDIR/isolation.json for the report (by process 0)."""
  isolation = executor.require_sandbox(allow_unsandboxed=bool(config.executor.allow_unsandboxed))
  if hosts.is_writer():  # every host checks its own sandbox; the report shows the first host's
    (workdir / 'isolation.json').write_text(json.dumps(isolation, indent=1) + '\n', encoding='utf-8')
  if isolation.get('sandbox') != 'bwrap':
    say('executor: UNSANDBOXED (executor.allow_unsandboxed=True): model-written programs run without namespaces')
  workers = int(config.executor.workers) or None
  return executor.Pool(workers)


def run_trees(config, workdir: Path) -> dict:
  """Grows the optimization and the degradation tree of every root (bite_jax.tree).

  With several processes each grows the trees of its share of the roots (bite_jax.hosts) into its own
  shard files, and process 0 merges them into trees/{opt,degr}.jsonl once every shard is complete. Samples
  are keyed by node id, so the trees are those a single process grows. A rerun resumes every shard."""
  roots = tree_roots(config, workdir)
  kwargs = {d: tree.grow_tree_kwargs(config, d) for d in EDITORS.values()}
  shapes = {d: {key: kw[key] for key in ('height', 'width', 'threshold', 'extra_inputs')} for d, kw in kwargs.items()}
  root_ids = [t.task_id for t in roots]
  paths = {direction: workdir / 'trees' / f'{tree.tree_name(direction)}.jsonl' for direction in EDITORS.values()}
  complete = {d: tree.tree_complete(path, root_ids, direction=d, **shapes[d]) for d, path in paths.items()}
  mine = hosts.share(roots)
  sharded = hosts.count() > 1
  # The sandbox is checked before anything else, so a run that may not execute children stops at once.
  pool = None if all(complete.values()) else executor_pool(config, workdir)
  root_results = {}  # both trees grow from the same roots: their measuring and screening runs are shared
  try:
    for name, direction in EDITORS.items():
      path = paths[direction]
      if complete[direction]:
        say(f'trees: {path.name} complete, skipped')
        continue
      final = editor_dir(workdir, name)
      if not is_trained_dir(final):
        raise FileNotFoundError(f'{final}: the {name} editor is not trained; run --config.stage=editors first')
      out = hosts.shard_file(path) if sharded else path
      if not mine:
        say(f'trees: process {hosts.index()} has no roots (more processes than roots)')
        continue
      editor = tree.load_editor(final, config.sample)
      share = f' (process {hosts.index()} of {hosts.count()}: {len(mine)} of {len(roots)} roots)' if sharded else ''
      shape = shapes[direction]
      say(f'trees: growing {out.name} from {len(mine)} roots (h={shape["height"]}, m={shape["width"]}){share}')
      with hosts.syncing(out):
        tree.grow_tree(mine, editor, direction, out, pool=pool, root_results=root_results, **kwargs[direction])
  finally:
    if pool is not None:
      pool.close()
  if sharded and not all(complete.values()):
    _merge_tree_shards(roots, paths, complete, shapes)
  summary = {tree.tree_name(d): tree.tree_statistics(tree.read_tree(path)) for d, path in paths.items()}
  if hosts.is_writer():
    (workdir / 'trees' / 'stats.json').write_text(json.dumps(summary, indent=1) + '\n', encoding='utf-8')
  return summary


def _merge_tree_shards(roots, paths: dict, complete: dict, shapes: dict) -> None:
  """After every process grew its shards: process 0 checks each shard is complete, merges them into the tree
  files with their .done markers, and the others wait for it (then fetch the merged trees)."""
  hosts.exchange('trees-grown', push='trees/shards', pull='trees/shards' if hosts.is_writer() else None)
  if hosts.is_writer():
    root_ids = [t.task_id for t in roots]
    for direction, path in paths.items():
      if complete[direction]:
        continue
      shape = shapes[direction]
      shards = []
      for k in range(hosts.count()):
        share = hosts.share(roots, process=k)
        shard = hosts.shard_file(path, process=k)
        if share and not tree.tree_complete(shard, share, direction=direction, **shape):
          raise RuntimeError(f'{shard}: process {k} did not finish its share of the {path.name} tree')
        shards.append(shard)
      nodes = tree_store.merge_trees([s for s in shards if s.exists()], path, root_ids)
      summary = {k: v for k, v in tree.tree_statistics(nodes).items() if k in ('nodes', 'kept', 'reasons')}
      summary['extra_inputs'] = shape['extra_inputs']
      tree_store.write_done(path, tree_store.tree_signature(direction, root_ids, **shape), summary)
      say(f'trees: {path.name}: merged {len(nodes)} nodes from {hosts.count()} processes')
  hosts.exchange('trees-merged', push='trees', pull='trees')


def run_curriculum(config, workdir: Path) -> dict:
  """Easy/medium/hard pairs from the trees (bite_jax.curriculum), written to WORKDIR/curriculum.

  With several processes each measures the pairs of its share of the roots into curriculum/shards/ and
  process 0 merges the shares, in root order, into the files one process writes."""
  out = workdir / 'curriculum'
  summary_path = out / 'levels.json'
  if summary_path.is_file():
    say('curriculum: complete, skipped')
    return json.loads(summary_path.read_text(encoding='utf-8'))
  roots = tree_roots(config, workdir)
  nodes = {}
  for direction in EDITORS.values():
    path = workdir / 'trees' / f'{tree.tree_name(direction)}.jsonl'
    if not tree_store.done_path(path).is_file():
      raise FileNotFoundError(f'{path}: the tree is not complete; run --config.stage=trees first')
    nodes[direction] = tree.read_tree(path)
  sharded = hosts.count() > 1
  mine = hosts.share(roots)
  shard_dir = out / 'shards' / f'p{hosts.index()}of{hosts.count()}'
  if sharded and (shard_dir / 'levels.json').is_file():
    say(f'curriculum: process {hosts.index()}: its share is measured, reused')
  else:
    with executor_pool(config, workdir) as pool:
      levels = curriculum.build_levels(
        mine, nodes['optimize'], nodes['degrade'], pool=pool, **curriculum.levels_kwargs(config)
      )
    curriculum.write_levels(levels, shard_dir if sharded else out)  # levels.json last: it marks completion
  if sharded:
    hosts.exchange(
      'curriculum-measured', push='curriculum/shards', pull='curriculum/shards' if hosts.is_writer() else None
    )
    if hosts.is_writer():
      shards = [curriculum.read_levels(out / 'shards' / f'p{k}of{hosts.count()}') for k in range(hosts.count())]
      curriculum.write_levels(curriculum.merge_levels(shards, roots), out)
    hosts.exchange('curriculum-merged', push='curriculum', pull='curriculum')
  levels = json.loads(summary_path.read_text(encoding='utf-8'))
  say(
    'curriculum: '
    + ', '.join(f'{lvl} {levels["pairs"][lvl]} pairs' for lvl in curriculum.LEVELS)
    + f'; roots lacking a level: {levels["missing"]}'
  )
  return levels


def stage_dir(workdir: Path, k: int) -> Path:
  return workdir / 'pkac' / f'stage{k}'


def pkac_plan(config, workdir: Path) -> list[tuple[int, list]]:
  """[(stage number, training pairs)] in order, from the curriculum files."""
  levels = {}
  for level in curriculum.LEVELS:
    path = workdir / 'curriculum' / f'{level}.jsonl'
    if not path.is_file():
      raise FileNotFoundError(f'{path}: missing; run --config.stage=curriculum first')
    levels[level] = read_pairs(path)
  mixtures = curriculum.pkac_mixtures(
    levels['easy'], levels['medium'], levels['hard'], **curriculum.mixtures_kwargs(config)
  )
  numbers = curriculum.parse_stages(config.curriculum.stages)
  if config.curriculum.mixing == 'union':
    numbers = numbers[-1:]
  return list(zip(numbers, mixtures))


def final_model_dir(config, workdir: Path) -> Path:
  """The model the pipeline ends with: the last PKAC stage's final directory."""
  k, _ = pkac_plan(config, workdir)[-1]
  return stage_dir(workdir, k) / 'final'


def _carry_forward(config, source: Path, final: Path, stage: int, reason: str) -> None:
  """A stage with no pairs keeps its starting parameters, saved as that stage's checkpoint and marked untrained."""
  # On every process's devices (the global mesh), as training would have left them: Orbax saves global arrays.
  mesh = parallel.make_mesh(data=-1)
  if is_trained_dir(source):
    model = load_trained_model(source, mesh=mesh, dtype=config.model.dtype, param_dtype=config.model.param_dtype)
  else:
    model = from_pretrained(source, dtype=config.model.dtype, param_dtype=config.model.param_dtype, mesh=mesh)
  params = nnx.state(model, nnx.Param)
  save_final(
    final,
    params,
    model_config=model.config,
    source=source,
    info={'pkac_stage': stage, 'trained': False, 'reason': reason, 'started_from': str(source), 'steps': 0},
  )


def run_pkac(config, workdir: Path) -> list[Path]:
  """PKAC: each stage trains on its mixture, starting from the previous stage (stage 1: the base model)."""
  plan = pkac_plan(config, workdir)
  finals = [stage_dir(workdir, k) / 'final' for k, _ in plan]
  if all(is_trained_dir(f) for f in finals):
    say('pkac: complete, skipped')
    return finals
  base = prepare_base(config, workdir)
  start = base
  for (k, pairs), final in zip(plan, finals):
    if not is_trained_dir(final):
      ift = copy.deepcopy(config.pkac)
      ift.direction = 'optimize'
      if not pairs:
        say(
          f'pkac: stage {k} has no pairs (the trees kept no node for its levels); its checkpoint is {start} unchanged'
        )
        _carry_forward(config, start, final, k, 'no pairs from the trees')
      else:
        ift.init = str(start)
        say(f'pkac: stage {k} on {len(pairs)} pairs from {start}')
        train_ift(ift, config.model, config.mesh, stage_dir(workdir, k), base_dir=str(base), pairs=pairs)
    start = final
  return finals
