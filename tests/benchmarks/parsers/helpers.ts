import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import { EpsinasError, type ErrorCode } from '../../../src/shared/errors.ts'
import { openBenchmarkStore, type BenchmarkStore } from '../../../src/main/store/benchmarks.ts'

/** Folder of the committed fixtures (made by scripts/make-fixtures.py). */
export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'benchmarks')

/** A fresh temp folder for the calling test file, removed after it; returns a getter for its path. */
export function useTempDir(prefix: string): () => string {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `epsinas-bench-${prefix}-`))
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  return () => dir
}

let storeCount = 0

/** A new, empty, migrated cache file in `dir`. */
export function freshStore(dir: string): BenchmarkStore {
  return openBenchmarkStore(join(dir, `cache-${storeCount++}.db`))
}

/** Writes `data` as `name` in `dir`; returns its path. */
export function writeTempFile(dir: string, name: string, data: Buffer | string): string {
  const path = join(dir, name)
  writeFileSync(path, data)
  return path
}

/** Runs `fn` on a new, empty store in `dir` and closes it, whatever `fn` does. */
export async function withFreshStore(dir: string, fn: (store: BenchmarkStore) => Promise<void>): Promise<void> {
  const store = freshStore(dir)
  try {
    await fn(store)
  } finally {
    store.close()
  }
}

/** Awaits `promise`, expecting an EpsinasError with `code` whose message matches every pattern; returns the message. */
export async function expectRejects(promise: Promise<unknown>, code: ErrorCode, ...patterns: RegExp[]): Promise<string> {
  let caught: unknown = null
  try {
    await promise
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(EpsinasError)
  const error = caught as EpsinasError
  expect(error.code, error.message).toBe(code)
  for (const pattern of patterns) expect(error.message).toMatch(pattern)
  return error.message
}

/** Row count of a main table. */
export function countRows(store: BenchmarkStore, table: string): number {
  return store.db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get() ?? 0
}
