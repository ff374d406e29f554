"""launch/*.sh: what each script runs, read from its --dry_run output (no gcloud, sbatch or GPU needed).

Every printed line is one shell command; shlex.split reads it the way a POSIX shell would.
"""

import json
import os
import shlex
import subprocess
import sys

import pytest

from tests.helpers import paths

LAUNCH = paths.REPO / 'launch'
SCRIPTS = ('tpu_vm.sh', 'gpu.sh', 'slurm.sh')
SPACED_FLAG = '--config.model.hf_path=/ckpt/Qwen 2.5 (1.5B)'
QUOTED_FLAG = "--config.evaluate.benchmark=tasks:it's.jsonl"
TOOLS = ('gcloud', 'sbatch', 'srun', 'python', 'python3', 'pip')


@pytest.fixture
def tripwire_path(tmp_path):
  """A PATH whose gcloud, sbatch, srun, python and pip record that they ran, then fail."""
  bin_dir = tmp_path / 'bin'
  bin_dir.mkdir()
  for tool in TOOLS:
    exe = bin_dir / tool
    exe.write_text(f'#!/usr/bin/env bash\necho {tool} >> {tmp_path / "ran.txt"}\nexit 1\n')
    exe.chmod(0o755)
  yield f'{bin_dir}{os.pathsep}{os.environ["PATH"]}'
  assert not (tmp_path / 'ran.txt').exists(), 'a dry run started ' + (tmp_path / 'ran.txt').read_text()


def _launch(script: str, *args: str, path: str | None = None) -> subprocess.CompletedProcess:
  env = dict(os.environ, PATH=path or os.environ['PATH'])
  return subprocess.run(['bash', str(LAUNCH / script), *args], capture_output=True, text=True, env=env, timeout=60)


def _commands(script: str, *args: str, path: str) -> list[list[str]]:
  proc = _launch(script, '--dry_run', *args, path=path)
  assert proc.returncode == 0, proc.stderr
  return [shlex.split(line) for line in proc.stdout.splitlines()]


def _option(argv: list[str], name: str) -> str:
  values = [a.split('=', 1)[1] for a in argv if a.startswith(f'{name}=')]
  assert len(values) == 1, f'{name} in {argv}'
  return values[0]


def _main_args(words: list[str]) -> list[str]:
  """The arguments after `-m bite_jax.main` up to the first shell operator."""
  start = words.index('bite_jax.main') + 1
  end = next((i for i in range(start, len(words)) if words[i] in ('>', '&&', '&', ';')), len(words))
  return words[start:end]


# ------------------------------------------------------------------ every script


@pytest.mark.parametrize('script', SCRIPTS)
def test_script_parses_and_is_executable(script):
  assert subprocess.run(['bash', '-n', str(LAUNCH / script)], capture_output=True).returncode == 0
  assert os.access(LAUNCH / script, os.X_OK)


@pytest.mark.parametrize(
  'script,args',
  [
    ('tpu_vm.sh', ['name', 'zone', 'configs/x.py']),
    ('tpu_vm.sh', ['--bogus', 'name', 'zone', 'configs/x.py', 'gs://b/run']),
    ('gpu.sh', ['configs/x.py']),
    ('gpu.sh', ['--bogus', 'configs/x.py', 'runs/x']),
    ('slurm.sh', ['configs/x.py']),
    ('slurm.sh', ['--nodes=0', 'configs/x.py', 'runs/x']),
    ('slurm.sh', ['--gpus_per_node=eight', 'configs/x.py', 'runs/x']),
  ],
)
def test_bad_usage_prints_usage_and_exits_2(script, args, tripwire_path):
  proc = _launch(script, '--dry_run', *args, path=tripwire_path)
  assert proc.returncode == 2
  assert f'usage: bash launch/{script}' in proc.stderr
  assert proc.stdout == ''


# ------------------------------------------------------------------ tpu_vm.sh


def _tpu(*options: str, flags: tuple[str, ...] = (), path: str) -> list[list[str]]:
  positional = ('my-tpu', 'us-east5-a', 'configs/qwen2_5_1_5b.py', 'gs://bucket/run')
  return _commands('tpu_vm.sh', *options, *positional, *flags, path=path)


def _tpu_vm(commands: list[list[str]], subcommand: str) -> list[list[str]]:
  """The `gcloud compute tpus tpu-vm SUBCOMMAND` lines, in order."""
  return [c for c in commands if c[:5] == ['gcloud', 'compute', 'tpus', 'tpu-vm', subcommand]]


def _remote(argv: list[str]) -> list[str]:
  """The words of the command an ssh line runs on the workers."""
  return shlex.split(_option(argv, '--command'))


def test_tpu_every_gcloud_command_reaches_all_workers(tripwire_path):
  gcloud = [c for c in _tpu(path=tripwire_path) if c[0] == 'gcloud']
  assert len(gcloud) >= 3
  for argv in gcloud:
    assert argv[:4] == ['gcloud', 'compute', 'tpus', 'tpu-vm']
    assert '--worker=all' in argv and '--zone=us-east5-a' in argv


def test_tpu_ships_the_local_checkout_as_an_archive(tripwire_path):
  commands = _tpu(path=tripwire_path)
  archive = commands[0]
  assert archive[:3] == ['git', '-C', str(paths.REPO)] and archive[3] == 'archive' and archive[-1] == 'HEAD'
  tarball = _option(archive, '--output')
  [scp] = _tpu_vm(commands, 'scp')
  assert scp[5] == tarball and scp[6].startswith('my-tpu:')
  unpack = _remote(commands[commands.index(scp) + 1])
  assert unpack[unpack.index('tar') :][:4] == ['tar', '-xzf', '~/bite-jax.tar.gz', '-C']
  assert not any('clone' in c for c in commands)


def test_tpu_clones_a_git_url_at_the_ref(tripwire_path):
  commands = _tpu('--repo=https://example.com/bite-jax.git', '--ref=v1.2', path=tripwire_path)
  remote = _remote(commands[0])
  assert remote[remote.index('clone') :][:3] == ['clone', '--quiet', 'https://example.com/bite-jax.git']
  assert remote[-3:] == ['checkout', '--quiet', 'v1.2']
  assert not _tpu_vm(commands, 'scp') and not any(c[0] == 'git' for c in commands)


def test_tpu_installs_toolchains_and_the_tpu_extra(tripwire_path):
  remote = [' '.join(_remote(c)) for c in _tpu_vm(_tpu(path=tripwire_path), 'ssh')]
  install = next(r for r in remote if 'pip' in r)
  assert install.startswith('cd ~/bite-jax && sudo python3 -m executor setup && ')
  assert install.endswith('python3 -m pip install --quiet -e .[tpu,gcs]')


def test_tpu_starts_main_on_every_worker_with_auto_coordinator_and_the_flags(tripwire_path):
  last = _tpu(flags=(SPACED_FLAG, QUOTED_FLAG, '--config.tree.width=10'), path=tripwire_path)[-1]
  assert _tpu_vm([last], 'ssh') and '--worker=all' in last
  remote = _remote(last)
  assert _main_args(remote) == [
    '--config=configs/qwen2_5_1_5b.py',
    '--workdir=gs://bucket/run',
    '--config.mesh.coordinator=auto',
    SPACED_FLAG,
    QUOTED_FLAG,
    '--config.tree.width=10',
  ]
  log = remote[remote.index('>') + 1]
  assert log.startswith('~/bite-jax-logs/') and '$(hostname)' in log


def test_tpu_unknown_local_ref_is_a_usage_error(tripwire_path):
  proc = _launch('tpu_vm.sh', '--dry_run', '--ref=no-such-ref', 'n', 'z', 'c', 'w', path=tripwire_path)
  assert proc.returncode == 2 and 'no-such-ref' in proc.stderr


# ------------------------------------------------------------------ gpu.sh


def test_gpu_installs_then_runs_one_process_for_all_local_gpus(tripwire_path):
  commands = _commands('gpu.sh', 'configs/x.py', 'runs/x', SPACED_FLAG, path=tripwire_path)
  assert commands[0] == ['cd', str(paths.REPO)]
  assert commands[1] == ['python', '-m', 'pip', 'install', '--quiet', '-e', '.[cuda]']
  assert commands[2] == ['python', '-m', 'executor', 'setup']
  main = commands[3]
  assert main[:2] == ['env', 'XLA_PYTHON_CLIENT_MEM_FRACTION=0.9']
  assert _main_args(main) == ['--config=configs/x.py', '--workdir=runs/x', SPACED_FLAG]


def test_gpu_no_install_skips_pip_and_setup(tripwire_path):
  commands = _commands('gpu.sh', '--no_install', 'configs/x.py', 'runs/x', path=tripwire_path)
  assert [c[0] for c in commands] == ['cd', 'env']


def test_gpu_runs_main_with_the_flags_unchanged(tmp_path):
  # Without --dry_run: a stand-in `python` records the argv it is given.
  bin_dir = tmp_path / 'bin'
  bin_dir.mkdir()
  record = tmp_path / 'argv.json'
  fake = bin_dir / 'python'
  fake.write_text(
    f'#!{sys.executable}\nimport json, os, sys\n'
    f'json.dump([os.environ["XLA_PYTHON_CLIENT_MEM_FRACTION"], *sys.argv[1:]], open({str(record)!r}, "w"))\n'
  )
  fake.chmod(0o755)
  proc = _launch('gpu.sh', '--no_install', 'c.py', 'w', QUOTED_FLAG, path=f'{bin_dir}{os.pathsep}{os.environ["PATH"]}')
  assert proc.returncode == 0, proc.stderr
  assert json.loads(record.read_text()) == ['0.9', '-m', 'bite_jax.main', '--config=c.py', '--workdir=w', QUOTED_FLAG]


# ------------------------------------------------------------------ slurm.sh


def _slurm(*args: str, path: str) -> tuple[str, list[str]]:
  """(the sbatch script, the sbatch command) of a dry run."""
  proc = _launch('slurm.sh', '--dry_run', *args, path=path)
  assert proc.returncode == 0, proc.stderr
  lines = proc.stdout.splitlines()
  assert shlex.split(lines[0])[:2] == ['mkdir', '-p']
  assert lines[1].startswith('# ') and lines[1].endswith('.sbatch:')
  sbatch = shlex.split(lines[-1])
  assert sbatch == ['sbatch', lines[1][2:-1]]
  return '\n'.join(lines[2:-1]) + '\n', sbatch


def test_slurm_script_asks_for_one_task_per_node_with_its_gpus(tripwire_path):
  options = ('--nodes=3', '--gpus_per_node=4', '--partition=gpu', '--time=12:00:00', '--account=abc')
  script, _ = _slurm(*options, 'c.py', 'w', path=tripwire_path)
  directives = [line for line in script.splitlines() if line.startswith('#SBATCH')]
  for expected in ('--nodes=3', '--ntasks-per-node=1', '--gpus-per-node=4', '--partition=gpu', '--time=12:00:00'):
    assert f'#SBATCH {expected}' in directives
  assert '#SBATCH --account=abc' in directives
  assert 'export JAX_LOCAL_DEVICE_IDS=0,1,2,3' in script.splitlines()


def test_slurm_optional_directives_are_left_out(tripwire_path):
  script, _ = _slurm('c.py', 'w', path=tripwire_path)
  assert '#SBATCH --nodes=1' in script and '#SBATCH --gpus-per-node=8' in script
  assert '--partition' not in script and '--time' not in script and '--account' not in script


def test_slurm_srun_checks_the_executor_then_runs_main_with_auto_coordinator(tripwire_path):
  script, _ = _slurm('c.py', 'gs://bucket/run', SPACED_FLAG, QUOTED_FLAG, path=tripwire_path)
  srun = shlex.split(script[script.index('srun ') :].replace('\\\n', ' '))
  assert srun[0] == 'srun'
  inner = srun[srun.index('-c') + 1]
  assert inner.startswith('python -m executor setup --check && ')
  assert srun[srun.index('-c') + 3 :] == [
    '--config=c.py',
    '--workdir=gs://bucket/run',
    '--config.mesh.coordinator=auto',
    SPACED_FLAG,
    QUOTED_FLAG,
  ]


def test_slurm_script_passes_the_flags_to_each_task_unchanged(tmp_path, tripwire_path):
  # Runs the printed sbatch script with stand-ins: srun drops its options, python records its argv.
  script, _ = _slurm('c.py', 'w', QUOTED_FLAG, SPACED_FLAG, path=tripwire_path)
  bin_dir = tmp_path / 'fake'
  bin_dir.mkdir()
  (bin_dir / 'srun').write_text('#!/usr/bin/env bash\nwhile [[ $1 == --* ]]; do shift; done\nexec "$@"\n')
  record = tmp_path / 'argv.jsonl'
  (bin_dir / 'python').write_text(
    f'#!{sys.executable}\nimport json, sys\nprint(json.dumps(sys.argv[1:]), file=open({str(record)!r}, "a"))\n'
  )
  for exe in bin_dir.iterdir():
    exe.chmod(0o755)
  env = dict(os.environ, PATH=f'{bin_dir}{os.pathsep}{os.environ["PATH"]}', SLURM_CPUS_ON_NODE='4')
  proc = subprocess.run(['bash', '-c', script], env=env, capture_output=True, text=True, timeout=60)
  assert proc.returncode == 0, proc.stderr
  calls = [json.loads(line) for line in record.read_text().splitlines()]
  assert calls == [
    ['-m', 'executor', 'setup', '--check'],
    ['-m', 'bite_jax.main', '--config=c.py', '--workdir=w', '--config.mesh.coordinator=auto', QUOTED_FLAG, SPACED_FLAG],
  ]
