import { DATASETS, type DatasetId, type SpaceId, type WeightPair } from '../../shared/types.ts'
import { EpsinasError, quoteInput } from '../../shared/errors.ts'
import { minibatchSource } from '../data/index.ts'
import { getSpace } from '../core/spaces/registry.ts'

/**
 * The class count and image size of a score's cache key (and its score files): the dataset's
 * classes, and the height of the space's input on it (the dataset's image size for the built-in
 * spaces; an imported model's own, which for the 'custom' dataset no dataset fixes).
 */
export function scoreKeyShape(space: SpaceId, dataset: DatasetId): { classes: number; imageSize: number } {
  return { classes: DATASETS[dataset].classes, imageSize: getSpace(space).inputShape(dataset)[1] }
}

/** Checks the parameters of a scoring request other than archs and weights; throws BAD_ARGUMENT. */
export function checkScoreParameters(request: { dataset: string; input: string; inputSeed: number; batchSize: number; workers?: number }): void {
  if (!(request.dataset in DATASETS)) {
    throw new EpsinasError('BAD_ARGUMENT', `unknown dataset '${request.dataset}' (expected one of ${Object.keys(DATASETS).join(', ')})`)
  }
  minibatchSource(request.input, request.dataset as DatasetId)
  if (!Number.isSafeInteger(request.inputSeed) || request.inputSeed < 0) {
    throw new EpsinasError('BAD_ARGUMENT', `input seed must be a non-negative integer (got ${request.inputSeed})`)
  }
  // Batch statistics of one image make every BN output 0 at 1x1 resolution; epsilon needs a batch.
  if (!Number.isSafeInteger(request.batchSize) || request.batchSize < 2 || request.batchSize > 4096) {
    throw new EpsinasError('BAD_ARGUMENT', `batch size must be an integer from 2 to 4096 (got ${request.batchSize})`)
  }
  if (request.workers !== undefined && (!Number.isSafeInteger(request.workers) || request.workers < 1 || request.workers > 256)) {
    throw new EpsinasError('BAD_ARGUMENT', `workers must be an integer from 1 to 256 (got ${request.workers})`)
  }
}

/**
 * Why `weights` is not a usable pair, or null. The one grammar of weights wherever they enter (CLI,
 * API, stored jobs): two positive finite numbers, distinct in float32, the smaller first, so that
 * one pair has one cache key ([1, 1e-7] and [1e-7, 1] would be two configs of the same scores).
 */
export function weightPairProblem(weights: readonly number[]): string | null {
  if (weights.length !== 2 || !weights.every((w) => Number.isFinite(w) && w > 0)) return `must be two positive finite numbers (got ${weights.join(', ')})`
  if (Math.fround(weights[0]) === Math.fround(weights[1])) return `must differ in float32 (got ${weights.join(', ')}): equal weights give epsilon 0 or NaN`
  if (weights[0] > weights[1]) return `must be given smaller first (got ${weights.join(', ')}; use ${weights[1]}, ${weights[0]})`
  return null
}

/** Throws BAD_WEIGHTS unless `weights` follows the grammar of weightPairProblem. */
export function checkWeightPair(weights: WeightPair): void {
  const problem = weightPairProblem(weights)
  if (problem !== null) throw new EpsinasError('BAD_WEIGHTS', `the two weights ${problem}`)
}

/** A positive decimal as people write one: no sign, no hex/binary/octal prefix, no Infinity or NaN. */
const POSITIVE_DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/** Parses `1e-7,1` into a weight pair; BAD_WEIGHTS naming the grammar when it is not one. */
export function parseWeightPair(text: string): WeightPair {
  const parts = text.split(',').map((part) => part.trim())
  if (parts.length !== 2 || !parts.every((part) => POSITIVE_DECIMAL.test(part))) {
    throw new EpsinasError('BAD_WEIGHTS', `--weights takes two positive decimal numbers separated by a comma, smaller first, e.g. 1e-7,1 (got ${quoteInput(text)})`)
  }
  const pair: WeightPair = [Number(parts[0]), Number(parts[1])]
  checkWeightPair(pair)
  return pair
}
