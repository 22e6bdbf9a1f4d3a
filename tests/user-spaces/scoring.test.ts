/**
 * An imported space through the real scoring service and real worker threads: the workers register
 * the space from its folder (the data folder here is not $EPSINAS_HOME, so only the task's folder
 * can lead them there), build the same networks as this thread, and the cache keys name file content.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createScorePool, type ScorePool } from '../../src/main/jobs/worker-pool.ts'
import { runScoreTask } from '../../src/main/jobs/score-task.ts'
import { createJob, runJob } from '../../src/main/jobs/job-runner.ts'
import { sweepSpec, sweepTable } from '../../src/main/services/sweeps.ts'
import { scorePairs, type ScorePairsRequest } from '../../src/main/services/scoring.ts'
import { listScores } from '../../src/main/services/api/scores.ts'
import { openStore, type ScoreStore } from '../../src/main/store/index.ts'
import { importUserSpace, loadedUserSpace, removeUserSpace } from '../../src/main/user-spaces/index.ts'
import { tinyOnnxModel } from '../../src/main/onnx/write.ts'
import { EpsinasError } from '../../src/shared/errors.ts'
import { tempDir } from '../services/api/helpers.ts'
import { SMALL_MODELS, writeModels } from './helpers.ts'

const SPACE = 'us-scored'

describe('scoring an imported space', () => {
  let dir: string
  let dataDir: string
  let source: string
  let cleanup: () => void
  let pool: ScorePool
  let store: ScoreStore
  const request = (): ScorePairsRequest => ({ space: SPACE, archs: ['net-a', 'net-b', 'net-c'], dataset: 'custom', input: 'normal', inputSeed: 3, batchSize: 4, pairs: [[1e-3, 1]], engine: 'collapsed', backend: 'auto' })
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir('epsinas-user-scoring-'))
    dataDir = join(dir, 'home')
    source = writeModels(join(dir, 'models'), SMALL_MODELS)
    importUserSpace({ name: SPACE, path: source, dataDir })
    pool = createScorePool(1)
    store = openStore(join(dir, 'scores.db'))
  })
  afterAll(async () => {
    store.close()
    await pool.close()
    if (loadedUserSpace(SPACE)) removeUserSpace(SPACE, dataDir)
    cleanup()
  })

  test('worker threads score the same networks this thread builds, under cache names with the file hash', async () => {
    const summary = await scorePairs(request(), { store, pool })
    expect(summary.failed).toEqual([])
    const rows = summary.pairs[0].rows
    expect(rows.map((r) => [r.arch, r.source])).toEqual([['net-a', 'computed'], ['net-b', 'computed'], ['net-c', 'computed']])
    expect(rows.every((r) => r.epsilon !== null)).toBe(true)
    // The same task run in this thread gives the same bits: one definition of the space in both.
    const { archs } = loadedUserSpace(SPACE)?.manifest ?? { archs: [] }
    const inThread = await runScoreTask({
      config: { space: SPACE, dataset: 'custom', input: 'normal', inputSeed: 3, batchSize: 4, engine: { engine: 'collapsed', backend: 'ts' } },
      weights: [1e-3, 1],
      pairs: [[0, 1]],
      items: archs.map((arch) => ({ arch: arch.id, form: 'literal' as const, pairs: [0] })),
    })
    expect(inThread.map((r) => (r.ok ? r.scores[0].epsilon : null))).toEqual(rows.map((r) => r.epsilon))
    const stored = store.scoresFor(summary.pairs[0].configId).map((s) => s.arch)
    expect(stored).toEqual(archs.map((arch) => `${arch.id}@${arch.sha256}`))
    // scores:list answers under the arch ids.
    const listed = await listScores(store, { space: SPACE, dataset: 'custom', input: 'normal', inputSeed: 3, batchSize: 4, weights: [1e-3, 1], engine: 'collapsed' })
    expect(listed.map((s) => [s.arch, s.epsilon])).toEqual(rows.map((r) => [r.arch, r.epsilon]))
  })

  test('a file changed and imported again is scored again; the unchanged ones come from the cache', async () => {
    const before = (await scorePairs(request(), { store, pool })).pairs[0].rows
    expect(before.every((r) => r.source === 'cached')).toBe(true)
    writeFileSync(join(source, 'net-b.onnx'), tinyOnnxModel({ width: 6, depth: 3, imageSize: 8 }))
    importUserSpace({ name: SPACE, path: source, dataDir })
    const after = (await scorePairs(request(), { store, pool })).pairs[0].rows
    expect(after.map((r) => [r.arch, r.source])).toEqual([['net-a', 'cached'], ['net-b', 'computed'], ['net-c', 'cached']])
    expect(after[1].epsilon).not.toBe(before[1].epsilon)
  })

  test('a worker told no folder loads the space of that name from $EPSINAS_HOME', async () => {
    const home = process.env.EPSINAS_HOME
    process.env.EPSINAS_HOME = dataDir
    // Worker threads take the environment as it is when they start.
    const envPool = createScorePool(1)
    try {
      const results = await envPool.run({
        config: { space: SPACE, dataset: 'custom', input: 'normal', inputSeed: 3, batchSize: 4, engine: { engine: 'collapsed', backend: 'ts' } },
        weights: [1e-3, 1],
        pairs: [[0, 1]],
        items: [{ arch: 'net-a', form: 'literal', pairs: [0] }],
      })
      const expected = (await scorePairs(request(), { store, pool })).pairs[0].rows[0]
      expect(results).toMatchObject([{ arch: 'net-a', ok: true, scores: [{ pair: 0, epsilon: expected.epsilon }] }])
    } finally {
      await envPool.close()
      if (home === undefined) delete process.env.EPSINAS_HOME
      else process.env.EPSINAS_HOME = home
    }
  })

  test('a worker refuses an arch whose cache name changed since the caller keyed it', async () => {
    const [result] = await runScoreTask({
      config: { space: SPACE, dataset: 'custom', input: 'grey', inputSeed: 0, batchSize: 4, engine: { engine: 'collapsed', backend: 'ts' } },
      weights: [1e-3, 1],
      pairs: [[0, 1]],
      items: [{ arch: 'net-a', form: 'literal', pairs: [0], cacheArch: `net-a@${'0'.repeat(64)}` }],
      userSpaceFolder: loadedUserSpace(SPACE)?.folder,
    })
    expect(result).toEqual({
      arch: 'net-a',
      ok: false,
      error: { code: 'BAD_FILE', message: `net-a of search space ${SPACE} was imported again with other content while it was being scored; score it again` },
    })
  })

  test('the table of a sweep whose files were imported again since is refused, never read as NaN', async () => {
    const spec = sweepSpec({ space: SPACE, dataset: 'custom', input: 'grey', inputSeed: 0, batchSize: 4, engine: 'collapsed', backend: 'auto' }, [-2, -1, 0])
    const jobId = createJob(store, spec, ['net-a', 'net-c'])
    await runJob(store, jobId, { pool })
    const table = await sweepTable(store, jobId)
    expect(table.archs).toEqual(['net-a', 'net-c'])
    expect(table.pairs.every((p) => p.epsilon.every((e) => e !== null))).toBe(true)
    writeFileSync(join(source, 'net-c.onnx'), tinyOnnxModel({ width: 7, depth: 2, imageSize: 8 }))
    importUserSpace({ name: SPACE, path: source, dataDir })
    await expect(sweepTable(store, jobId)).rejects.toThrow(
      `sweep ${jobId} scored files of search space ${SPACE} that were imported again since: run the sweep again (unchanged files come from the cache)`,
    )
  })

  test('a removed space is refused in one line saying how to bring it back', async () => {
    removeUserSpace(SPACE, dataDir)
    const error = await scorePairs(request(), { store, pool }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EpsinasError)
    expect((error as EpsinasError).code).toBe('BAD_ARGUMENT')
    expect((error as EpsinasError).message).toBe(
      `search space '${SPACE}' is not installed (a user space removed with epsinas space remove, or never imported here): import it again with epsinas space import ${SPACE} PATH`,
    )
  })
})
