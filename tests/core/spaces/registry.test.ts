import { afterEach, describe, expect, test } from 'vitest'
import { DEFAULT_SPACE_ID, getSpace, isSpaceId, listSpaces, registerSpace, spaceIds, unregisterSpace, unknownSpaceMessage } from '../../../src/main/core/spaces/registry.ts'
import { spaceBenchmarkData } from '../../../src/main/benchmarks/space-data/index.ts'
import { validateGraph } from '../../../src/main/core/ir/index.ts'
import { DATASETS } from '../../../src/shared/types.ts'
import { EpsinasError } from '../../../src/shared/errors.ts'
import { weightPairProblem } from '../../../src/main/services/score-parameters.ts'
import { TOY_SPACE_ID, toySpace } from './toy-space.ts'

function thrown(run: () => unknown): EpsinasError {
  try {
    run()
  } catch (error) {
    if (error instanceof EpsinasError) return error
    throw error
  }
  throw new Error('did not throw')
}

describe('the search-space registry', () => {
  afterEach(() => {
    if (isSpaceId(TOY_SPACE_ID)) unregisterSpace(TOY_SPACE_ID)
  })

  test('should list the built-in spaces once each, NAS-Bench-201 first (the default)', () => {
    expect(spaceIds()).toEqual(['nb201', 'nb101', 'nbnlp', 'natssss'])
    expect(new Set(spaceIds()).size).toBe(spaceIds().length)
    expect(DEFAULT_SPACE_ID).toBe('nb201')
  })

  test.each(['nb201', 'nb101', 'nbnlp', 'natssss'])('should give %s every field, consistent with itself', (id) => {
    const space = getSpace(id)
    expect(space.id).toBe(id)
    expect(space.title).toMatch(/^NA(S|TS)-Bench/)
    expect(space.datasets.length).toBeGreaterThan(0)
    for (const dataset of space.datasets) expect(Object.keys(DATASETS)).toContain(dataset)
    expect(weightPairProblem(space.defaultWeights)).toBeNull()
    expect(space.writtenForm).not.toBe('')
    // A seeded sample: distinct archs in normal form, the same on every call.
    const sample = space.sample(3, 7)
    expect(sample).toHaveLength(3)
    expect(new Set(sample).size).toBe(3)
    expect(space.sample(3, 7)).toEqual(sample)
    for (const arch of sample) {
      expect(space.normalize(arch)).toBe(arch)
      expect(space.validate(arch)).toBeNull()
      expect(typeof space.benchmarkKey(arch)).toBe('string')
      expect(space.canonicalKey(arch) === null).toBe(!space.hasCanonicalForm)
    }
    const graph = space.buildNetwork(sample[0], { dataset: space.datasets[0], batchSize: 2, form: 'literal' })
    expect(() => validateGraph(graph)).not.toThrow()
    // Enumerable exactly when finite and small enough: then the enumeration is the whole space.
    const all = space.enumerate()
    if (all !== null) expect(all).toHaveLength(space.size ?? -1)
    expect(space.validate('certainly not an arch')).toMatch(/./)
    expect(thrown(() => space.normalize('certainly not an arch')).code).toBe('BAD_ARCH')
  })

  test('should say which facts each built-in has', () => {
    expect(listSpaces().map((s) => [s.id, s.size, s.hasCanonicalForm, s.hasBenchmarkKey, s.enumerate() !== null])).toEqual([
      ['nb201', 15_625, true, false, true],
      ['nb101', 423_624, false, true, false],
      ['nbnlp', null, false, false, false],
      ['natssss', 32_768, false, false, true],
    ])
    expect(getSpace('nb101').datasets).toEqual(['cifar10'])
    expect(getSpace('nbnlp').datasets).toEqual(['ptb'])
    expect(getSpace('nb201').defaultWeights).toEqual([1e-7, 1])
    expect(getSpace('natssss').datasets).toEqual(['cifar10', 'cifar100', 'ImageNet16-120'])
  })

  test('should refuse an unknown id in one line listing the known ones', () => {
    const error = thrown(() => getSpace('nb999'))
    expect(error.code).toBe('BAD_ARGUMENT')
    expect(error.message).toBe("unknown search space 'nb999' (known: nb201, nb101, nbnlp, natssss)")
    expect(unknownSpaceMessage('x'.repeat(100_000)).length).toBeLessThan(400)
    expect(isSpaceId('nb999')).toBe(false)
    expect(isSpaceId(42)).toBe(false)
  })

  test('should refuse a dataset the space is not defined on', () => {
    expect(thrown(() => getSpace('nb101').checkDataset('cifar100')).message).toBe('search space nb101 is defined on cifar10 only (got --dataset cifar100)')
    expect(thrown(() => getSpace('nb201').buildNetwork('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|', { dataset: 'ptb', batchSize: 2, form: 'literal' })).code).toBe('BAD_ARGUMENT')
  })

  test('should register a space defined elsewhere through the same function, after the built-ins, and remove it again', () => {
    registerSpace(toySpace)
    expect(spaceIds()).toEqual(['nb201', 'nb101', 'nbnlp', 'natssss', TOY_SPACE_ID])
    expect(getSpace(TOY_SPACE_ID)).toBe(toySpace)
    expect(thrown(() => getSpace('nope')).message).toContain(`known: nb201, nb101, nbnlp, natssss, ${TOY_SPACE_ID}`)
    expect(toySpace.enumerate()).toHaveLength(14)
    expect(toySpace.validate('3-5')).toMatch(/block 2: kernel must be 1 or 3/)
    // A space without benchmark data gets the generic behaviour.
    expect(spaceBenchmarkData(TOY_SPACE_ID)).toEqual({ space: TOY_SPACE_ID })
    unregisterSpace(TOY_SPACE_ID)
    expect(isSpaceId(TOY_SPACE_ID)).toBe(false)
  })

  test('should refuse a second space with a taken id, a malformed id, and removing a built-in', () => {
    expect(thrown(() => registerSpace(getSpace('nb201'))).message).toBe('search space nb201 is already registered')
    expect(thrown(() => registerSpace({ ...toySpace, id: 'Bad Id' })).code).toBe('BAD_ARGUMENT')
    expect(thrown(() => unregisterSpace('nb201')).message).toMatch(/built in/)
    expect(spaceIds()).toEqual(['nb201', 'nb101', 'nbnlp', 'natssss'])
  })

  test('should give benchmark data only to registered spaces', () => {
    for (const id of spaceIds()) expect(spaceBenchmarkData(id).space).toBe(id)
    expect(spaceBenchmarkData('nb201').accuracies).toBeDefined()
    expect(spaceBenchmarkData('nbnlp').readArchs).toBeDefined()
    expect(spaceBenchmarkData('nb101').statsTarget?.datasets).toEqual(['cifar10'])
    expect(spaceBenchmarkData('nbnlp').statsTarget?.lowerIsBetter).toBe(true)
  })
})
