"""bite-jax: BITE (bidirectional tree editing + PKAC) in JAX/Flax NNX."""
