import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Result of one CLI run. */
export interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

const BIN = join(import.meta.dirname, '../../bin/epsinas.mjs')

/** Runs `epsinas ...args` as a user would (a real process, real worker threads, real SQLite). */
export function epsinas(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** A fresh temporary directory and its cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'epsinas-cli-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
