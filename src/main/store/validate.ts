import { EpsinasError } from '../../shared/errors.ts'
import type { ScoreConfigKey, StoredScore } from './types.ts'

/*
 * Callers are our own services, which validate user input at the boundary; a bad value here is
 * a programming error (INTERNAL). The checks still matter: SQLite would store NaN as NULL and a
 * fractional count as REAL, silently breaking the UNIQUE key or the "NULL means NaN" rule.
 */

/** Throws INTERNAL unless every field of `key` can be stored and compared exactly. */
export function checkConfigKey(key: ScoreConfigKey): void {
  for (const field of ['space', 'dataset', 'input', 'engine'] as const) {
    if (typeof key[field] !== 'string' || key[field] === '') fail(`config key ${field} must be a non-empty string`)
  }
  for (const field of ['classes', 'imageSize', 'inputSeed', 'batchSize'] as const) {
    if (!Number.isSafeInteger(key[field])) fail(`config key ${field} must be an integer, got ${String(key[field])}`)
  }
  if (!Array.isArray(key.weights) || key.weights.length !== 2 || !key.weights.every(Number.isFinite)) {
    fail(`config key weights must be two finite numbers, got ${String(key.weights)}`)
  }
}

/** Throws INTERNAL naming the first score that would break the cache's invariants. */
export function checkScores(scores: readonly StoredScore[]): void {
  for (const score of scores) {
    const where = `score of ${JSON.stringify(score.arch)}`
    if (typeof score.arch !== 'string' || score.arch === '') fail(`${where}: arch must be a non-empty string`)
    if (score.epsilon === null) {
      if (typeof score.nanReason !== 'string' || score.nanReason.length === 0) fail(`${where}: a NaN score needs a nanReason`)
    } else {
      if (typeof score.epsilon !== 'number' || !Number.isFinite(score.epsilon)) {
        fail(`${where}: epsilon must be finite or null (store NaN as null with a nanReason), got ${String(score.epsilon)}`)
      }
      if (score.nanReason !== null) fail(`${where}: a finite epsilon cannot have a nanReason`)
    }
    if (typeof score.ms !== 'number' || !Number.isFinite(score.ms) || score.ms < 0) {
      fail(`${where}: ms must be a finite number >= 0, got ${String(score.ms)}`)
    }
    if (score.canonical !== null && (typeof score.canonical !== 'string' || score.canonical === '')) {
      fail(`${where}: canonical must be a non-empty string or null`)
    }
  }
}

function fail(message: string): never {
  throw new EpsinasError('INTERNAL', message)
}
