import { EpsinasError } from '../../../shared/errors.ts'
import type { WeightPair } from '../../../shared/types.ts'

/** A weight pair named by its decimal exponents: (10^low, 10^high), low < high. */
export interface ExponentPair {
  low: number
  high: number
}

/** 10^e parsed from its decimal text, so 10^-7 is exactly the double of `1e-7` (Math.pow may differ by an ulp). */
export function weightOf(exponent: number): number {
  return Number(`1e${exponent}`)
}

/** The weights of an exponent pair. */
export function weightsOf(pair: ExponentPair): WeightPair {
  return [weightOf(pair.low), weightOf(pair.high)]
}

/** Exponents low, low + step, ..., high (inclusive); BAD_ARGUMENT for an empty or absurd grid. */
export function exponentGrid(low: number, high: number, step = 1): number[] {
  if (![low, high, step].every(Number.isFinite)) throw new EpsinasError('BAD_ARGUMENT', `exponent grid bounds and step must be numbers (got ${low}..${high} step ${step})`)
  if (step <= 0) throw new EpsinasError('BAD_ARGUMENT', `exponent step must be positive (got ${step})`)
  if (high <= low) throw new EpsinasError('BAD_ARGUMENT', `the exponent grid ${low}..${high} is empty: it needs at least two exponents, low < high`)
  if (low < -40 || high > 38) throw new EpsinasError('BAD_ARGUMENT', `exponents must lie in -40..38, where float32 can hold 10^e (got ${low}..${high})`)
  const count = Math.floor((high - low) / step + 1e-9) + 1
  if (count > 64) throw new EpsinasError('BAD_ARGUMENT', `the grid ${low}..${high} step ${step} has ${count} exponents; at most 64`)
  // Rounded to 12 digits so that -7 + 3 * 0.5 prints and parses as -5.5.
  return Array.from({ length: count }, (_, i) => Number((low + i * step).toFixed(12)))
}

/** Every pair (a, b) with a < b of the grid, ordered by a then b. */
export function gridPairs(exponents: readonly number[]): ExponentPair[] {
  return exponents.flatMap((low, i) => exponents.slice(i + 1).map((high) => ({ low, high })))
}

/** Parses `-7..1` into [low, high]. */
export function parseExponentRange(text: string): [number, number] {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text)
  if (!match) throw new EpsinasError('BAD_ARGUMENT', `--exponents takes a range like -7..1 (got '${text}')`)
  return [Number(match[1]), Number(match[2])]
}
