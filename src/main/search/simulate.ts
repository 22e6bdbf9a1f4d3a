import { SeededRandom } from '../core/random.ts'
import { ageingEvolution } from './ageing-evolution.ts'
import type { SearchProblem, SearchVariant } from './problem.ts'
import { randomSearch } from './random-search.ts'
import { curveQuartiles, type Quartiles } from './summary.ts'

/** A variant's result over its repeats. */
export interface VariantResult {
  /** Best-so-far reported accuracy per trained model (index 0: after the first), over the repeats. */
  curve: { median: number[]; q25: number[]; q75: number[] }
  /** The curve's last step: the best accuracy found with the whole budget. */
  final: Quartiles
  /** Runs summarised. */
  repeats: number
}

/**
 * Repeat r's generator: the same for every variant of a run (the reference ran all variants in the
 * same round), different per seed and repeat. The multiply spreads seeds so that seed s, repeat
 * r+1 is not seed s+1, repeat r.
 */
export function repeatRandom(seed: number, repeat: number): SeededRandom {
  return new SeededRandom((Math.imul(seed, 0x9e3779b1) + repeat) >>> 0)
}

/** One run of a variant with its own generator. */
export function runVariant(problem: SearchProblem, variant: SearchVariant, rng: SeededRandom): Float64Array {
  return variant.algorithm === 'random' ? randomSearch(problem, variant, rng) : ageingEvolution(problem, variant, rng)
}

/** `repeats` seeded runs of a variant, summarised; `onRepeat` after each (a progress bar). */
export function simulate(problem: SearchProblem, variant: SearchVariant, options: { seed: number; repeats: number; onRepeat?: (done: number) => void }): VariantResult {
  const curves: Float64Array[] = []
  for (let repeat = 0; repeat < options.repeats; repeat++) {
    curves.push(runVariant(problem, variant, repeatRandom(options.seed, repeat)))
    options.onRepeat?.(repeat + 1)
  }
  const curve = curveQuartiles(curves)
  const last = curve.median.length - 1
  return { curve, final: { median: curve.median[last], q25: curve.q25[last], q75: curve.q75[last] }, repeats: options.repeats }
}
