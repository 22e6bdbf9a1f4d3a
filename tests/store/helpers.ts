import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import { EpsinasError, type ErrorCode } from '../../src/shared/errors.ts'
import type { ScoreConfigKey } from '../../src/main/store/index.ts'

/** A fresh temp folder for the calling test file, removed after it; returns a getter for its path. */
export function useTempDir(prefix: string): () => string {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `epsinas-store-${prefix}-`))
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  return () => dir
}

/** The paper's default NAS-Bench-201 config, with `overrides` applied. */
export function configKey(overrides: Partial<ScoreConfigKey> = {}): ScoreConfigKey {
  return {
    space: 'nb201',
    dataset: 'cifar10',
    classes: 10,
    imageSize: 32,
    input: 'grey',
    inputSeed: 0,
    batchSize: 256,
    weights: [1e-7, 1],
    engine: 'collapsed/ts@1',
    ...overrides,
  }
}

/** Runs `fn`, expecting an EpsinasError with `code` whose message matches every pattern; returns the message. */
export function expectEpsinasError(fn: () => unknown, code: ErrorCode, ...patterns: RegExp[]): string {
  let caught: unknown = null
  try {
    fn()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(EpsinasError)
  const error = caught as EpsinasError
  expect(error.code).toBe(code)
  for (const pattern of patterns) expect(error.message).toMatch(pattern)
  return error.message
}
