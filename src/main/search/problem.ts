import type { Mutation } from './mutation.ts'

/**
 * What a simulated search runs over: a finite set of architectures with their trained accuracies
 * (the "oracle": querying one counts as training one model), the neighbours a mutation may step to,
 * and optional label-free guide scores (epsilon or a proxy) for the warm-up and the move.
 */

/** The space of a simulation: archs 0..n-1 of `archs`, each with its accuracies. */
export interface SearchProblem {
  /** Arch ids, for reports; the algorithms only use indices into this list. */
  archs: readonly string[]
  /** What parents are chosen by (the reference: validation accuracy). */
  selectionAccuracy: Float64Array
  /** What the best-so-far curve reports (the reference: test accuracy). */
  reportedAccuracy: Float64Array
  /** One random mutation of arch `i` (mutation.ts); evolution only. */
  mutate: Mutation
}

/**
 * A guide's score per arch, higher better; NaN (or an arch the guide has not scored) must be
 * -Infinity here, so it ranks last: the reference set NaN epsilon to 0, which is below every
 * finite epsilon on NB201, and -Infinity says the same without depending on the score's range.
 */
export type GuideScores = Float64Array

/** One search configuration (a "variant"). */
export interface SearchVariant {
  algorithm: 'random' | 'evolution'
  /** Trained models (oracle queries) per run, repeats of an arch included, as in the reference. */
  budget: number
  /** Warm-up guide: null for none. */
  warmup: GuideScores | null
  /** Archs drawn (distinct, uniformly) into the warm-up pool. */
  pool: number
  /** Random search: how many first queries come from the top of the warm-up pool. */
  warmupSteps: number
  /** Evolution: the guide that picks each tournament's parent ("move"); null: selection accuracy. */
  move: GuideScores | null
  /** Evolution: population size (the reference: 64). */
  population: number
  /** Evolution: tournament (sample) size (the reference: 10). */
  tournament: number
}

/** The reference's evolution constants (Real et al. 2019 as the epsinas notebook runs them). */
export const REFERENCE_POPULATION = 64
export const REFERENCE_TOURNAMENT = 10
