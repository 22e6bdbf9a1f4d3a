import type { SeededRandom } from '../core/random.ts'
import { BestSoFar } from './best-so-far.ts'
import type { SearchProblem, SearchVariant } from './problem.ts'
import { warmUpPool } from './warm-up.ts'

/**
 * Regularised ageing evolution as the reference notebook runs it (NAS-Bench-201/Integration.ipynb,
 * run_evolution_search): a population of `population` trained archs, random or the warm-up pool's
 * best; then each step samples `tournament` distinct members, takes the best as parent (by the
 * selection accuracy, or with "move" by the guide score: "the trainless scoring metric replaces
 * validation accuracy", paper section 2.2), trains one mutation of it (the space's: mutation.ts), appends it and
 * removes the oldest member. Every trained arch counts against the budget, repeats included.
 */
export function ageingEvolution(problem: SearchProblem, variant: SearchVariant, rng: SeededRandom): Float64Array {
  const n = problem.archs.length
  const best = new BestSoFar(variant.budget, problem.reportedAccuracy)
  const population: number[] = []
  const seeded = variant.warmup === null ? [] : warmUpPool(n, variant.pool, variant.warmup, rng).slice(0, variant.population)
  while (population.length < variant.population && !best.spent) {
    const arch = population.length < seeded.length ? seeded[population.length] : rng.nextInt(n)
    best.query(arch)
    population.push(arch)
  }
  const fitness = variant.move ?? problem.selectionAccuracy
  while (!best.spent) {
    const parent = tournamentWinner(population, fitness, variant.tournament, rng)
    const child = problem.mutate(parent, rng)
    best.query(child)
    population.push(child)
    population.shift()
  }
  return best.curve
}

/**
 * The fittest of `size` distinct members drawn uniformly; among equal fitness the youngest wins,
 * as in the reference (the sample kept in population order, then the last of a stable sort).
 */
function tournamentWinner(population: readonly number[], fitness: Float64Array, size: number, rng: SeededRandom): number {
  const members = rng.sampleWithoutReplacement(population.length, size).sort((a, b) => a - b)
  let winner = members[0]
  for (const member of members) if (fitness[population[member]] >= fitness[population[winner]]) winner = member
  return population[winner]
}
