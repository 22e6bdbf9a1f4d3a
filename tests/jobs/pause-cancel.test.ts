import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openStore } from '../../src/main/store/index.ts'
import { epsinas, tempDir } from '../cli/helpers.ts'
import { distinctArchs, killLeftoverScores, startHeldScore, waitUntilScoring, writeArchsFile } from './helpers.ts'

// One arch per task on two workers: one blocks on the held arch, the other commits the 23 others,
// so the job is running (and cannot finish) when the stop lands.
const ARCHS = distinctArchs(24)
const HELD = ARCHS[12]

/** Starts `epsinas score` on ARCHS in the background and resolves once only HELD is left, blocked. */
async function startScoring(dir: string, db: string) {
  const archs = writeArchsFile(join(dir, 'archs.txt'), ARCHS)
  const run = startHeldScore(['--archs', archs, '--batch', '8', '--workers', '2', '--no-progress', '--db', db], HELD)
  const id = await waitUntilScoring(run, db, 23)
  return { ...run, id }
}

describe('pausing and cancelling a job from another process', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => {
    killLeftoverScores()
    cleanup()
  })

  test('pause stops the running process even while a task is still computing; resume finishes the job', async () => {
    const db = join(dir, 'pause.db')
    const run = await startScoring(dir, db)
    const pause = epsinas(['jobs', 'pause', run.id, '--db', db])
    expect(pause.status).toBe(0)
    expect(await run.exit).toEqual({ code: 130, signal: null })
    expect(run.stderr()).toContain(`resume with: epsinas jobs resume ${run.id}`)
    const list = epsinas(['jobs', 'list', '--db', db])
    expect(list.stdout).toMatch(new RegExp(`${run.id}\\s+score\\s+paused`))
    // Resumed without the fault, the held arch and those after it are scored.
    const resumed = epsinas(['jobs', 'resume', run.id, '--no-progress', '--db', db])
    expect(resumed.status).toBe(0)
    expect(resumed.stderr).toMatch(new RegExp(`job ${run.id} done: 24 architectures: 1 scored now .*, 23 from the cache`))
  })

  test('cancel is final: the job keeps its scores and cannot be resumed', async () => {
    const db = join(dir, 'cancel.db')
    const run = await startScoring(dir, db)
    expect(epsinas(['jobs', 'cancel', run.id, '--db', db]).status).toBe(0)
    expect(await run.exit).toEqual({ code: 130, signal: null })
    const store = openStore(db)
    try {
      const job = store.jobs.get(run.id)
      expect(job?.state).toBe('cancelled')
      expect(store.countScores()).toBe(23)
      expect(store.integrityCheck()).toBe('ok')
    } finally {
      store.close()
    }
    const resume = epsinas(['jobs', 'resume', run.id, '--db', db])
    expect(resume.status).toBe(2)
    expect(resume.stderr).toContain('is cancelled; start a new one (cached scores are reused)')
    expect(epsinas(['jobs', 'show', 'jnope', '--db', db]).stderr).toContain("no job 'jnope'")
  })
})
