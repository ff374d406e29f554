"""The package's shape: dependencies point down, no import cycles, the executor stands alone."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ('bite_jax', 'executor')
# Layers that sit above models/ and data/: neither may import them.
UPPER = (
  'bite_jax.train',
  'bite_jax.sample',
  'bite_jax.tree',
  'bite_jax.evaluate',
  'bite_jax.stages',
  'bite_jax.main',
  'bite_jax.curriculum',
  'bite_jax.report',
)


def _module_name(path: Path) -> str:
  parts = list(path.relative_to(ROOT).with_suffix('').parts)
  if parts[-1] == '__init__':
    parts.pop()
  return '.'.join(parts)


def _modules() -> dict[str, Path]:
  found = {}
  for package in PACKAGES:
    for path in (ROOT / package).rglob('*.py'):
      if 'problems' in path.parts:  # the bundled programs are data, not project modules
        continue
      found[_module_name(path)] = path
  return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
  """Project modules imported by `path` (module level and inside functions alike)."""
  names = set()
  for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
    if isinstance(node, ast.Import):
      names.update(alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
      for alias in node.names:
        full = f'{node.module}.{alias.name}'
        names.add(full if full in modules else node.module)
  return {n for n in names if n in modules}


@pytest.fixture(scope='module')
def graph():
  modules = _modules()
  return {name: _imports(path, modules) for name, path in modules.items()}


def test_models_and_data_import_nothing_above_them(graph):
  for name, deps in graph.items():
    if name.startswith(('bite_jax.models', 'bite_jax.data')):
      upward = sorted(d for d in deps if d.startswith(UPPER))
      assert not upward, f'{name} imports {upward}'


def test_executor_imports_no_bite_jax(graph):
  for name, deps in graph.items():
    if name.startswith('executor'):
      assert not [d for d in deps if d.startswith('bite_jax')], name


def test_there_is_no_import_cycle(graph):
  state = {}

  def visit(name, stack):
    state[name] = 'open'
    for dep in sorted(graph[name]):
      if state.get(dep) == 'open':
        cycle = stack[stack.index(dep) :] + [dep]
        pytest.fail('import cycle: ' + ' -> '.join(cycle))
      if dep not in state:
        visit(dep, stack + [dep])
    state[name] = 'done'

  for name in sorted(graph):
    if name not in state:
      visit(name, [name])


def _loaded_after(statement: str) -> set[str]:
  code = f'import sys; {statement}; print("\\n".join(sorted(sys.modules)))'
  out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT, check=True)
  return set(out.stdout.split())


def test_importing_models_loads_no_trainer_evaluation_or_executor():
  loaded = _loaded_after('import bite_jax.models')
  assert not {m for m in loaded if m.startswith(('bite_jax.train', 'bite_jax.evaluate', 'executor'))}


def test_importing_the_executor_loads_no_bite_jax_or_jax():
  loaded = _loaded_after('import executor')
  assert not {m for m in loaded if m.split('.')[0] in ('bite_jax', 'jax', 'jaxlib')}
