/**
 * SearchSpace.parameterCount remembers counts (a network build each) for up to 100,000 archs: what
 * it keeps per arch must not grow with the arch's written form (an NB101 spec is about 190
 * characters, an imported network's name longer), or the end of a large job holds every name twice.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, test } from 'vitest'
import { defineSpace } from '../../../src/main/core/spaces/search-space.ts'
import type { Graph } from '../../../src/main/core/ir/graph.ts'

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

/**
 * A space whose archs are any text, written as its `-`-separated parts: like NB101's, its written
 * form is a new string each time (the job's list and the count's key are two copies of the name).
 * It counts its own parameters and the test sees each count (no network is ever built).
 */
function longNameSpace(): { space: ReturnType<typeof defineSpace>; counted: string[] } {
  const counted: string[] = []
  const space = defineSpace<string[]>({
    id: 'long-names',
    title: 'Long names',
    datasets: ['cifar10', 'cifar100'],
    defaultWeights: [1e-3, 1],
    size: null,
    writtenForm: 'a name',
    parse: (text) => text.split('-'),
    format: (parts) => parts.join('-'),
    sample: () => [],
    buildNetwork: (): Graph => {
      throw new Error('not built: the space counts its own parameters')
    },
    parameterCount(parts, dataset) {
      counted.push(`${dataset} ${parts[0]}`)
      return parts.join('-').length + (dataset === 'cifar100' ? 1 : 0)
    },
  })
  return { space, counted }
}

const NAME_LENGTH = 2_000

/** Flat strings (padEnd alone makes cons strings that a first read flattens into a second copy, which would count here). */
function names(count: number): string[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(`a${i}-`.padEnd(NAME_LENGTH, 'x'), 'latin1').toString('latin1'))
}

describe('SearchSpace.parameterCount', () => {
  test('should count each arch once per dataset and give the count back after', () => {
    const { space, counted } = longNameSpace()
    const archs = names(3)
    expect(archs.map((arch) => space.parameterCount(arch, 'cifar10'))).toEqual([NAME_LENGTH, NAME_LENGTH, NAME_LENGTH])
    expect(archs.map((arch) => space.parameterCount(arch, 'cifar10'))).toEqual([NAME_LENGTH, NAME_LENGTH, NAME_LENGTH])
    expect(space.parameterCount(archs[0], 'cifar100')).toBe(NAME_LENGTH + 1)
    expect(counted).toEqual(['cifar10 a0', 'cifar10 a1', 'cifar10 a2', 'cifar100 a0'])
  })

  test('should remember 5,000 archs of 2,000 characters in well under their 10 MB of names', () => {
    const { space } = longNameSpace()
    const archs = names(5_000)
    collectGarbage()
    const before = process.memoryUsage().heapUsed
    for (const arch of archs) space.parameterCount(arch, 'cifar10')
    collectGarbage()
    const grown = process.memoryUsage().heapUsed - before
    // A copy of each name as its key was 10 MB; a fixed-size key per arch is about 100 bytes with its entry.
    expect(grown).toBeLessThan(2_000_000)
    // Still remembered: asking again counts nothing.
    expect(space.parameterCount(archs[4_999], 'cifar10')).toBe(NAME_LENGTH)
  })
})
