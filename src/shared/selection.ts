/**
 * The weight-selection strategy used when none is named: `select-weights`, `weights:select` callers
 * and the Weights page's picker start from it. `agreement` (the pair that ranks like the parameter
 * counts) met the issue-13 target on all four measured sweeps (docs/selection.md). Shared so the
 * renderer, which cannot import core/, starts from the same one.
 */
export const DEFAULT_SELECTION_STRATEGY = 'agreement'
