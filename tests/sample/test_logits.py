"""Token choice from logits: inverse CDF, temperature, top-k, top-p, greedy, per-row keys."""

import jax.numpy as jnp
import numpy as np
import pytest

from bite_jax.sample.logits import (
  NUCLEUS_CANDIDATES,
  SamplingMode,
  choose_tokens,
  first_argmax,
  inverse_cdf,
  nucleus_threshold,
  row_keys,
  step_uniforms,
)


def _choose(logits, u, temperature=1.0, top_p=1.0, **mode):
  return np.asarray(
    choose_tokens(
      jnp.asarray(logits, jnp.float32),
      jnp.asarray(u, jnp.float32),
      jnp.float32(temperature),
      jnp.float32(top_p),
      SamplingMode(**mode),
    )
  )


def test_inverse_cdf_picks_the_interval_that_holds_u():
  scores = jnp.log(jnp.array([[0.1, 0.2, 0.7]] * 5))
  u = jnp.array([0.0, 0.09, 0.11, 0.29, 0.31])
  assert inverse_cdf(scores, u).tolist() == [0, 0, 1, 1, 2]


@pytest.mark.parametrize('vocab', [1000, 1024, 151936])
def test_inverse_cdf_crosses_block_boundaries(vocab):
  # Uniform over the vocabulary: u = (i + 0.5) / V must pick token i, in any block.
  picks = np.array([0, 1, 127, 128, 255, 256, 511, 512, vocab // 2, vocab - 2, vocab - 1])
  u = (picks + 0.5) / vocab
  scores = jnp.zeros((len(picks), vocab))
  assert inverse_cdf(scores, jnp.asarray(u, jnp.float32)).tolist() == picks.tolist()


def test_inverse_cdf_never_returns_an_excluded_token_even_for_u_near_one():
  scores = jnp.array([[0.0, 0.0, -jnp.inf, -jnp.inf]] * 2)
  u = jnp.array([0.0, np.nextafter(np.float32(1), np.float32(0))])
  assert inverse_cdf(scores, u).tolist() == [0, 1]


def test_greedy_is_argmax_whatever_u():
  logits = np.array([[0.1, 3.0, 2.9], [5.0, -1.0, 4.0]])
  assert _choose(logits, [0.99, 0.0], greedy=True).tolist() == [1, 0]


def test_temperature_sharpens_the_distribution():
  logits = np.log(np.array([[0.5, 0.25, 0.25]] * 600))
  u = (np.arange(600) + 0.5) / 600
  # At temperature 0.5 the probabilities become 4:1:1 -> 2/3, 1/6, 1/6 of an even grid of u.
  counts = np.bincount(_choose(logits, u, temperature=0.5), minlength=3)
  assert counts.tolist() == [400, 100, 100]


def test_first_argmax_takes_the_first_of_tied_maxima():
  logits = jnp.array([[1.0, 3.0, 3.0, 0.0], [-2.0, -5.0, -2.0, -3.0], [0.0, 0.0, 0.0, 7.0]])
  assert first_argmax(logits).tolist() == [1, 0, 3] == jnp.argmax(logits, axis=-1).tolist()


def test_nucleus_threshold_is_the_probability_of_the_last_kept_token():
  probs = jnp.array([[0.05, 0.5, 0.3, 0.15], [0.05, 0.5, 0.3, 0.15], [0.25] * 4])
  cut = nucleus_threshold(probs, jnp.float32(0.75))
  assert cut.tolist() == pytest.approx([0.3, 0.3, 0.25])
  assert nucleus_threshold(probs[:1], jnp.float32(0.96)).tolist() == pytest.approx([0.05])


def test_top_k_only_returns_the_k_largest():
  logits = np.array([[0.0, 1.0, 5.0, 4.0, 3.0, 2.0]] * 400)
  u = np.linspace(0, 1, 400, endpoint=False)
  picked = set(_choose(logits, u, top_k=2).tolist())
  assert picked == {2, 3}


def test_top_p_keeps_the_smallest_prefix_reaching_p():
  probs = np.array([[0.05, 0.5, 0.3, 0.15]] * 400)
  u = np.linspace(0, 1, 400, endpoint=False)
  # 0.5 < 0.75 so token 2 is needed; 0.5 + 0.3 >= 0.75 so tokens 3 and 0 are cut.
  assert set(_choose(np.log(probs), u, top_p=0.75, use_top_p=True).tolist()) == {1, 2}
  # A tiny top_p still keeps the most likely token.
  assert set(_choose(np.log(probs), u, top_p=1e-6, use_top_p=True).tolist()) == {1}


def test_top_p_over_a_flat_vocabulary_uses_the_exact_threshold():
  # The candidates hold too little mass (256 of 2000 near-equal tokens), so the bisection path runs.
  vocab = 2000
  logits = np.zeros((300, vocab), np.float32)
  logits[:, :10] = 0.01
  probs = np.exp(logits[0]) / np.exp(logits[0]).sum()
  order = np.argsort(-probs, kind='stable')
  kept = order[(np.cumsum(probs[order]) - probs[order]) < 0.5]
  assert NUCLEUS_CANDIDATES < len(kept) < vocab
  picks = _choose(logits, (np.arange(300) + 0.5) / 300, top_p=0.5, use_top_p=True)
  # Tokens 10.. tie, so the cut keeps every token of probability >= the last kept one.
  assert set(picks.tolist()) <= set(np.flatnonzero(probs >= probs[kept[-1]]).tolist())
  assert len(set(picks.tolist())) > 100


def test_top_k_then_top_p_combine():
  probs = np.array([[0.4, 0.3, 0.2, 0.1]] * 200)
  u = np.linspace(0, 1, 200, endpoint=False)
  # top_k=3 renormalises to 4/9, 3/9, 2/9; top_p=0.5 then keeps the first two.
  assert set(_choose(np.log(probs), u, top_p=0.5, top_k=3, use_top_p=True).tolist()) == {0, 1}


def test_row_keys_depend_on_prompt_and_sample_index_only():
  keys = row_keys(jnp.uint32(7), jnp.array([0, 0, 1, 0]), jnp.array([0, 1, 0, 0]))
  u = np.asarray(step_uniforms(keys, jnp.int32(3)))
  assert u[0] == u[3] and len({u[0], u[1], u[2]}) == 3
  other_keys = row_keys(jnp.uint32(8), jnp.array([0]), jnp.array([0]))
  other_seed = np.asarray(step_uniforms(other_keys, jnp.int32(3)))
  assert other_seed[0] != u[0]


def test_step_uniforms_change_with_the_step_and_lie_in_unit_interval():
  keys = row_keys(jnp.uint32(0), jnp.zeros(64, jnp.int32), jnp.arange(64))
  a, b = np.asarray(step_uniforms(keys, jnp.int32(0))), np.asarray(step_uniforms(keys, jnp.int32(1)))
  assert not np.array_equal(a, b)
  assert ((a >= 0) & (a < 1)).all() and ((b >= 0) & (b < 1)).all()


def test_negative_top_k_is_rejected():
  with pytest.raises(ValueError, match='top_k'):
    SamplingMode(top_k=-1)


def test_row_independent_top_p_gives_each_row_its_choice_alone():
  # Row 0 is peaked (the 256 candidates cover top_p), row 1 flat (only the threshold route does): with
  # row_independent each row is chosen as if it were alone, whatever route the other needs.
  vocab = 2000
  rng = np.random.default_rng(0)
  peaked = rng.normal(size=vocab).astype(np.float32) * 4
  flat = rng.normal(size=vocab).astype(np.float32) * 1e-3
  u = np.linspace(0, 1, 64, endpoint=False)
  mixed = _choose(np.stack([peaked, flat] * 64), np.repeat(u, 2), top_p=0.9, use_top_p=True, row_independent=True)
  for row, logits in enumerate((peaked, flat)):
    alone = _choose(np.stack([logits] * 64), u, top_p=0.9, use_top_p=True, row_independent=True)
    assert mixed[row::2].tolist() == alone.tolist()
  assert len(set(mixed[1::2].tolist())) > 32  # the flat row really spreads over many tokens
