import { describe, expect, test } from 'vitest'
import {
  NATSSSS_CHANNELS,
  NATSSSS_SIZE,
  enumerateNatsSss,
  formatNatsSssArch,
  natsSssArchAt,
  normalizeNatsSssArch,
  parseNatsSssArch,
} from '../../../src/main/core/spaces/natssss/index.ts'
import { getSpace } from '../../../src/main/core/spaces/registry.ts'
import { EpsinasError } from '../../../src/shared/errors.ts'

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error, none was thrown')
}

/** Asserts `arch` is rejected by both entry points with BAD_ARCH and a message naming the string, the place and the problem. */
function expectBadArch(arch: string, where: string, what: string): void {
  for (const parse of [parseNatsSssArch, normalizeNatsSssArch]) {
    const error = thrown(() => parse(arch))
    expect(error).toBeInstanceOf(EpsinasError)
    const e = error as EpsinasError
    expect(e.code).toBe('BAD_ARCH')
    expect(e.message).toBe(`malformed NATS-Bench size arch string ${JSON.stringify(arch)}: ${where}: ${what}`)
  }
}

const EXPECTED_CHANNELS = 'expected a channel count in 8, 16, 24, 32, 40, 48, 56, 64'

describe('NATS-Bench size arch strings', () => {
  test('should parse the benchmark spelling into five channel counts and format it back', () => {
    expect(parseNatsSssArch('64:64:64:64:64')).toEqual([64, 64, 64, 64, 64])
    expect(parseNatsSssArch('8:16:32:48:64')).toEqual([8, 16, 32, 48, 64])
    for (const arch of ['8:8:8:8:8', '8:16:32:48:64', '64:56:48:40:32']) expect(formatNatsSssArch(parseNatsSssArch(arch))).toBe(arch)
  })

  test('should normalise surrounding spaces and leading zeros to the benchmark spelling', () => {
    expect(normalizeNatsSssArch('  8:16:24:32:40\n')).toBe('8:16:24:32:40')
    expect(normalizeNatsSssArch('08:016:24:32:40')).toBe('8:16:24:32:40')
  })

  test('should reject malformed strings saying what is wrong and where', () => {
    expectBadArch('', 'whole string', 'empty')
    expectBadArch('8:16:32:48', 'whole string', "expected 5 channel counts separated by ':', found 4")
    expectBadArch('8:16:32:48:64:64', 'whole string', "expected 5 channel counts separated by ':', found 6")
    expectBadArch('8:16:12:48:64', 'place 3 ("12")', EXPECTED_CHANNELS)
    expectBadArch('8:16:32:48:72', 'place 5 ("72")', EXPECTED_CHANNELS)
    expectBadArch('8:16:32::64', 'place 4 ("")', EXPECTED_CHANNELS)
    expectBadArch('8: 16:32:48:64', 'place 2 (" 16")', EXPECTED_CHANNELS)
    expectBadArch('8:16.0:32:48:64', 'place 2 ("16.0")', EXPECTED_CHANNELS)
    expectBadArch('0x8:16:32:48:64', 'place 1 ("0x8")', EXPECTED_CHANNELS)
    // An NB201 arch string given to the wrong space.
    expectBadArch('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|', 'whole string', "expected 5 channel counts separated by ':', found 1")
  })

  test('should keep a hostile string to one line of bounded length', () => {
    const message = (thrown(() => parseNatsSssArch(`8:16:32:48:${'9'.repeat(100_000)}\n`)) as Error).message
    expect(message).not.toContain('\n')
    expect(message.length).toBeLessThan(400)
  })
})

describe('NATS-Bench size enumeration', () => {
  const all = enumerateNatsSss()

  test('should list 8^5 = 32,768 distinct archs, each in normal form', () => {
    expect(NATSSSS_SIZE).toBe(32_768)
    expect(all).toHaveLength(32_768)
    expect(new Set(all).size).toBe(32_768)
    for (const arch of all) expect(normalizeNatsSssArch(arch)).toBe(arch)
  })

  test("should follow the benchmark's index order (itertools.product, last place fastest: NATS-sss meta_archs)", () => {
    // Indices and strings from meta.pickle of NATS-sss-v1_0-50262-simple (the fixture in the NATS-Bench repository).
    expect(all.slice(0, 10)).toEqual([
      '8:8:8:8:8', '8:8:8:8:16', '8:8:8:8:24', '8:8:8:8:32', '8:8:8:8:40',
      '8:8:8:8:48', '8:8:8:8:56', '8:8:8:8:64', '8:8:8:16:8', '8:8:8:16:16',
    ])
    expect(all[11]).toBe('8:8:8:16:32')
    expect(all[284]).toBe('8:8:40:32:40')
    expect(all.slice(-3)).toEqual(['64:64:64:64:48', '64:64:64:64:56', '64:64:64:64:64'])
    expect(natsSssArchAt(32_767)).toBe('64:64:64:64:64')
    expect(NATSSSS_CHANNELS).toEqual([8, 16, 24, 32, 40, 48, 56, 64])
  })

  test('should refuse an index outside the space', () => {
    for (const index of [-1, 32_768, 1.5, Number.NaN]) expect((thrown(() => natsSssArchAt(index)) as EpsinasError).code).toBe('BAD_ARGUMENT')
  })
})

describe('the natssss space in the registry', () => {
  const space = getSpace('natssss')

  test('should be offered with its size, datasets, default pair and no canonical or benchmark key', () => {
    expect(space.title).toBe('NATS-Bench size')
    expect(space.size).toBe(32_768)
    expect(space.datasets).toEqual(['cifar10', 'cifar100', 'ImageNet16-120'])
    expect(space.defaultWeights).toEqual([1e-5, 1])
    expect(space.hasCanonicalForm).toBe(false)
    expect(space.hasBenchmarkKey).toBe(false)
    expect(space.enumerate()).toEqual(enumerateNatsSss())
  })

  test('should draw the same seeded sample on every call, distinct and inside the space', () => {
    const sample = space.sample(50, 1)
    expect(sample).toEqual(space.sample(50, 1))
    expect(new Set(sample).size).toBe(50)
    for (const arch of sample) expect(space.validate(arch)).toBeNull()
    expect(space.sample(50, 2)).not.toEqual(sample)
  })
})
