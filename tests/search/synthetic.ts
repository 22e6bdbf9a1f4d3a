import { mutationOver, type SearchProblem, type SearchVariant } from '../../src/main/search/index.ts'

/**
 * A synthetic space with a known optimum: archs are `positions` tokens over `values` letters (6 x 5
 * = 15,625, NAS-Bench-201's size), accuracy is 50 + 5 per position matching TARGET plus a tie-break
 * that depends on the arch's index only, so the landscape is smooth (one step changes one match)
 * and its single best arch is TARGET itself.
 */
export const TARGET = 'cadbec'

export function syntheticSpace(positions = 6, values = 5): { archs: string[]; accuracy: Float64Array; optimum: number } {
  const letters = 'abcdefgh'.slice(0, values)
  const archs: string[] = []
  for (let index = 0; index < values ** positions; index++) {
    let arch = ''
    for (let rest = index, p = 0; p < positions; p++, rest = Math.floor(rest / values)) arch += letters[rest % values]
    archs.push(arch)
  }
  const target = TARGET.slice(0, positions)
  const accuracy = Float64Array.from(archs, (arch, index) => 50 + 5 * [...arch].filter((letter, p) => letter === target[p]).length + (index % 7) * 0.01)
  accuracy[archs.indexOf(target)] += 0.1
  return { archs, accuracy, optimum: archs.indexOf(target) }
}

export function problemOf(space: { archs: string[]; accuracy: Float64Array }): SearchProblem {
  return { archs: space.archs, selectionAccuracy: space.accuracy, reportedAccuracy: space.accuracy, mutate: mutationOver(space.archs, (arch) => [...arch]) }
}

/** The reference's settings: budget 300, population 64, tournament 10, no guide. */
export function variantOf(overrides: Partial<SearchVariant>): SearchVariant {
  return { algorithm: 'evolution', budget: 300, warmup: null, pool: 3000, warmupSteps: 64, move: null, population: 64, tournament: 10, ...overrides }
}
