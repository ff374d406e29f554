"""The full set of config fields, with defaults; `configs/*.py` start from here.

Every stage reads only its own section plus `model`, `mesh` and `executor`, so a
flag such as `--config.ift.steps=6` changes one thing.
"""

import ml_collections

STAGES = ('data', 'editors', 'trees', 'curriculum', 'pkac', 'evaluate')  # 'all' runs data only with data.codenet set


class ConfigError(ValueError):
  """A config field holds a value no stage can use; the message starts with the field's name (`config.x.y`)."""


def ift_defaults() -> ml_collections.ConfigDict:
  """One instruction fine-tuning run (used by `ift`, `editors` and each PKAC stage)."""
  c = ml_collections.ConfigDict()
  c.data = ''  # JSONL pairs (our records or PIE format)
  c.direction = 'optimize'  # optimize: slow -> fast; degrade: fast -> slow
  c.init = ''  # '' = the base model; else an Orbax or HF directory to start from
  c.steps = 0  # 0 = derive from epochs
  c.epochs = 2
  c.batch_size = 8
  c.max_len = 1024  # tokens per padded row, at most
  c.length_buckets = 1  # 1 = rows padded to max_len; k > 1: a batch is padded to max_len / 2**j (j < k) when it fits
  c.grad_accum = 1
  c.rows_per_pass = 0  # rows per device per forward/backward pass (a micro-batch is summed over passes); 0 = auto (cache-sized on CPU, whole micro-batch on accelerators)
  c.lr = 1e-5
  c.warmup_steps = 0
  c.warmup_ratio = 0.03
  c.decay_steps = 0  # cosine horizon in steps; 0 = epochs x steps/epoch (constant after warmup if epochs = 0)
  c.min_lr_ratio = 0.0
  c.weight_decay = 0.0
  c.clip_norm = 1.0
  c.b1 = 0.9
  c.b2 = 0.95
  c.loss_chunk = 0  # positions per cross-entropy chunk; 0 = auto (2-32 MiB of logits per CPU device, by LM-head size; 1 GiB on accelerators)
  c.checkpoint_every = 200
  c.keep_checkpoints = 3
  c.export_hf = False
  c.log_every = 1
  c.seed = 0
  return c


def base_config() -> ml_collections.ConfigDict:
  c = ml_collections.ConfigDict()
  c.stage = 'all'  # 'all', one of STAGES, 'ift' (a single IFT run) or 'dpo' (a single DPO run)
  c.seed = 0

  c.model = ml_collections.ConfigDict()
  c.model.preset = 'tiny'  # a name in bite_jax.models.presets.PRESETS
  c.model.hf_path = ''  # a Hugging Face checkpoint dir; '' = preset trained from scratch
  c.model.dtype = 'float32'  # compute dtype
  c.model.param_dtype = 'float32'
  c.model.remat = False
  c.model.tokenizer_vocab = 2048  # demo only: BPE size when the base is trained from scratch
  c.model.tokenizer_split_words = True  # demo only: False lets BPE merges span spaces and newlines

  c.mesh = ml_collections.ConfigDict()
  c.mesh.data = -1  # -1 fills the devices left over by the other axes
  c.mesh.fsdp = 1
  c.mesh.tensor = 1
  # N > 0 (a power of two): IFT and PKAC give the same bits on every power-of-two number of data x fsdp
  # devices (or processes) up to N: each group of rows' gradient alone, summed in one fixed tree
  # (bite_jax.train.invariant); needs tensor = 1. 0: XLA sums the gradient (fastest).
  c.mesh.invariant = 0
  c.mesh.coordinator = ''  # multi-host jax.distributed: host:port, or 'auto' (TPU VM slice, SLURM...); '' = single host
  c.mesh.num_processes = 0
  c.mesh.process_id = -1

  c.data = ml_collections.ConfigDict()
  c.data.pairs = ''  # editor training pairs; '' = WORKDIR/data/pairs.jsonl with data.codenet, else the mini train split
  c.data.roots = (
    ''  # tree roots (JSONL tasks); '' = WORKDIR/data/roots.jsonl with data.codenet, else the mini train split
  )
  c.data.languages = ''  # comma-separated subset, '' = all
  c.data.language = (
    ''  # the language of pair-file rows that name none (PIE: cpp or python); '' = such a row is an error
  )
  # The data stage (bite_jax/data/codenet): a Project CodeNet root to mine pairs and roots from; '' = no data stage.
  c.data.codenet = ''
  c.data.pairs_per_language = 5000  # most editor pairs per language
  c.data.roots_per_language = 10000  # most tree roots per language
  c.data.min_speedup = 1.1  # least judged cpu_time ratio slow / fast of a pair
  c.data.verify_roots = True  # run every root on its tests in the executor; drop the ones that fail
  # Run both programs of every pair on the problem's tests and compare them; keep a pair only if both pass
  # and the measured speedup confirms the judge's (>= min_speedup). Costs a compare per pair.
  c.data.verify_pairs = False
  c.data.seed = 0  # the order of problems and roots

  c.ift = ift_defaults()

  c.editors = ml_collections.ConfigDict()
  c.editors.optimizer = ift_defaults()
  c.editors.degrader = ift_defaults()
  c.editors.degrader.direction = 'degrade'

  c.sample = ml_collections.ConfigDict()
  c.sample.temperature = 1.0
  c.sample.top_p = 1.0
  c.sample.top_k = 0
  c.sample.max_new_tokens = 512
  c.sample.batch_size = 16
  # True: a sample depends only on its prompt, key and seed, never on the prompts decoded beside it, so
  # trees and candidates are the same on any number of processes (bite_jax.sample.Sampler's `invariant`;
  # costs idle rows and one prefill call per prompt). False: the fastest batches.
  c.sample.invariant = False

  c.tree = ml_collections.ConfigDict()
  c.tree.height = 5  # h
  c.tree.width = 10  # m children per node
  # Each tree apart (the paper's Figure 3 varies one with the other fixed); -1 = the shared height / width.
  c.tree.opt = ml_collections.ConfigDict({'height': -1, 'width': -1})
  c.tree.degr = ml_collections.ConfigDict({'height': -1, 'width': -1})
  # How a height reads: 'edits' = rounds of edits below the root; 'levels' = levels counting the root, as
  # in the paper's Algorithm 1 listing (T = [src]; while len(T) < h), one round fewer (bite_jax.tree.tree_shape).
  c.tree.height_counts = 'edits'
  c.tree.threshold = 1.1  # keep a child only if > 10% faster (slower)
  c.tree.max_roots = 0  # 0 = all
  c.tree.max_rounds = 40  # most interleaved rounds per parent/child comparison (inexact meters)
  c.tree.budget_s = 300.0  # most seconds per comparison
  # A child the compare keeps must also print what its parent prints on this many extra inputs (0 = off).
  c.tree.extra_inputs = 8

  c.curriculum = ml_collections.ConfigDict()
  c.curriculum.top_fraction = 0.5  # of the previous level replayed in the next stage; 0 = none (no consolidation)
  c.curriculum.stages = '1,2,3'  # PKAC stages to run, in order (ablations: '3', '2,3', ...)
  c.curriculum.mixing = 'progressive'  # progressive (PKAC) or union (all levels in one stage)
  c.curriculum.min_speedup = 1.0  # drop a pair whose re-measured speedup is not above this
  c.curriculum.repeats = 0  # measured rounds per root when re-measuring slow/src/fast; 0 = executor default

  c.pkac = ift_defaults()

  # The `dpo` stage: one DPO run (bite_jax.train.dpo) on preference records, an IFT section plus these two.
  c.dpo = ift_defaults()
  c.dpo.data = ''  # JSONL preference records: src, chosen (faster), rejected (slower), language
  c.dpo.beta = 0.1  # DPO temperature: larger keeps the policy closer to the reference
  c.dpo.reference = ''  # the frozen reference model's directory; '' = the model the run starts from

  c.evaluate = ml_collections.ConfigDict()
  c.evaluate.benchmark = (
    'mini'  # mini, pie:PAIRS.jsonl, ecco:EDIT.jsonl, mercury:FILE.jsonl, codenet:DIR or tasks:FILE.jsonl
  )
  c.evaluate.tests_dir = ''  # pie / ecco: test-case directories (<dir>/<problem_id>/input.N.txt), comma-separated
  c.evaluate.statements = ''  # pie: CodeNet problem_descriptions (tar.gz or directory) whose samples are the tests
  c.evaluate.limit = 0  # at most this many benchmark tasks (0 = all)
  c.evaluate.split = 'test'
  # Also score every system on this mini split (e.g. 'train': the problems it trained on), reported apart.
  c.evaluate.seen_split = ''
  c.evaluate.methods = 'direct'  # comma-separated: direct, rag, refine, sbllm
  # '' = the pipeline's own models (final + baselines); else one model scored with each method instead: a
  # directory, or an OpenAI-compatible endpoint openai:URL#MODEL (completions) / openai-chat:URL#MODEL (chat).
  c.evaluate.model = ''
  c.evaluate.api_key_env = 'OPENAI_API_KEY'  # endpoint: the environment variable holding the API key
  c.evaluate.endpoint_concurrency = 8  # endpoint: most requests in flight
  c.evaluate.sbllm_rounds = 4  # sbllm: search rounds after the first samples
  c.evaluate.sbllm_keep = 2  # sbllm: best correct programs shown to each round
  c.evaluate.sbllm_patterns = 2  # sbllm: retrieved optimization patterns per prompt
  c.evaluate.num_samples = 1
  # Baseline systems scored next to BITE (bite_jax.baselines.systems): a comma list of pie-ift, pie-perfcond,
  # ecco-exec, ecco-trajectory, mercury-dpo, supersonic, base; 'all'; or 'none'.
  c.evaluate.baselines = 'pie-ift,base'
  # A candidate must also print what the source prints on this many extra inputs to be correct (0 = off).
  c.evaluate.extra_inputs = 8
  # Tasks whose source's McCabe complexity is above this are 'complex', the rest 'simple' (metrics.json:
  # by_complexity; bite_jax.evaluate.complexity: 10 is McCabe's own limit).
  c.evaluate.complexity_threshold = 10

  # The training-based baselines' own settings; their IFT runs use editors.optimizer's, DPO its own.
  c.baselines = ml_collections.ConfigDict()
  c.baselines.perfcond_bins = 10  # PIE-PerfCond: speedup bins (quantiles); inference asks for the top one
  c.baselines.measure_inputs = 0  # PIE-PerfCond: test inputs a pair without a speedup is measured on (0 = all)
  c.baselines.measure_repeats = 3  # ... and measured rounds (CPU time unless executor.meter is set)
  c.baselines.trajectory_context = 3  # ECCO-Trajectory: earlier versions shown in the prompt, at most
  c.baselines.diff_context = 1  # Supersonic: unchanged lines around each change in the target diff
  c.baselines.ecco_rounds = 2  # ECCO-Execution: refinement rounds with execution feedback

  c.executor = ml_collections.ConfigDict()
  c.executor.workers = 0  # 0 = one per core
  c.executor.meter = ''  # '' = the best the machine supports
  c.executor.timeout = 10.0  # seconds per run
  c.executor.memory_mb = 1024
  # Model-written programs run only inside bubblewrap's namespaces unless this is True.
  c.executor.allow_unsandboxed = False
  return c


def training_sections(c) -> tuple:
  """The four IFT-shaped sections of a config: the `ift` stage, both editors and the PKAC stages."""
  return (c.ift, c.editors.optimizer, c.editors.degrader, c.pkac)


def paper_config(preset: str) -> ml_collections.ConfigDict:
  """The paper's settings on a real model preset: h=5, m=10, temperature 1.0, lr 1e-5, 2 epochs, bf16 + remat."""
  c = base_config()
  c.model.preset = preset
  c.model.dtype = 'bfloat16'
  c.model.param_dtype = 'float32'
  c.model.remat = True
  c.mesh.fsdp = -1
  c.mesh.data = 1
  for ift in training_sections(c):
    ift.lr = 1e-5
    ift.epochs = 2
    ift.steps = 0
    ift.batch_size = 32
    ift.max_len = 2048
    ift.checkpoint_every = 500
  c.dpo.lr = 5e-7  # DPO from an IFT model moves far less than IFT itself
  c.dpo.epochs = 2
  c.dpo.steps = 0
  c.dpo.batch_size = 32
  c.dpo.max_len = 2048
  c.dpo.checkpoint_every = 500
  c.sample.temperature = 1.0
  c.sample.max_new_tokens = 1024
  c.tree.height = 5
  c.tree.width = 10
  c.evaluate.methods = 'direct,rag,refine'
  return c
