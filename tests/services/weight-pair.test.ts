import { describe, expect, test } from 'vitest'
import { checkWeightPair, parseWeightPair } from '../../src/main/services/score-parameters.ts'
import { SCHEMAS, formatIssues } from '../../src/main/services/api/index.ts'
import { EpsinasError } from '../../src/shared/errors.ts'
import type { WeightPair } from '../../src/shared/types.ts'

/** The message of the BAD_WEIGHTS error `fn` throws. */
function badWeights(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(EpsinasError)
    expect((error as EpsinasError).code).toBe('BAD_WEIGHTS')
    expect((error as EpsinasError).message).not.toContain('\n')
    return (error as EpsinasError).message
  }
  throw new Error('expected BAD_WEIGHTS')
}

const config = { space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 4, engine: 'collapsed' }

describe('the weight grammar: two positive finite decimals, the smaller first, distinct in float32', () => {
  test.each([
    ['1e-7,1', [1e-7, 1]],
    [' 0.5 , 2 ', [0.5, 2]],
    ['.25,1.', [0.25, 1]],
    ['1E-7,1e+0', [1e-7, 1]],
    ['1e-5,1e-3', [1e-5, 1e-3]],
  ])('--weights %j parses as %j', (text, pair) => {
    expect(parseWeightPair(text)).toEqual(pair)
  })

  test.each(['-1,1', '0x10,100', '1,0x10', '+1,2', 'Infinity,1', '1,1e999', 'NaN,1', '1_0,20', '1e-7', '1,2,3', '', '1e,2', '0b1,2', '1e-7 1'])(
    '--weights %j is refused on one line naming the grammar',
    (text) => {
      expect(badWeights(() => parseWeightPair(text))).toMatch(/two positive (finite )?(decimal )?numbers|positive finite/)
    },
  )

  test('a zero (also one that underflows) or a negative weight is refused', () => {
    expect(badWeights(() => parseWeightPair('0,1'))).toMatch(/positive/)
    expect(badWeights(() => parseWeightPair('1e-400,1'))).toMatch(/positive/)
    expect(badWeights(() => checkWeightPair([-1, 1]))).toMatch(/positive/)
  })

  test('the larger weight first is refused, so that one pair has one cache key', () => {
    expect(badWeights(() => parseWeightPair('1,1e-7'))).toMatch(/smaller first.*1e-7, 1/)
    expect(badWeights(() => checkWeightPair([1, 1e-7] as WeightPair))).toMatch(/smaller first/)
  })

  test('the API schemas apply the same grammar', () => {
    const issues = (weights: unknown): string => {
      const checked = SCHEMAS['scores:list']({ ...config, weights })
      if (checked.ok) throw new Error(`expected issues for ${JSON.stringify(weights)}`)
      return formatIssues(checked.issues)
    }
    expect(issues([-1, 1])).toMatch(/^weights must be two positive finite numbers/)
    expect(issues([1, 1e-7])).toMatch(/^weights must be given smaller first/)
    expect(issues([1, 1])).toMatch(/^weights must differ in float32/)
    expect(SCHEMAS['scores:list']({ ...config, weights: [1e-7, 1] }).ok).toBe(true)
    const start = SCHEMAS['jobs:start-score']({ ...config, weights: [1, 1e-7], archs: { kind: 'all' } })
    expect(start.ok).toBe(false)
  })
})
