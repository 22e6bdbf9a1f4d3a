import type { SeededRandom } from '../core/random.ts'
import type { GuideScores } from './problem.ts'

/**
 * The warm-up pool: `pool` distinct archs drawn uniformly from `n`, ordered best guide score first.
 * Equal scores keep their draw order (a stable sort, as Python's sorted(reverse=True) in the
 * reference). Distinct draws where the reference drew with replacement: on a 725-arch space a
 * pool of 725 with replacement would hold only about 460 different archs.
 */
export function warmUpPool(n: number, pool: number, guide: GuideScores, rng: SeededRandom): number[] {
  const drawn = rng.sampleWithoutReplacement(n, pool)
  return drawn
    .map((arch, order) => ({ arch, order }))
    .sort((a, b) => guide[b.arch] - guide[a.arch] || a.order - b.order)
    .map(({ arch }) => arch)
}
