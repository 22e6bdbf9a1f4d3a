import type { SeededRandom } from '../core/random.ts'
import { BestSoFar } from './best-so-far.ts'
import type { SearchProblem, SearchVariant } from './problem.ts'
import { warmUpPool } from './warm-up.ts'

/**
 * Random search (the reference's run_random_search): each query a uniform draw from the space, with
 * replacement; with a warm-up, the first `warmupSteps` queries take the warm-up pool's best-scored
 * archs in order (the paper: "during the first 64 steps"). Returns the best-so-far curve.
 */
export function randomSearch(problem: SearchProblem, variant: SearchVariant, rng: SeededRandom): Float64Array {
  const n = problem.archs.length
  const best = new BestSoFar(variant.budget, problem.reportedAccuracy)
  const head = variant.warmup === null ? [] : warmUpPool(n, variant.pool, variant.warmup, rng).slice(0, variant.warmupSteps)
  for (const arch of head) {
    if (best.spent) break
    best.query(arch)
  }
  while (!best.spent) best.query(rng.nextInt(n))
  return best.curve
}
