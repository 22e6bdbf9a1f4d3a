import type { BackendId, DatasetId, EngineId, InputSource, SpaceId, WeightPair } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'
import type { JobKind } from '../store/index.ts'

/** Everything a job needs to run again, stored as JSON beside its architectures. */
export interface JobSpec {
  kind: JobKind
  space: SpaceId
  dataset: DatasetId
  input: InputSource
  inputSeed: number
  batchSize: number
  engine: EngineId
  backend: BackendId
  workers?: number
  /** The weight pairs scored: one for a score job, the grid for a sweep. */
  pairs: WeightPair[]
  /** For sweeps: the exponent of each weight of each pair, in the order of `pairs`. */
  exponents?: Array<[number, number]>
  /** For sweeps: an accuracies CSV (arch,accuracy) to compute the section-5 statistics per pair. */
  accuracies?: string
}

/** Reads a stored spec back; a spec this build cannot understand is an error naming the job. */
export function parseJobSpec(jobId: string, text: string): JobSpec {
  let spec: unknown
  try {
    spec = JSON.parse(text)
  } catch {
    throw new EpsinasError('BAD_FILE', `job ${jobId} has an unreadable spec`)
  }
  if (typeof spec !== 'object' || spec === null || !Array.isArray((spec as JobSpec).pairs) || typeof (spec as JobSpec).space !== 'string') {
    throw new EpsinasError('BAD_FILE', `job ${jobId} has a spec this version does not understand`)
  }
  return spec as JobSpec
}
