"""The chunked DPO loss and its gradient equal a direct computation from full logits, on a tiny random
Qwen2 loaded with our loader; the jitted step's loss and its gradient accumulation agree with them."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from bite_jax import parallel
from bite_jax.models import hf
from bite_jax.train.dpo import dpo_loss, make_dpo_step, pair_logps, sequence_logps
from bite_jax.train.step import init_opt_state, param_shardings
from tests.helpers.checkpoints import make_qwen2_checkpoint

BETA, LENGTH, CHUNK = 0.3, 24, 6  # 4 chunks per row
VOCAB = 128


@pytest.fixture(scope='module')
def models(tmp_path_factory):
  """(policy, reference): two tiny random Qwen2 models of the same architecture (untied LM head for the policy
  would change the architecture, so both are tied; the seeds differ)."""
  root = tmp_path_factory.mktemp('dpo_models')
  policy = hf.from_pretrained(make_qwen2_checkpoint(root / 'policy', vocab=VOCAB, seed=0))
  reference = hf.from_pretrained(make_qwen2_checkpoint(root / 'reference', vocab=VOCAB, seed=1))
  return policy, reference


def _rows() -> dict[str, jnp.ndarray]:
  """3 pairs x 2 rows x LENGTH: prompts of 5, 9 and 13 tokens, responses of different lengths, pads after."""
  rng = np.random.RandomState(0)
  prompt_lens = [5, 9, 13]
  # Tokens per row (prompt + response); row (2, 1) is mostly padding.
  lengths = [[17, 24], [20, 12], [22, 15]]
  inputs = np.zeros((3, 2, LENGTH), np.int32)
  targets = np.zeros((3, 2, LENGTH), np.int32)
  mask = np.zeros((3, 2, LENGTH), np.int32)
  for p in range(3):
    prompt = rng.randint(4, VOCAB, prompt_lens[p])
    for r in range(2):
      n = lengths[p][r]
      tokens = np.concatenate([prompt, rng.randint(4, VOCAB, n - prompt_lens[p])])
      inputs[p, r, :n] = tokens
      targets[p, r, : n - 1] = tokens[1:]
      mask[p, r, prompt_lens[p] - 1 : n - 1] = 1
  return {'inputs': jnp.asarray(inputs), 'targets': jnp.asarray(targets), 'mask': jnp.asarray(mask)}


def _direct_logps(model, rows) -> jnp.ndarray:
  """[P, 2] from full [B, T, V] logits: log_softmax, gather the targets, masked sum."""
  pairs, two, length = rows['inputs'].shape
  logits = model(rows['inputs'].reshape(-1, length))
  logp = jax.nn.log_softmax(logits.astype(jnp.float32), axis=-1)
  picked = jnp.take_along_axis(logp, rows['targets'].reshape(-1, length)[..., None], axis=-1)[..., 0]
  return jnp.sum(picked * rows['mask'].reshape(-1, length), axis=-1).reshape(pairs, two)


def _direct_loss(model, ref_logps, rows) -> jnp.ndarray:
  policy = _direct_logps(model, rows)
  diff = (policy[:, 0] - ref_logps[:, 0]) - (policy[:, 1] - ref_logps[:, 1])
  return jnp.mean(-jax.nn.log_sigmoid(BETA * diff))


def _chunked_loss(model, ref_logps, rows) -> jnp.ndarray:
  policy = pair_logps(model, rows, chunk=CHUNK)
  return dpo_loss(policy[:, 0], policy[:, 1], ref_logps[:, 0], ref_logps[:, 1], BETA)[0]


def test_sequence_logps_match_full_logits_per_row(models):
  policy, _ = models
  rows = _rows()
  np.testing.assert_allclose(pair_logps(policy, rows, chunk=CHUNK), _direct_logps(policy, rows), rtol=1e-5, atol=1e-5)
  # A row with no response position counts 0, whatever its tokens.
  hidden = policy.hidden_states(rows['inputs'][:, 0])
  empty = sequence_logps(
    hidden, rows['targets'][:, 0], jnp.zeros_like(rows['mask'][:, 0]), policy.logits_from_hidden, chunk=8
  )
  np.testing.assert_array_equal(empty, np.zeros(3, np.float32))


def test_dpo_loss_and_gradient_match_the_direct_computation(models):
  policy, reference = models
  rows = _rows()
  ref_logps = _direct_logps(reference, rows)
  assert float(jnp.abs(ref_logps - _direct_logps(policy, rows)).max()) > 1.0  # a non-trivial margin
  loss, grads = nnx.value_and_grad(_chunked_loss)(policy, ref_logps, rows)
  want_loss, want_grads = nnx.value_and_grad(_direct_loss)(policy, ref_logps, rows)
  assert abs(float(loss) - float(want_loss)) < 1e-5
  got, want = jax.tree.leaves(nnx.state(grads, nnx.Param)), jax.tree.leaves(nnx.state(want_grads, nnx.Param))
  assert len(got) == len(want) > 10
  assert max(float(jnp.abs(a - b).max()) for a, b in zip(got, want)) < 1e-5
  assert max(float(jnp.abs(b).max()) for b in want) > 1e-3  # the gradient is not trivially zero


def test_dpo_loss_metrics():
  loss, metrics = dpo_loss(
    jnp.array([-1.0, -5.0]), jnp.array([-3.0, -2.0]), jnp.array([-2.0, -4.0]), jnp.array([-2.0, -4.0]), 0.5
  )
  # margins: 0.5 * ((1) - (-1)) = 1.0 and 0.5 * ((-1) - (2)) = -1.5
  np.testing.assert_allclose(float(loss), np.mean(np.log1p(np.exp([-1.0, 1.5]))), rtol=1e-6)
  assert float(metrics['reward_margin']) == pytest.approx(-0.25)
  assert float(metrics['accuracy']) == 0.5
  assert float(metrics['chosen_reward']) == pytest.approx((0.5 - 0.5) / 2)
  assert float(metrics['rejected_reward']) == pytest.approx((-0.5 + 1.0) / 2)


def _one_step(model, reference, rows, grad_accum: int):
  mesh = parallel.make_mesh(1, 1, 1)
  graphdef, params, rest = nnx.split(model, nnx.Param, ...)
  params = jax.tree.map(jnp.copy, params)
  ref_params = nnx.state(reference, nnx.Param)
  tx = optax.sgd(1.0)
  opt_state, opt_sh = init_opt_state(tx, params, mesh)
  step = make_dpo_step(
    graphdef,
    rest,
    tx,
    mesh=mesh,
    params_sh=param_shardings(params),
    opt_sh=opt_sh,
    grad_accum=grad_accum,
    loss_chunk=CHUNK,
    batch_pairs=rows['inputs'].shape[0],
    beta=BETA,
  )
  new_params, _, metrics = step(params, ref_params, opt_state, rows)
  return nnx.state(model, nnx.Param), new_params, metrics


def test_step_loss_update_and_accumulation_match_the_direct_computation(models):
  policy, reference = models
  rows = {k: v[:2] for k, v in _rows().items()}  # 2 pairs: one per micro-batch with grad_accum=2
  ref_logps = _direct_logps(reference, rows)
  want_loss, want_grads = nnx.value_and_grad(_direct_loss)(policy, ref_logps, rows)
  old, new, metrics = _one_step(policy, reference, rows, grad_accum=1)
  assert abs(float(metrics['loss']) - float(want_loss)) < 1e-5
  # SGD with rate 1: the update is minus the gradient.
  deltas = jax.tree.map(lambda a, b: a - b, jax.tree.leaves(old), jax.tree.leaves(new))
  want = jax.tree.leaves(nnx.state(want_grads, nnx.Param))
  assert max(float(jnp.abs(d - g).max()) for d, g in zip(deltas, want)) < 1e-5
  _, accumulated, metrics2 = _one_step(policy, reference, rows, grad_accum=2)
  assert abs(float(metrics2['loss']) - float(metrics['loss'])) < 1e-6
  assert float(metrics2['accuracy']) == float(metrics['accuracy'])
  for a, b in zip(jax.tree.leaves(accumulated), jax.tree.leaves(new)):
    np.testing.assert_allclose(a, b, atol=1e-6)
