import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { nb201ArchAt, nb201CanonicalKey } from '../../src/main/core/spaces/nb201/index.ts'

const BIN = join(import.meta.dirname, '../../bin/epsinas.mjs')

/** `n` NB201 archs with pairwise distinct networks: each is computed by its own task, none is shared. */
export function distinctArchs(n: number): string[] {
  const byKey = new Map<string, string>()
  // 601 is coprime with the 15625 NB201 archs: the stride visits every index.
  for (let i = 0; byKey.size < n; i++) {
    const arch = nb201ArchAt((i * 601 + 3) % 15625)
    byKey.set(nb201CanonicalKey(arch), arch)
  }
  return [...byKey.values()]
}

/** Writes `archs` one per line to `path` (an --archs file) and returns the path. */
export function writeArchsFile(path: string, archs: readonly string[]): string {
  writeFileSync(path, `${archs.join('\n')}\n`)
  return path
}

/** An `epsinas score` running in the background. */
export interface BackgroundScore {
  child: ChildProcess
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  stderr: () => string
}

/**
 * Starts `epsinas score ...args` with the worker that scores `hold` blocked until its thread is
 * terminated (EPSINAS_FAULT_HOLD_WORKER): the job cannot finish, so a pause, cancel or kill always
 * lands on a running job, however fast the machine.
 */
export function startHeldScore(args: readonly string[], hold: string, options: { cwd?: string } = {}): BackgroundScore {
  const child = spawn(process.execPath, [BIN, 'score', ...args], { cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, EPSINAS_FAULT_HOLD_WORKER: hold } })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  started.add(child)
  void exit.then(() => started.delete(child))
  return { child, exit, stderr: () => stderr }
}

const started = new Set<ChildProcess>()

/** Kills the background scores a failed test left blocked (call from afterAll). */
export function killLeftoverScores(): void {
  for (const child of started) child.kill('SIGKILL')
}

/** Polls `probe` until it returns a value (not undefined); throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Runs `query` on the cache file through a separate read-only connection, as another process would; undefined while the file or table is not there yet. */
function readDb<T>(db: string, query: (connection: Database.Database) => T): T | undefined {
  try {
    const connection = new Database(db, { readonly: true, fileMustExist: true })
    try {
      return query(connection)
    } finally {
      connection.close()
    }
  } catch {
    return undefined
  }
}

/** Scores committed to the cache file so far. */
export function committedScores(db: string): number {
  return readDb(db, (c) => c.prepare<[], number>('SELECT count(*) FROM scores').pluck().get()) ?? 0
}

/** The job row as stored (state, runner and counters), or undefined before it exists. */
export function storedJob(db: string, id: string): { state: string; runner_pid: number | null; done: number } | undefined {
  return readDb(db, (c) => c.prepare<[string], { state: string; runner_pid: number | null; done: number }>('SELECT state, runner_pid, done FROM jobs WHERE id = ?').get(id))
}

/** The job id the score command prints once it has created its job. */
export function printedJobId(stderr: string): string | undefined {
  return /job (j[0-9a-f]+)/.exec(stderr)?.[1]
}

/** Waits until the background score's job is running and has committed at least `scores` scores; returns its id. */
export async function waitUntilScoring(run: BackgroundScore, db: string, scores: number): Promise<string> {
  const stillRunning = (): void => {
    if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`epsinas score ended early: ${run.stderr()}`)
  }
  const id = await waitFor('the job id on stderr', () => (stillRunning(), printedJobId(run.stderr())))
  await waitFor(`job ${id} running with ${scores} scores committed`, () => (stillRunning(), storedJob(db, id)?.state === 'running' && committedScores(db) >= scores ? true : undefined))
  return id
}
