import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openStore } from '../../src/main/store/index.ts'
import { epsinas, tempDir } from '../cli/helpers.ts'

const BIN = join(import.meta.dirname, '../../bin/epsinas.mjs')

/** Starts `epsinas score` in the background and resolves its job id once it has committed some scores. */
async function startScoring(db: string, limit: number) {
  const child = spawn(process.execPath, [BIN, 'score', '--limit', String(limit), '--seed', '2', '--batch', '16', '--workers', '1', '--no-progress', '--db', db], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const deadline = Date.now() + 60_000
  for (;;) {
    const id = /job (j[0-9a-f]+)/.exec(stderr)?.[1]
    if (id) {
      const store = openStore(db)
      const done = store.jobs.get(id)?.done ?? 0
      store.close()
      if (done >= 5) return { id, exit, stderr: () => stderr }
    }
    if (Date.now() > deadline) throw new Error(`no progress: ${stderr}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('pausing and cancelling a job from another process', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('pause stops the running process at its next check; resume finishes the job', async () => {
    const db = join(dir, 'pause.db')
    const run = await startScoring(db, 120)
    const pause = epsinas(['jobs', 'pause', run.id, '--db', db])
    expect(pause.status).toBe(0)
    expect(await run.exit).toBe(130)
    expect(run.stderr()).toContain(`resume with: epsinas jobs resume ${run.id}`)
    const list = epsinas(['jobs', 'list', '--db', db])
    expect(list.stdout).toMatch(new RegExp(`${run.id}\\s+score\\s+paused`))
    const resumed = epsinas(['jobs', 'resume', run.id, '--no-progress', '--db', db])
    expect(resumed.status).toBe(0)
    expect(resumed.stderr).toMatch(/job j[0-9a-f]+ done: 120 architectures/)
  })

  test('cancel is final: the job keeps its scores and cannot be resumed', async () => {
    const db = join(dir, 'cancel.db')
    const run = await startScoring(db, 120)
    expect(epsinas(['jobs', 'cancel', run.id, '--db', db]).status).toBe(0)
    expect(await run.exit).toBe(130)
    const store = openStore(db)
    try {
      const job = store.jobs.get(run.id)
      expect(job?.state).toBe('cancelled')
      expect(store.countScores()).toBeGreaterThanOrEqual(5)
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
