"""benchmarks/profile_steps.py: the HLO annotation parser, the trace reader and both profiles."""

import jax
import jax.numpy as jnp
import profile_steps
import pytest


def _compiled():
  f = jax.jit(lambda a, b: jnp.tanh(a @ b).T.sum(0) * 2.0)
  a = jnp.ones((64, 32), jnp.float32)
  b = jnp.ones((32, 48), jnp.float32)
  return f.lower(a, b).compile(), (a, b)


def test_parse_hlo_finds_the_dot_of_a_small_function():
  compiled, _ = _compiled()
  text = compiled.as_text()
  ops = profile_steps.parse_hlo(text)
  assert profile_steps.module_name(text) in text.splitlines()[0]
  matmuls = [op for op in ops.values() if op.category == 'matmul']
  assert matmuls, ops
  dot = next(op for op in ops.values() if op.opcode == 'dot')
  assert dot.shape == 'f32[64,48]' and dot.op_name.endswith('dot_general')
  # the instruction that holds the dot (itself or the fusion calling it) carries its shape and op_name
  holder = next(op for op in matmuls if op.opcode == 'fusion' or op is dot)
  assert holder.shape and holder.op_name


def test_categories():
  assert profile_steps.category_of('fusion', {'parameter', 'dot', 'add'}) == 'matmul'
  assert profile_steps.category_of('fusion', {'parameter', 'transpose', 'multiply'}) == 'transpose/copy'
  assert profile_steps.category_of('fusion', {'parameter', 'exponential', 'subtract'}) == 'elementwise'
  assert profile_steps.category_of('fusion', {'reduce', 'add'}) == 'reduction'
  assert profile_steps.category_of('copy') == 'transpose/copy'
  assert profile_steps.category_of('sort') == 'other'
  assert profile_steps.category_of('while') == 'control'


def test_every_traced_op_is_annotated(tmp_path):
  compiled, args = _compiled()
  modules = profile_steps.record(str(tmp_path), lambda: compiled(*args).block_until_ready(), 2)
  name = profile_steps.module_name(compiled.as_text())
  assert name in modules
  module = modules[name]
  ops = profile_steps.parse_hlo(compiled.as_text())
  assert module.op_us and set(module.op_us) <= set(ops)
  assert len(module.spans_us) == 2 and all(s > 0 for s in module.spans_us)
  lines, totals = profile_steps.op_table(module, ops, 2, top=5)
  assert len(lines) >= 2 and sum(totals.values()) > 0
  assert set(totals) == set(profile_steps.CATEGORIES)


@pytest.mark.parametrize('what', ['train', 'decode'])
def test_profile_of_the_tiny_shape(tmp_path, what):
  section = 'train' if what == 'train' else 'sample'
  profile = profile_steps.profile_train if what == 'train' else profile_steps.profile_decode
  lines = profile(profile_steps.settings('tiny', section), str(tmp_path), 1, 5)
  text = '\n'.join(lines)
  assert 'by category: matmul' in text and 'ops sum' in text, text
  assert profile_steps.find_trace(str(tmp_path)).endswith('.trace.json.gz')
