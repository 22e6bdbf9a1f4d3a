import { describe, expect, test } from 'vitest'
import { curveQuartiles, editDistanceNeighbours, repeatRandom, runVariant, simulate } from '../../src/main/search/index.ts'
import { problemOf, syntheticSpace, variantOf } from './synthetic.ts'

const space = syntheticSpace()
const problem = problemOf(space)
const best = Math.max(...space.accuracy)

describe('search algorithms on a synthetic space with a known optimum', () => {
  test.each(['random', 'evolution'] as const)('%s: a warm-up whose pool holds the optimum and whose guide ranks it first finds it at the first query', (algorithm) => {
    // A perfect guide (the accuracy itself) and a pool of the whole space: the optimum heads the pool.
    const variant = variantOf({ algorithm, warmup: space.accuracy, pool: space.archs.length })
    for (let repeat = 0; repeat < 5; repeat++) {
      const curve = runVariant(problem, variant, repeatRandom(1, repeat))
      expect(curve[0]).toBe(best)
    }
  })

  test('without a warm-up the first query is rarely the optimum (so the test above proves the warm-up)', () => {
    const firsts = Array.from({ length: 20 }, (_, repeat) => runVariant(problem, variantOf({ algorithm: 'random' }), repeatRandom(1, repeat))[0])
    expect(firsts.filter((first) => first === best).length).toBe(0)
  })

  test.each(['random', 'evolution'] as const)('%s: a seeded run is reproducible, another seed differs', (algorithm) => {
    const variant = variantOf({ algorithm, warmup: space.accuracy.map((a) => -a), pool: 500 })
    const once = runVariant(problem, variant, repeatRandom(7, 3))
    expect(runVariant(problem, variant, repeatRandom(7, 3))).toEqual(once)
    expect(runVariant(problem, variant, repeatRandom(8, 3))).not.toEqual(once)
    expect(simulate(problem, variant, { seed: 7, repeats: 4 })).toEqual(simulate(problem, variant, { seed: 7, repeats: 4 }))
  })

  test('the curve has one point per trained model and never decreases; a budget below the population still stops at the budget', () => {
    for (const budget of [300, 10]) {
      const curve = runVariant(problem, variantOf({ budget }), repeatRandom(0, 0))
      expect(curve.length).toBe(budget)
      for (let i = 1; i < curve.length; i++) expect(curve[i]).toBeGreaterThanOrEqual(curve[i - 1])
    }
  })

  test('evolution beats random search on the smooth landscape: median final accuracy over 30 repeats, budget 300', () => {
    const evolution = simulate(problem, variantOf({ algorithm: 'evolution' }), { seed: 0, repeats: 30 })
    const random = simulate(problem, variantOf({ algorithm: 'random' }), { seed: 0, repeats: 30 })
    // Random search's 300 draws of 15,625 match 4 of 6 positions at best (about 70.0); evolution climbs to the optimum.
    expect(evolution.final.median).toBe(best)
    expect(random.final.median).toBeLessThan(best - 5)
    expect(evolution.final.q25).toBeGreaterThan(random.final.q75)
  })

  test('move with the selection accuracy as its guide is plain evolution, step for step; a guide ranking backwards does worse', () => {
    const plain = runVariant(problem, variantOf({}), repeatRandom(3, 0))
    expect(runVariant(problem, variantOf({ move: space.accuracy }), repeatRandom(3, 0))).toEqual(plain)
    const backwards = simulate(problem, variantOf({ move: space.accuracy.map((a) => -a) }), { seed: 3, repeats: 20 })
    expect(backwards.final.median).toBeLessThan(simulate(problem, variantOf({}), { seed: 3, repeats: 20 }).final.median)
  })

  test('a guide of -Infinity (NaN epsilon) ranks an arch last in the warm-up, even the optimum', () => {
    const guide = Float64Array.from(space.accuracy)
    guide[space.optimum] = Number.NEGATIVE_INFINITY
    const curve = runVariant(problem, variantOf({ algorithm: 'random', warmup: guide, pool: space.archs.length, budget: 64 }), repeatRandom(0, 0))
    expect(curve[0]).toBeLessThan(best)
    expect(curve[0]).toBe(Math.max(...guide))
  })
})

describe('mutation neighbours by edit distance over the installed archs', () => {
  test('the full space: every one-token change (the reference NB201 mutation: 6 edges x 4 other ops = 24)', () => {
    const neighbours = editDistanceNeighbours(space.archs, (arch) => [...arch])(space.archs.indexOf('aaaaaa'))
    expect(neighbours.length).toBe(24)
    expect(neighbours.map((i) => space.archs[i]).slice(0, 5)).toEqual(['baaaaa', 'caaaaa', 'daaaaa', 'eaaaaa', 'abaaaa'])
  })

  test('a partial set: distance 1 where installed, else the nearest installed archs', () => {
    const archs = ['aaa', 'aab', 'bbb', 'bcc', 'ccc']
    const neighbours = editDistanceNeighbours(archs, (arch) => [...arch])
    expect(neighbours(0).map((i) => archs[i])).toEqual(['aab'])
    // 'bbb' has none at distance 1: the two at distance 2, in index order.
    expect(neighbours(2).map((i) => archs[i])).toEqual(['aab', 'bcc'])
    expect(neighbours(4).map((i) => archs[i])).toEqual(['bcc'])
    expect(neighbours(1).map((i) => archs[i])).toEqual(['aaa'])
  })

  test('an arch with no distance-1 neighbour steps to every arch at the smallest distance', () => {
    const archs = ['aaa', 'bba', 'abb', 'ccc']
    const neighbours = editDistanceNeighbours(archs, (arch) => [...arch])
    expect(neighbours(0).map((i) => archs[i])).toEqual(['bba', 'abb'])
    expect(neighbours(3).map((i) => archs[i])).toEqual(['aaa', 'bba', 'abb'])
  })
})

describe('curve quartiles', () => {
  test('median, q25, q75 per step as numpy.quantile (linear)', () => {
    const curves = [1, 2, 3, 4].map((v) => Float64Array.of(v, 10 * v))
    expect(curveQuartiles(curves)).toEqual({ median: [2.5, 25], q25: [1.75, 17.5], q75: [3.25, 32.5] })
  })

  test('repeatRandom: seed s repeat r+1 is not seed s+1 repeat r', () => {
    expect(repeatRandom(1, 0).nextUint32()).not.toBe(repeatRandom(0, 1).nextUint32())
    expect(repeatRandom(1, 0).nextUint32()).toBe(repeatRandom(1, 0).nextUint32())
  })
})
