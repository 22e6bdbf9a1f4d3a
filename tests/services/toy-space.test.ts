/**
 * "Adding a space touches its folder, one registry line and its tests, nothing else": a toy space
 * defined only in tests/core/spaces/toy-space.ts is registered through the built-ins' function
 * and then goes through the real scoring service, arch selection, score files, API schemas and
 * spaces:list without any other file knowing it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { registerSpace, unregisterSpace } from '../../src/main/core/spaces/registry.ts'
import { selectArchs } from '../../src/main/cli/arch-selection.ts'
import { writeScores } from '../../src/main/cli/score-output.ts'
import { runScoreTask } from '../../src/main/jobs/score-task.ts'
import type { ScorePool } from '../../src/main/jobs/worker-pool.ts'
import { SCHEMAS } from '../../src/main/services/api/schemas.ts'
import { listSpaceViews } from '../../src/main/services/api/spaces.ts'
import { scorePairs } from '../../src/main/services/scoring.ts'
import { openStore, type ScoreStore } from '../../src/main/store/index.ts'
import { TOY_SPACE_ID, toySpace } from '../core/spaces/toy-space.ts'
import { tempDir } from './api/helpers.ts'

/**
 * The real task code run in this thread: worker threads load only the built-in registry, while
 * the toy space lives in this test's module graph.
 */
const inThreadPool: ScorePool = { workers: 1, run: (task) => runScoreTask(task), close: async () => {} }

describe('a search space registered from outside src/', () => {
  let store: ScoreStore
  let dir: string
  let cleanup: () => void
  beforeAll(() => {
    registerSpace(toySpace)
    ;({ dir, cleanup } = tempDir('epsinas-toy-space-'))
    store = openStore(join(dir, 'scores.db'))
  })
  afterAll(() => {
    store.close()
    cleanup()
    unregisterSpace(TOY_SPACE_ID)
  })

  test('should be scored end to end through the scoring service, then served from the cache', async () => {
    const archs = await selectArchs(TOY_SPACE_ID, { kind: 'all' })
    expect(archs).toHaveLength(14)
    const sample = await selectArchs(TOY_SPACE_ID, { kind: 'sample', limit: 4, seed: 3 })
    expect(sample).toEqual(await selectArchs(TOY_SPACE_ID, { kind: 'sample', limit: 4, seed: 3 }))
    await expect(selectArchs(TOY_SPACE_ID, { kind: 'sample', limit: 15, seed: 3 })).rejects.toThrow(/at most 14/)
    const listed = await selectArchs(TOY_SPACE_ID, { kind: 'list', archs: [' 3-1 ', '1'] })
    expect(listed).toEqual(['3-1', '1'])
    await expect(selectArchs(TOY_SPACE_ID, { kind: 'list', archs: ['3-2'] })).rejects.toThrow(/block 2: kernel must be 1 or 3/)

    const request = { space: TOY_SPACE_ID, archs, dataset: 'cifar10', input: 'normal', inputSeed: 1, batchSize: 4, pairs: [[1e-3, 1]], engine: 'collapsed', backend: 'auto' } as const
    const first = await scorePairs(request, { store, pool: inThreadPool })
    expect(first.failed).toEqual([])
    const rows = first.pairs[0].rows
    expect(rows.map((r) => r.arch)).toEqual(archs)
    expect(rows.every((r) => r.source === 'computed' && r.canonical === null)).toBe(true)
    expect(rows.filter((r) => r.epsilon !== null && Number.isFinite(r.epsilon)).length).toBeGreaterThan(0)
    const again = await scorePairs(request, { store, pool: inThreadPool })
    expect(again.pairs[0].rows.map((r) => [r.epsilon, r.source])).toEqual(rows.map((r) => [r.epsilon, 'cached']))
    // Every arch fails on a dataset the space is not defined on (callers check it first: CLI, API).
    const wrong = await scorePairs({ ...request, archs: ['1'], dataset: 'ImageNet16-120' }, { store, pool: inThreadPool })
    expect(wrong.failed.map((f) => f.error.message)).toEqual(['search space toy-chain is defined on cifar10, cifar100 only (got --dataset ImageNet16-120)'])

    // The score file: no hash column (the space has no benchmark key), the space id in every row.
    const out = join(dir, 'toy.csv')
    await writeScores(out, { kind: 'score', space: TOY_SPACE_ID, dataset: 'cifar10', input: 'normal', inputSeed: 1, batchSize: 4, engine: 'collapsed', backend: 'auto', pairs: [[1e-3, 1]] }, first)
    const [header, line] = readFileSync(out, 'utf8').split('\n')
    expect(header.split(',')).not.toContain('hash')
    expect(line.split(',')).toContain(TOY_SPACE_ID)
  })

  test('should be accepted by the API schemas and listed on spaces:list', () => {
    const config = { space: TOY_SPACE_ID, dataset: 'cifar100', input: 'grey', inputSeed: 0, batchSize: 4, weights: [1e-3, 1], engine: 'collapsed' }
    expect(SCHEMAS['scores:list'](config)).toMatchObject({ ok: true })
    expect(SCHEMAS['scores:list']({ ...config, dataset: 'ptb' })).toMatchObject({ ok: false })
    expect(listSpaceViews().at(-1)).toEqual({
      id: TOY_SPACE_ID,
      title: 'Toy conv chain',
      datasets: ['cifar10', 'cifar100'],
      defaultWeights: [1e-3, 1],
      size: 14,
      kind: 'built-in',
      inputShape: [3, 32, 32],
      source: null,
      importedAt: null,
      warnings: [],
    })
  })
})
