import { spawn } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { epsinas, tempDir } from '../cli/helpers.ts'
import { distinctArchs, killLeftoverScores, startHeldScore, waitFor, waitUntilScoring, writeArchsFile } from './helpers.ts'

const ARCHS = distinctArchs(6)

describe('a job whose runner PID now belongs to another live process', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => {
    killLeftoverScores()
    cleanup()
  })

  test('shows as interrupted and resumes, while its live runner still shows as running', async () => {
    const db = join(dir, 'reused.db')
    const archs = writeArchsFile(join(dir, 'archs.txt'), ARCHS)
    const run = startHeldScore(['--archs', archs, '--batch', '8', '--workers', '2', '--no-progress', '--db', db], ARCHS[0])
    const jobId = await waitUntilScoring(run, db, 1)
    // The real runner is recognised as itself: the job is running and cannot be resumed twice.
    expect(epsinas(['jobs', 'list', '--db', db]).stdout).toMatch(new RegExp(`${jobId}\\s+score\\s+running`))
    const twice = epsinas(['jobs', 'resume', jobId, '--db', db])
    expect(twice.status).toBe(2)
    expect(twice.stderr).toContain(`job ${jobId} is already running (process ${run.child.pid})`)

    run.child.kill('SIGKILL')
    expect((await run.exit).signal).toBe('SIGKILL')
    // The runner's PID is reused by an unrelated live process (here a `sleep` of ours, whose PID we write in its place).
    const stranger = spawn('sleep', ['300'], { stdio: 'ignore' })
    try {
      const strangerPid = await waitFor('the sleep process to start', () => stranger.pid)
      const connection = new Database(db)
      try {
        connection.prepare('UPDATE jobs SET runner_pid = ? WHERE id = ?').run(strangerPid, jobId)
      } finally {
        connection.close()
      }
      expect(epsinas(['jobs', 'list', '--db', db]).stdout).toMatch(new RegExp(`${jobId}\\s+score\\s+interrupted`))
      const resumed = epsinas(['jobs', 'resume', jobId, '--no-progress', '--db', db])
      expect(resumed.stderr).toMatch(new RegExp(`job ${jobId} done: 6 architectures`))
      expect(resumed.status).toBe(0)
      // The stranger was left alone.
      expect(stranger.exitCode).toBeNull()
    } finally {
      stranger.kill('SIGKILL')
    }
  })
})
