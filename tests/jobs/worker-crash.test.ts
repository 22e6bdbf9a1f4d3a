import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openStore } from '../../src/main/store/index.ts'
import { epsinas, tempDir } from '../cli/helpers.ts'
import { distinctArchs, writeArchsFile } from './helpers.ts'

describe('a worker that dies mid-task', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('should be replaced; the arch that killed it is recorded as failed and the job goes on', () => {
    // Distinct networks only, so the culprit shares its computation with no other arch.
    const archs = distinctArchs(24)
    const killer = archs[7]
    const db = join(dir, 'crash.db')
    const run = epsinas(['score', '--archs', writeArchsFile(join(dir, 'archs.txt'), archs), '--batch', '8', '--workers', '2', '--no-progress', '--db', db], { EPSINAS_FAULT_KILL_WORKER: killer })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`1 scores failed, first ${killer}: the worker died while scoring this architecture`)
    const jobId = /job (j[0-9a-f]+)/.exec(run.stderr)?.[1] as string

    const store = openStore(db)
    try {
      expect(store.countScores()).toBe(23)
      expect(store.jobs.get(jobId)).toMatchObject({ state: 'failed', done: 24, failed: 1 })
      expect(store.jobs.failures(jobId)).toEqual([{ weights: [1e-7, 1], arch: killer, code: 'WORKER_FAILED', message: expect.stringContaining('the worker died') }])
    } finally {
      store.close()
    }
    const show = epsinas(['jobs', 'show', jobId, '--db', db])
    expect(show.stdout).toContain(`failed: ${killer} at [1e-7, 1]: WORKER_FAILED`)

    // Once the fault is gone, resuming retries only the failed arch.
    const resumed = epsinas(['jobs', 'resume', jobId, '--no-progress', '--db', db])
    expect(resumed.status).toBe(0)
    expect(resumed.stderr).toMatch(/24 architectures: 1 scored now .*, 23 from the cache/)
  })
})
