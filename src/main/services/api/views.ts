/** Store records turned into the plain data of the shared contract. */
import type { JobDetails, JobView, SweepResultView } from '../../../shared/api.ts'
import { jobStatus } from '../../jobs/job-runner.ts'
import { parseJobSpec } from '../../jobs/job-spec.ts'
import type { JobRecord, ScoreStore, SweepResultRow } from '../../store/index.ts'
import { EpsinasError } from '../../../shared/errors.ts'

/** A job as the contract shows it: state with `interrupted`, configuration from its spec. */
export function jobView(job: JobRecord): JobView {
  const spec = parseJobSpec(job.id, job.spec)
  return {
    id: job.id,
    kind: job.kind,
    state: jobStatus(job),
    total: job.total,
    done: job.done,
    nan: job.nan,
    failed: job.failed,
    error: job.error,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    config: {
      space: spec.space,
      dataset: spec.dataset,
      input: spec.input,
      inputSeed: spec.inputSeed,
      batchSize: spec.batchSize,
      engine: spec.engine,
      backend: spec.backend,
      workers: spec.workers ?? null,
      pairs: spec.pairs.map(([low, high]) => [low, high] as const),
    },
  }
}

/** Loads a job or throws BAD_ARGUMENT naming the id (the renderer shows the message). */
export function requireJob(store: ScoreStore, id: string): JobRecord {
  const job = store.jobs.get(id)
  if (!job) throw new EpsinasError('BAD_ARGUMENT', `There is no job '${id}' in ${store.path}; pick one from the jobs list.`)
  return job
}

/** A job with its failures and sweep results. */
export function jobDetails(store: ScoreStore, id: string): JobDetails {
  const job = requireJob(store, id)
  return {
    job: jobView(job),
    archCount: store.jobs.archs(id).length,
    failures: store.jobs.failures(id).map((f) => ({ arch: f.arch, weights: [f.weights[0], f.weights[1]], code: f.code, message: f.message })),
    sweep: store.jobs.sweepResults(id).map(sweepView),
  }
}

function sweepView(row: SweepResultRow): SweepResultView {
  return {
    exponents: [row.exponents[0], row.exponents[1]],
    weights: [row.weights[0], row.weights[1]],
    n: row.n,
    nan: row.nan,
    failed: row.failed,
    stats: row.stats === null ? null : (JSON.parse(row.stats) as Record<string, number | null>),
  }
}
