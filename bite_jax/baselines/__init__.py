"""The paper's training-based baselines (PIE-IFT, PIE-PerfCond, ECCO-Execution, ECCO-Trajectory,
Mercury-DPO, Supersonic), trained from the same base on the same editor pairs and scored by the
evaluate stage next to BITE.

  data.py     their training data from the pairs: speedup bins, trajectories, diffs, preferences
  diff.py     Supersonic's diff format: written, parsed and applied strictly
  prompts.py  their prompt formats
  systems.py  which baselines exist, what each trains and how it is sampled; the `baselines` stage
"""

# System name (as in reports) -> what it is, one line.
DESCRIPTIONS = {
  'pie-ift': 'PIE-IFT: the base fine-tuned on the slow -> fast pairs (the optimizer editor), prompted directly',
  'pie-perfcond': 'PIE-PerfCond: IFT with each target tagged with its speedup bin; asked for the top bin',
  'ecco-exec': 'ECCO-Execution: PIE-IFT refining its own output with test results and measured speedups',
  'ecco-trajectory': 'ECCO-Trajectory: IFT on program histories, the next faster version as the target',
  'mercury-dpo': 'Mercury-DPO: DPO from PIE-IFT, fast programs chosen and slow ones rejected',
  'supersonic': 'Supersonic: IFT to write a diff of the source; a diff that does not apply is incorrect',
  'base-direct': 'the base model prompted directly, untrained',
}
