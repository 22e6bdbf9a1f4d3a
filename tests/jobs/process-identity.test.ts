import { spawn } from 'node:child_process'
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { isProcessRunning, processIdentity } from '../../src/main/jobs/process-identity.ts'
import { tempDir } from '../cli/helpers.ts'
import { waitFor } from './helpers.ts'

describe.runIf(existsSync('/proc/self/stat'))('process identity (Linux /proc)', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('is stable for one process, differs between processes, even with a command name full of spaces and parentheses', async () => {
    // The command name is field 2 of /proc/<pid>/stat; a ') ' inside it must not shift the fields after it.
    const oddName = join(dir, 'x) 1 2 (y')
    copyFileSync('/bin/sleep', oddName)
    const child = spawn(oddName, ['300'], { stdio: 'ignore' })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    try {
      const pid = await waitFor('the process to start', () => child.pid)
      const own = processIdentity(process.pid)
      expect(own).toMatch(/:\d+$/)
      expect(processIdentity(process.pid)).toBe(own)
      const other = await waitFor('its /proc entry', () => processIdentity(pid) ?? undefined)
      expect(other).toMatch(/:\d+$/)
      expect(other).not.toBe(own)
      expect(isProcessRunning(pid, other)).toBe(true)
      // Same PID, another identity: the PID was reused.
      expect(isProcessRunning(pid, own)).toBe(false)
    } finally {
      child.kill('SIGKILL')
    }
    await exited
    expect(processIdentity(child.pid as number)).toBeNull()
    expect(isProcessRunning(child.pid as number, null)).toBe(false)
  })

  test('without a recorded identity, a live PID is all that is checked', () => {
    expect(isProcessRunning(process.pid, null)).toBe(true)
  })
})
