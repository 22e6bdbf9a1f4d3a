import { describe, expect, test } from 'vitest'
import { droppedSignalNote, MIN_COMMON_WITH_EPSILON, signalsAgreeingWithEpsilon } from '../../../src/main/core/ranking/agreeing-signals.ts'
import type { RankSignal } from '../../../src/main/core/ranking/full-coverage.ts'

const n = 12
const up = Array.from({ length: n }, (_, i) => i)
const epsilon: RankSignal = { name: 'epsilon', values: [...up.slice(0, 10), null, null] }

describe('signalsAgreeingWithEpsilon', () => {
  test('keeps epsilon and the signals that order the archs as it does; drops one that orders them against it', () => {
    const agrees: RankSignal = { name: 'synflow', values: up.map((i) => i * i) }
    const against: RankSignal = { name: 'jacov', values: up.map((i) => -i) }
    const { kept, dropped } = signalsAgreeingWithEpsilon([epsilon, agrees, against])
    expect(kept.map((s) => s.name)).toEqual(['epsilon', 'synflow'])
    // Over the 10 archs epsilon scores, jacov is its exact reverse.
    expect(dropped).toEqual([{ name: 'jacov', spearman: -1, common: 10 }])
    expect(droppedSignalNote(dropped[0])).toBe('jacov left out of the ranking: it ranks against epsilon (Spearman -1.000 on 10 archs both score)')
  })

  test('drops a signal constant where epsilon scores, which orders nothing', () => {
    const constant: RankSignal = { name: 'params', values: up.map(() => 5) }
    const { dropped } = signalsAgreeingWithEpsilon([epsilon, constant])
    expect(dropped.map((s) => s.name)).toEqual(['params'])
    expect(droppedSignalNote(dropped[0])).toBe('params left out of the ranking: it is constant on the 10 archs epsilon scores')
  })

  test('keeps a signal it cannot judge: fewer archs in common with epsilon than the minimum', () => {
    const few: RankSignal = { name: 'jacov', values: up.map((i) => (i < MIN_COMMON_WITH_EPSILON - 1 ? -i : null)) }
    expect(signalsAgreeingWithEpsilon([epsilon, few]).kept.map((s) => s.name)).toEqual(['epsilon', 'jacov'])
  })

  test('keeps every signal when there is no epsilon to agree with', () => {
    const against: RankSignal = { name: 'jacov', values: up.map((i) => -i) }
    expect(signalsAgreeingWithEpsilon([against]).kept).toEqual([against])
  })
})
