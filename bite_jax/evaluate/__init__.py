"""Evaluation: the paper's metrics, benchmarks (the bundled `mini` one among them) and reports."""
