import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import Database from 'better-sqlite3'
import { openStore } from '../../src/main/store/index.ts'
import { epsinas, tempDir } from '../cli/helpers.ts'

const BIN = join(import.meta.dirname, '../../bin/epsinas.mjs')

/** Scores committed so far, read through a separate connection as another process would. */
function committedScores(db: string): number {
  try {
    const connection = new Database(db, { readonly: true, fileMustExist: true })
    try {
      return connection.prepare<[], number>('SELECT count(*) FROM scores').pluck().get() ?? 0
    } finally {
      connection.close()
    }
  } catch {
    return 0
  }
}

describe('a scoring job killed with SIGKILL', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('should resume from its last committed score: none lost, none stored twice, integrity ok', async () => {
    const db = join(dir, 'killed.db')
    const args = ['score', '--limit', '160', '--seed', '11', '--batch', '16', '--workers', '2', '--no-progress', '--db', db]
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    // Kill it mid-run, once some scores are committed (polling the file like any other reader).
    const deadline = Date.now() + 60_000
    while (committedScores(db) < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    const jobId = /job (j[0-9a-f]+)/.exec(stderr)?.[1] as string
    expect(jobId).toBeTruthy()

    const store = openStore(db)
    let before: number
    try {
      expect(store.integrityCheck()).toBe('ok')
      before = store.countScores()
      expect(before).toBeGreaterThanOrEqual(20)
      expect(before).toBeLessThan(160)
      const job = store.jobs.get(jobId)
      expect(job?.state).toBe('running')
    } finally {
      store.close()
    }

    const list = epsinas(['jobs', 'list', '--db', db])
    expect(list.stdout).toMatch(new RegExp(`${jobId}\\s+score\\s+interrupted`))

    const resumed = epsinas(['jobs', 'resume', jobId, '--no-progress', '--db', db])
    expect(resumed.status).toBe(0)
    // Only what was not committed is scored again (the task in flight at the kill was never stored).
    expect(resumed.stderr).toMatch(new RegExp(`job ${jobId} done: 160 architectures: ${160 - before} scored now .*, ${before} from the cache`))

    const after = openStore(db)
    try {
      expect(after.integrityCheck()).toBe('ok')
      expect(after.countScores()).toBe(160)
      expect(after.jobs.get(jobId)).toMatchObject({ state: 'done', done: 160, total: 160, failed: 0 })
    } finally {
      after.close()
    }
    // Done jobs are not resumed again.
    const again = epsinas(['jobs', 'resume', jobId, '--db', db])
    expect(again.status).toBe(2)
    expect(again.stderr).toContain(`job ${jobId} is done`)
  })
})
