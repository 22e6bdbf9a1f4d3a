import { describe, expect, test } from 'vitest'
import { SeededRandom } from '../../src/main/core/random.ts'
import {
  greySource,
  minibatchSource,
  normalSource,
  uniformPositiveSource,
  uniformSource,
  type ImageBatchShape,
  type Minibatch,
  type MinibatchSource,
} from '../../src/main/data/index.ts'
import { EpsinasError } from '../../src/shared/errors.ts'

const f = Math.fround

async function load(source: MinibatchSource, shape: ImageBatchShape, seed: number): Promise<Minibatch> {
  return await source.load(shape, seed)
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length)
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length)
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
  return true
}

function meanAndStd(data: Float32Array): [number, number] {
  let sum = 0
  for (const x of data) sum += x
  const mean = sum / data.length
  let squares = 0
  for (const x of data) squares += (x - mean) ** 2
  return [mean, Math.sqrt(squares / data.length)]
}

describe('grey source (metric.md section 3: x[i, :, :, :] = i / N)', () => {
  test('image i of N is the constant float32(i / N) on every channel and pixel', async () => {
    const shape: ImageBatchShape = [5, 3, 4, 2]
    const batch = await load(greySource, shape, 0)
    expect(batch.shape).toEqual(shape)
    expect(batch.data).toBeInstanceOf(Float32Array)
    expect(batch.data.length).toBe(5 * 3 * 4 * 2)
    const perImage = 3 * 4 * 2
    for (let i = 0; i < 5; i++) {
      for (let k = 0; k < perImage; k++) expect(batch.data[i * perImage + k]).toBe(f(i / 5))
    }
    // First image is all zeros, the last is (N - 1) / N, never 1.
    expect(batch.data[0]).toBe(0)
    expect(batch.data[batch.data.length - 1]).toBe(f(4 / 5))
  })

  test('batch size 256 at 32x32: values 0, 1/256, ..., 255/256', async () => {
    const batch = await load(greySource, [256, 3, 32, 32], 0)
    const perImage = 3 * 32 * 32
    const firsts = Array.from({ length: 256 }, (_, i) => batch.data[i * perImage])
    expect(firsts).toEqual(Array.from({ length: 256 }, (_, i) => i / 256))
    expect(batch.data[perImage - 1]).toBe(0)
    expect(batch.data[perImage]).toBe(1 / 256)
  })

  test('channels are identical, the seed is ignored, the descriptor is grey', async () => {
    const a = await load(greySource, [4, 3, 2, 2], 1)
    const b = await load(greySource, [4, 3, 2, 2], 99)
    expect(a.channelsIdentical).toBe(true)
    expect(a.descriptor).toBe('grey')
    expect(b.descriptor).toBe('grey')
    expect(sameBits(a.data, b.data)).toBe(true)
    expect(greySource.seeded).toBe(false)
    expect(greySource.id).toBe('grey')
  })
})

const SEEDED: [string, MinibatchSource][] = [
  ['normal', normalSource],
  ['uniform', uniformSource],
  ['uniform-pos', uniformPositiveSource],
]

describe.each(SEEDED)('%s source', (id, source) => {
  const shape: ImageBatchShape = [8, 3, 16, 16]

  test('same seed gives the same bits; another seed gives different data', async () => {
    const a = await load(source, shape, 7)
    const b = await load(source, shape, 7)
    const c = await load(source, shape, 8)
    expect(a.data.length).toBe(8 * 3 * 16 * 16)
    expect(sameBits(a.data, b.data)).toBe(true)
    expect(sameBits(a.data, c.data)).toBe(false)
    // Not just a shifted copy: most entries differ.
    let equal = 0
    for (let i = 0; i < a.data.length; i++) if (a.data[i] === c.data[i]) equal++
    expect(equal).toBeLessThan(a.data.length / 100)
  })

  test('channels are not identical and the descriptor carries id and seed', async () => {
    const batch = await load(source, shape, 42)
    expect(batch.channelsIdentical).toBe(false)
    expect(batch.descriptor).toBe(`${id}:seed=42`)
    expect((await load(source, shape, 43)).descriptor).not.toBe(batch.descriptor)
    expect(batch.shape).toEqual(shape)
    expect(source.seeded).toBe(true)
    expect(source.id).toBe(id)
    // Channels of one pixel really do differ.
    const plane = 16 * 16
    expect(batch.data[0]).not.toBe(batch.data[plane])
  })

  test('all values are finite float32', async () => {
    const batch = await load(source, shape, 3)
    expect(batch.data).toBeInstanceOf(Float32Array)
    expect(batch.data.every(Number.isFinite)).toBe(true)
  })
})

describe('distributions (100,000 draws)', () => {
  const shape: ImageBatchShape = [100, 1, 25, 40]

  test('normal: mean about 0, std about 1, symmetric tails', async () => {
    const { data } = await load(normalSource, shape, 2024)
    expect(data.length).toBe(100_000)
    const [mean, std] = meanAndStd(data)
    // Standard error of the mean is 1 / sqrt(1e5) = 0.0032; of the std about 0.0022.
    expect(Math.abs(mean)).toBeLessThan(0.015)
    expect(Math.abs(std - 1)).toBeLessThan(0.015)
    let within1 = 0
    let negative = 0
    for (const x of data) {
      if (Math.abs(x) < 1) within1++
      if (x < 0) negative++
    }
    expect(within1 / data.length).toBeCloseTo(0.6827, 2)
    expect(negative / data.length).toBeCloseTo(0.5, 2)
    expect(data.some((x) => x > 3)).toBe(true)
    expect(data.some((x) => x < -3)).toBe(true)
  })

  test('uniform: values in (-1, 1), mean 0, std 1/sqrt(3)', async () => {
    const { data } = await load(uniformSource, shape, 2024)
    expect(data.every((x) => x > -1 && x < 1)).toBe(true)
    const [mean, std] = meanAndStd(data)
    expect(Math.abs(mean)).toBeLessThan(0.01)
    expect(Math.abs(std - 1 / Math.sqrt(3))).toBeLessThan(0.01)
    expect(data.some((x) => x < -0.99)).toBe(true)
    expect(data.some((x) => x > 0.99)).toBe(true)
  })

  test('uniform-pos: values in (0, 1), mean 1/2, std 1/sqrt(12)', async () => {
    const { data } = await load(uniformPositiveSource, shape, 2024)
    expect(data.every((x) => x > 0 && x < 1)).toBe(true)
    const [mean, std] = meanAndStd(data)
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005)
    expect(Math.abs(std - 1 / Math.sqrt(12))).toBeLessThan(0.005)
    expect(data.some((x) => x < 0.01)).toBe(true)
    expect(data.some((x) => x > 0.99)).toBe(true)
  })
})

describe('minibatchSource', () => {
  test('returns the source for each valid name', () => {
    expect(minibatchSource('grey')).toBe(greySource)
    expect(minibatchSource('normal')).toBe(normalSource)
    expect(minibatchSource('uniform')).toBe(uniformSource)
    expect(minibatchSource('uniform-pos')).toBe(uniformPositiveSource)
  })

  test('an unknown name throws EpsinasError BAD_ARGUMENT listing the valid names', () => {
    let caught: unknown
    try {
      minibatchSource('bogus')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(EpsinasError)
    const error = caught as EpsinasError
    expect(error.code).toBe('BAD_ARGUMENT')
    expect(error.message).toContain('bogus')
    for (const name of ['grey', 'normal', 'uniform', 'uniform-pos']) expect(error.message).toContain(name)
  })

  test('names are exact (no prototype keys, no case folding)', () => {
    for (const name of ['Grey', 'toString', 'constructor', '__proto__', '']) {
      expect(() => minibatchSource(name)).toThrow(EpsinasError)
    }
  })
})

describe('SeededRandom', () => {
  test('same seed, same sequence; different seed, different sequence', () => {
    const draw = (seed: number): number[] => {
      const r = new SeededRandom(seed)
      return Array.from({ length: 50 }, () => r.nextUint32())
    }
    expect(draw(123)).toEqual(draw(123))
    expect(draw(123)).not.toEqual(draw(124))
    expect(draw(0)).not.toEqual(draw(1))
  })

  test('every method is deterministic for a seed', () => {
    const run = (seed: number): number[] => {
      const r = new SeededRandom(seed)
      return [r.nextFloat(), r.nextInt(1000), r.nextNormal(), r.nextNormal(), r.nextNormal(), ...r.sampleWithoutReplacement(100, 10)]
    }
    expect(run(9)).toEqual(run(9))
    expect(run(9)).not.toEqual(run(10))
  })

  test('nextUint32, nextFloat and nextInt stay in range', () => {
    const r = new SeededRandom(77)
    for (let i = 0; i < 10_000; i++) {
      const u = r.nextUint32()
      expect(Number.isInteger(u) && u >= 0 && u < 2 ** 32).toBe(true)
      const x = r.nextFloat()
      expect(x >= 0 && x < 1).toBe(true)
      const k = r.nextInt(7)
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true)
    }
  })

  test('sampleWithoutReplacement returns distinct values in [0, n)', () => {
    const r = new SeededRandom(5)
    for (const [n, count] of [
      [15_625, 100],
      [10, 10],
      [1000, 999],
      [1, 1],
    ]) {
      const sample = r.sampleWithoutReplacement(n, count)
      expect(sample).toHaveLength(count)
      expect(new Set(sample).size).toBe(count)
      for (const x of sample) expect(Number.isInteger(x) && x >= 0 && x < n).toBe(true)
    }
  })

  test('sampleWithoutReplacement with count >= n is a permutation of [0, n)', () => {
    const r = new SeededRandom(6)
    const sample = r.sampleWithoutReplacement(20, 50)
    expect([...sample].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(r.sampleWithoutReplacement(20, 0)).toEqual([])
  })

  test('sampleWithoutReplacement is reproducible and covers the range roughly uniformly', () => {
    expect(new SeededRandom(8).sampleWithoutReplacement(15_625, 100)).toEqual(new SeededRandom(8).sampleWithoutReplacement(15_625, 100))
    const counts = new Array<number>(10).fill(0)
    for (let seed = 0; seed < 2000; seed++) counts[new SeededRandom(seed).sampleWithoutReplacement(10, 3)[2]]++
    // Each value expected 200 times as the third draw.
    for (const c of counts) expect(c).toBeGreaterThan(140)
  })
})
