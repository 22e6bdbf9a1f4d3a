import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { openStore, type ScoreConfigKey, type ScoreStore, type StoredScore } from '../../src/main/store/index.ts'
import { configKey, expectEpsinasError, useTempDir } from './helpers.ts'

const tmp = useTempDir('scores')
let store: ScoreStore
let fileIndex = 0

beforeEach(() => {
  fileIndex += 1
  store = openStore(join(tmp(), `cache-${fileIndex}.sqlite`))
})

afterEach(() => {
  store.close()
})

/** A finite score with defaults for the fields a test does not care about. */
function score(arch: string, epsilon: number, extra: Partial<StoredScore> = {}): StoredScore {
  return { arch, epsilon, nanReason: null, ms: 1.25, canonical: null, ...extra }
}

describe('configId', () => {
  test('is idempotent, and findConfigId finds without creating', () => {
    expect(store.findConfigId(configKey())).toBeNull()
    expect(store.listConfigs()).toHaveLength(0)
    const id = store.configId(configKey())
    expect(store.configId(configKey())).toBe(id)
    expect(store.configId({ ...configKey(), weights: [1e-7, 1] })).toBe(id)
    expect(store.findConfigId(configKey())).toBe(id)
    expect(store.listConfigs()).toHaveLength(1)
  })

  // Every field is part of the key: changing any one of them must give a new config.
  const variants: Array<[keyof ScoreConfigKey, Partial<ScoreConfigKey>]> = [
    ['space', { space: 'nb101' }],
    ['dataset', { dataset: 'cifar100' }],
    ['classes', { classes: 100 }],
    ['imageSize', { imageSize: 16 }],
    ['input', { input: 'normal' }],
    ['inputSeed', { inputSeed: 1 }],
    ['batchSize', { batchSize: 64 }],
    ['weights', { weights: [1e-7, 2] }],
    ['engine', { engine: 'collapsed/ts@2' }],
  ]
  test.each(variants)('differs when %s differs', (_field, override) => {
    const base = store.configId(configKey())
    const other = store.configId(configKey(override))
    expect(other).not.toBe(base)
    expect(store.configId(configKey(override))).toBe(other)
    expect(store.findConfigId(configKey(override))).toBe(other)
  })

  test('compares weights exactly: one ulp apart is another config, 1e-7 round-trips bit for bit', () => {
    const low = 1e-7
    const nextUp = low + low * Number.EPSILON // the next float64 above 1e-7
    expect(nextUp).not.toBe(low)
    const a = store.configId(configKey({ weights: [low, 1] }))
    const b = store.configId(configKey({ weights: [nextUp, 1] }))
    expect(b).not.toBe(a)
    const listed = store.listConfigs().find((c) => c.id === a)
    expect(Object.is(listed?.weights[0], 1e-7)).toBe(true)
    expect(Object.is(listed?.weights[1], 1)).toBe(true)

    // And across a reopen, where the value really comes back from the file.
    const path = store.path
    store.close()
    store = openStore(path)
    expect(store.findConfigId(configKey({ weights: [1e-7, 1] }))).toBe(a)
    expect(store.findConfigId(configKey({ weights: [nextUp, 1] }))).toBe(b)
  })

  test('rejects keys SQLite could not compare exactly', () => {
    expectEpsinasError(() => store.configId(configKey({ weights: [Number.NaN, 1] })), 'INTERNAL', /weights/)
    expectEpsinasError(() => store.configId(configKey({ classes: 10.5 })), 'INTERNAL', /classes/)
    expectEpsinasError(() => store.configId(configKey({ engine: '' })), 'INTERNAL', /engine/)
    expect(store.listConfigs()).toHaveLength(0)
  })
})

describe('putMany and lookup', () => {
  test('round-trip finite scores, NaN as null with its reason, canonical ids and exact doubles', () => {
    const id = store.configId(configKey())
    const scores: StoredScore[] = [
      score('|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|', Math.PI / 3, { ms: 12.5 }),
      { arch: 'nan-arch', epsilon: null, nanReason: 'outputs-constant', ms: 0.75, canonical: null },
      score('dup-arch', 1e-300, { ms: 0, canonical: 'canon-arch' }),
      score('negative', -2.5),
    ]
    store.putMany(id, scores)

    const found = store.lookup(id, [...scores.map((s) => s.arch), 'not-cached'])
    expect(found.size).toBe(4)
    expect(found.has('not-cached')).toBe(false)
    for (const s of scores) expect(found.get(s.arch)).toEqual(s)
    expect(found.get('nan-arch')?.epsilon).toBeNull()
    expect(found.get('nan-arch')?.nanReason).toBe('outputs-constant')
    expect(Object.is(found.get(scores[0].arch)?.epsilon, Math.PI / 3)).toBe(true)

    // Scores belong to their config only.
    const other = store.configId(configKey({ inputSeed: 7 }))
    expect(store.lookup(other, scores.map((s) => s.arch)).size).toBe(0)
    expect(store.lookup(id, []).size).toBe(0)
    // countCached counts what lookup would find, per config, without reading the rows.
    expect(store.countCached(id, [...scores.map((s) => s.arch), 'not-cached'])).toBe(4)
    expect(store.countCached(other, scores.map((s) => s.arch))).toBe(0)
  })

  test('scoresFor is ordered by arch; counts and listConfigs add up', () => {
    const a = store.configId(configKey())
    const b = store.configId(configKey({ dataset: 'cifar100', classes: 100 }))
    store.putMany(a, [
      score('c', 3),
      score('a', 1),
      { arch: 'b', epsilon: null, nanReason: 'zero-mean', ms: 2, canonical: null },
    ])
    store.putMany(b, [score('x', 9)])

    expect(store.scoresFor(a).map((s) => s.arch)).toEqual(['a', 'b', 'c'])
    expect(store.countScores(a)).toBe(3)
    expect(store.countScores(b)).toBe(1)
    expect(store.countScores()).toBe(4)
    expect(store.countScores(12345)).toBe(0)
    expect(store.listConfigs()).toEqual([
      { ...configKey(), id: a, count: 3, nanCount: 1 },
      { ...configKey({ dataset: 'cifar100', classes: 100 }), id: b, count: 1, nanCount: 0 },
    ])
  })

  test('is insert-or-ignore: a cached arch keeps its first value and is never duplicated', () => {
    const id = store.configId(configKey())
    store.putMany(id, [score('a', 0.5)])
    store.putMany(id, [score('a', 0.9, { ms: 99 }), score('b', 0.1), score('b', 0.2)])
    expect(store.countScores(id)).toBe(2)
    expect(store.lookup(id, ['a']).get('a')).toEqual(score('a', 0.5))
    expect(store.lookup(id, ['b']).get('b')).toEqual(score('b', 0.1))
  })

  describe('is all or nothing', () => {
    const bad: Array<[string, StoredScore, RegExp]> = [
      ['NaN epsilon', score('bad', Number.NaN), /finite or null/],
      ['infinite epsilon', score('bad', Number.POSITIVE_INFINITY), /finite or null/],
      ['null epsilon without a reason', { arch: 'bad', epsilon: null, nanReason: null, ms: 1, canonical: null }, /nanReason/],
      ['finite epsilon with a reason', score('bad', 1, { nanReason: 'zero-mean' }), /nanReason/],
      ['negative ms', score('bad', 1, { ms: -1 }), /ms/],
      ['empty arch', score('', 1), /arch/],
    ]
    test.each(bad)('a batch with one %s writes nothing', (_name, row, pattern) => {
      const id = store.configId(configKey())
      const batch = [score('good-1', 1), score('good-2', 2), row, score('good-3', 3)]
      expectEpsinasError(() => store.putMany(id, batch), 'INTERNAL', pattern)
      expect(store.countScores()).toBe(0)
    })

    test('a batch SQLite refuses (unknown config id) is STORE_FAILED and writes nothing', () => {
      const id = store.configId(configKey())
      expectEpsinasError(() => store.putMany(id + 1000, [score('a', 1)]), 'STORE_FAILED', /FOREIGN KEY/, /score cache at/)
      expect(store.countScores()).toBe(0)
      expect(store.integrityCheck()).toBe('ok')
    })
  })

  test('15,625 archs (all of NAS-Bench-201) are stored and looked up fast', () => {
    const id = store.configId(configKey())
    const ops = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']
    const archs: string[] = []
    for (let i = 0; i < 15_625; i++) {
      const op = (k: number): string => ops[Math.floor(i / 5 ** k) % 5]
      archs.push(`|${op(0)}~0|+|${op(1)}~0|${op(2)}~1|+|${op(3)}~0|${op(4)}~1|${op(5)}~2|`)
    }
    expect(new Set(archs).size).toBe(15_625)
    const scores = archs.map((arch, i) =>
      i % 97 === 0
        ? { arch, epsilon: null, nanReason: 'outputs-nonfinite' as const, ms: 0.5, canonical: null }
        : score(arch, i / 7, { canonical: i % 3 === 0 ? archs[0] : null }),
    )

    let start = performance.now()
    store.putMany(id, scores)
    const putMs = performance.now() - start

    start = performance.now()
    const found = store.lookup(id, archs)
    const lookupMs = performance.now() - start

    console.log(`store: putMany 15,625 scores ${putMs.toFixed(1)} ms, lookup 15,625 archs ${lookupMs.toFixed(1)} ms`)
    expect(found.size).toBe(15_625)
    expect(found.get(archs[97])).toEqual(scores[97])
    expect(found.get(archs[12_345])).toEqual(scores[12_345])
    expect(store.listConfigs()[0]).toMatchObject({ count: 15_625, nanCount: Math.ceil(15_625 / 97) })
    expect(putMs).toBeLessThan(2000)
    expect(lookupMs).toBeLessThan(2000)
    expect(store.integrityCheck()).toBe('ok')
  })

  test('a closed store fails with STORE_FAILED', () => {
    store.close()
    expectEpsinasError(() => store.countScores(), 'STORE_FAILED', /not open/)
  })
})
