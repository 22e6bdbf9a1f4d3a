import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openStore } from '../../src/main/store/index.ts'
import { epsinas, tempDir } from '../cli/helpers.ts'
import { distinctArchs, killLeftoverScores, startHeldScore, waitUntilScoring, writeArchsFile } from './helpers.ts'

// One worker blocks on the held arch, so the job cannot finish: the kill always lands mid-run,
// while the other worker is still computing.
const ARCHS = distinctArchs(48)
const HELD = ARCHS[0]

describe('a scoring job killed with SIGKILL', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => {
    killLeftoverScores()
    cleanup()
  })

  test('should resume from its last committed score: none lost, none stored twice, integrity ok', async () => {
    const db = join(dir, 'killed.db')
    const archs = writeArchsFile(join(dir, 'archs.txt'), ARCHS)
    const run = startHeldScore(['--archs', archs, '--batch', '8', '--workers', '2', '--no-progress', '--db', db], HELD)
    // Kill it once some scores are committed (polling the file like any other reader).
    const jobId = await waitUntilScoring(run, db, 10)
    run.child.kill('SIGKILL')
    expect((await run.exit).signal).toBe('SIGKILL')

    const store = openStore(db)
    let before: number
    try {
      expect(store.integrityCheck()).toBe('ok')
      before = store.countScores()
      expect(before).toBeGreaterThanOrEqual(10)
      expect(before).toBeLessThan(48)
      const job = store.jobs.get(jobId)
      expect(job?.state).toBe('running')
    } finally {
      store.close()
    }

    const list = epsinas(['jobs', 'list', '--db', db])
    expect(list.stdout).toMatch(new RegExp(`${jobId}\\s+score\\s+interrupted`))

    const resumed = epsinas(['jobs', 'resume', jobId, '--no-progress', '--db', db])
    expect(resumed.status).toBe(0)
    // Only what was not committed is scored again (the tasks in flight at the kill were never stored).
    expect(resumed.stderr).toMatch(new RegExp(`job ${jobId} done: 48 architectures: ${48 - before} scored now .*, ${before} from the cache`))

    const after = openStore(db)
    try {
      expect(after.integrityCheck()).toBe('ok')
      expect(after.countScores()).toBe(48)
      expect(after.jobs.get(jobId)).toMatchObject({ state: 'done', done: 48, total: 48, failed: 0 })
    } finally {
      after.close()
    }
    // Done jobs are not resumed again.
    const again = epsinas(['jobs', 'resume', jobId, '--db', db])
    expect(again.status).toBe(2)
    expect(again.stderr).toContain(`job ${jobId} is done`)
  })
})
