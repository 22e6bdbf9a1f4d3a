import type { JobConfigView } from '../../shared/api.ts'
import { EpsinasError } from '../../shared/errors.ts'
import type { JobKind } from '../store/index.ts'
import type { ShardOfJob } from './shard.ts'

/** Everything a job needs to run again, stored as JSON beside its architectures. */
// The configuration fields are the API's JobConfigView (defined once, in shared); only `workers` differs: optional here.
export interface JobSpec extends Omit<JobConfigView, 'workers'> {
  kind: JobKind
  workers?: number
  /** For sweeps: the exponent of each weight of each pair, in the order of `pairs`. */
  exponents?: Array<[number, number]>
  /** For sweeps: an accuracies CSV (arch,accuracy) to compute the section-5 statistics per pair. */
  accuracies?: string
  /** For score jobs started with --out: the scores file (absolute path), written again by every run of the job, resumes included. */
  out?: string
  /** For score jobs: the proxies ranked with epsilon and parameters (--rank-with; [] for none); unset: the default set (docs/ranking.md). */
  rankWith?: string[]
  /** For score jobs started with --shard: which part of which whole job this one scores (jobs/shard.ts). */
  shard?: ShardOfJob
  /** For jobs copied by `epsinas merge`: the cache file (absolute path) the job was copied from. */
  mergedFrom?: string
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
