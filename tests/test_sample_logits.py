"""Token choice from logits: inverse CDF, temperature, top-k, top-p, greedy, per-row keys."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from bite_jax.sample_logits import SamplingMode, choose_tokens, filtered_scores, inverse_cdf, row_keys, step_uniforms


def _choose(logits, u, temperature=1.0, top_p=1.0, **mode):
  return np.asarray(choose_tokens(jnp.asarray(logits, jnp.float32), jnp.asarray(u, jnp.float32),
                                  jnp.float32(temperature), jnp.float32(top_p), SamplingMode(**mode)))


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
  logits = np.log(np.array([[0.5, 0.25, 0.25]]))
  # At temperature 0.5 the probabilities become 4:1:1 -> 2/3, 1/6, 1/6.
  scores, _ = filtered_scores(jnp.asarray(logits, jnp.float32), jnp.float32(0.5), jnp.float32(1.0), SamplingMode())
  np.testing.assert_allclose(jax.nn.softmax(scores), [[2 / 3, 1 / 6, 1 / 6]], atol=1e-6)


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


def test_top_k_then_top_p_combine():
  probs = np.array([[0.4, 0.3, 0.2, 0.1]] * 200)
  u = np.linspace(0, 1, 200, endpoint=False)
  # top_k=3 renormalises to 4/9, 3/9, 2/9; top_p=0.5 then keeps the first two.
  assert set(_choose(np.log(probs), u, top_p=0.5, top_k=3, use_top_p=True).tolist()) == {0, 1}


def test_row_keys_depend_on_prompt_and_sample_index_only():
  keys = row_keys(jnp.uint32(7), jnp.array([0, 0, 1, 0]), jnp.array([0, 1, 0, 0]))
  u = np.asarray(step_uniforms(keys, jnp.int32(3)))
  assert u[0] == u[3] and len({u[0], u[1], u[2]}) == 3
  other_seed = np.asarray(step_uniforms(row_keys(jnp.uint32(8), jnp.array([0]), jnp.array([0])), jnp.int32(3)))
  assert other_seed[0] != u[0]


def test_step_uniforms_change_with_the_step_and_lie_in_unit_interval():
  keys = row_keys(jnp.uint32(0), jnp.zeros(64, jnp.int32), jnp.arange(64))
  a, b = np.asarray(step_uniforms(keys, jnp.int32(0))), np.asarray(step_uniforms(keys, jnp.int32(1)))
  assert not np.array_equal(a, b)
  assert ((a >= 0) & (a < 1)).all() and ((b >= 0) & (b < 1)).all()


def test_negative_top_k_is_rejected():
  with pytest.raises(ValueError, match='top_k'):
    SamplingMode(top_k=-1)
