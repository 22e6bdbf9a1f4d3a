import { DATASETS, type DatasetId, type WeightPair } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { minibatchSource } from '../data/index.ts'

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

/** A weight pair is two distinct finite non-zero numbers (the constant shared weights of the two passes). */
export function checkWeightPair(weights: WeightPair): void {
  if (weights.length !== 2 || !weights.every((w) => Number.isFinite(w) && w !== 0)) {
    throw new EpsinasError('BAD_WEIGHTS', `a weight pair is two finite non-zero numbers (got ${weights.join(', ')})`)
  }
  if (Math.fround(weights[0]) === Math.fround(weights[1])) {
    throw new EpsinasError('BAD_WEIGHTS', `the two weights must differ in float32 (got ${weights.join(', ')}): equal weights give epsilon 0 or NaN`)
  }
}

/** Parses `1e-7,1` into a weight pair; BAD_WEIGHTS with the text when it is not two numbers. */
export function parseWeightPair(text: string): WeightPair {
  const parts = text.split(',').map((part) => part.trim())
  const numbers = parts.map((part) => (part === '' ? Number.NaN : Number(part)))
  if (parts.length !== 2 || numbers.some((x) => Number.isNaN(x))) {
    throw new EpsinasError('BAD_WEIGHTS', `--weights takes two numbers separated by a comma, e.g. 1e-7,1 (got '${text}')`)
  }
  const pair: WeightPair = [numbers[0], numbers[1]]
  checkWeightPair(pair)
  return pair
}
