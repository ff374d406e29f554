"""benchmarks/shapes.py: presets and how they combine with the scripts' flags."""

import pytest
import shapes
from absl import flags


def _flag_values(argv):
  values = flags.FlagValues()
  flags.DEFINE_list('vocab', ['32000'], '', flag_values=values)
  flags.DEFINE_integer('hidden', 128, '', flag_values=values)
  flags.DEFINE_integer('intermediate', 256, '', flag_values=values)
  flags.DEFINE_integer('new_tokens', 128, '', flag_values=values)
  values(['prog', *argv])
  return values


def test_presets_have_the_shapes_of_the_issue():
  compute = shapes.SHAPES['compute'].settings('sample')
  assert compute['vocab'] == ['4096']
  assert (compute['hidden'], compute['layers'], compute['heads'], compute['kv_heads']) == (256, 4, 8, 2)
  assert (compute['prompts'], compute['samples'], compute['new_tokens']) == (8, 10, 128)
  demo = shapes.SHAPES['demo'].settings('train')
  assert (demo['batch'], demo['len'], demo['intermediate']) == (16, 384, 384)
  qwen = shapes.SHAPES['qwen0.5b'].model
  assert qwen['hidden'] // qwen['heads'] == 64 and qwen['vocab'] == 151936
  # small keeps each script's own defaults for what it leaves out
  assert 'intermediate' not in shapes.SHAPES['small'].model and 'vocab' not in shapes.SHAPES['small'].model


def test_resolve_puts_the_preset_over_defaults_and_given_flags_over_the_preset():
  [(name, args)] = shapes.resolve(_flag_values(['--new_tokens=16']), ['compute'], 'sample')
  assert name == 'compute'
  assert args.hidden == 256 and args.vocab == ['4096'] and args.prompts == 8
  assert args.new_tokens == 16  # given on the command line
  [(name, args)] = shapes.resolve(_flag_values(['--hidden=64']), [], 'train')
  assert name == 'flags' and args.hidden == 64 and args.intermediate == 256


def test_resolve_keeps_defaults_a_preset_leaves_out_and_rejects_unknown_names():
  [(_, small)] = shapes.resolve({'vocab': ['1024'], 'intermediate': 512, 'hidden': 64}, ['small'], 'train')
  assert small.vocab == ['1024'] and small.intermediate == 512 and small.hidden == 128
  assert shapes.check_names(['tiny', 'compute']) and not shapes.check_names(['huge'])
  with pytest.raises(ValueError, match='unknown shape'):
    shapes.resolve({}, ['huge'], 'train')
  with pytest.raises(ValueError, match='section'):
    shapes.SHAPES['tiny'].settings('eval')
