import type { JobRecord } from '../store/index.ts'
import { jobStatus, type JobStatus } from './job-runner.ts'
import { parseJobSpec } from './job-spec.ts'

/** A shard that has a job but no finished one. */
export interface UnfinishedShard {
  index: number
  status: JobStatus
  done: number
  total: number
  /** The file its job came from (set by `epsinas merge`), else null. */
  from: string | null
}

/** How far the shards of one whole job got, from the jobs at hand. */
export interface ShardedJobState {
  /** The whole job's identity (ShardOfJob.of). */
  of: string
  count: number
  archs: number
  /** Shards with a finished job, ascending. */
  done: number[]
  unfinished: UnfinishedShard[]
  /** Shards with no job at all, ascending. */
  missing: number[]
}

/** Groups the shard jobs among `jobs` by whole job and says which shards are done, unfinished or missing. */
export function shardedJobStates(jobs: readonly JobRecord[], only?: ReadonlySet<string>): ShardedJobState[] {
  const byJob = new Map<string, { count: number; archs: number; shards: Map<number, JobRecord[]> }>()
  for (const job of jobs) {
    const shard = parseJobSpec(job.id, job.spec).shard
    if (!shard || (only && !only.has(shard.of))) continue
    const entry = byJob.get(shard.of) ?? { count: shard.count, archs: shard.archs, shards: new Map<number, JobRecord[]>() }
    byJob.set(shard.of, entry)
    entry.shards.set(shard.index, [...(entry.shards.get(shard.index) ?? []), job])
  }
  return [...byJob].map(([of, { count, archs, shards }]) => {
    const done: number[] = []
    const unfinished: UnfinishedShard[] = []
    const missing: number[] = []
    for (let index = 0; index < count; index++) {
      const list = shards.get(index)
      if (!list) missing.push(index)
      else if (list.some((job) => jobStatus(job) === 'done')) done.push(index)
      else {
        // The job that got furthest speaks for the shard.
        const job = list.reduce((a, b) => (b.done > a.done ? b : a))
        unfinished.push({ index, status: jobStatus(job), done: job.done, total: job.total, from: parseJobSpec(job.id, job.spec).mergedFrom ?? null })
      }
    }
    return { of, count, archs, done, unfinished, missing }
  })
}

/** One line saying what a sharded job lacks, or null when every shard is done. */
export function describeIncomplete(state: ShardedJobState): string | null {
  if (state.done.length === state.count) return null
  const parts: string[] = []
  if (state.missing.length > 0) parts.push(`shard${state.missing.length === 1 ? '' : 's'} ${state.missing.join(', ')} missing`)
  for (const u of state.unfinished) parts.push(`shard ${u.index} ${u.status} at ${u.done}/${u.total}${u.from ? ` (${u.from})` : ''}`)
  return `job ${state.of} (${state.archs} archs in ${state.count} shards) is incomplete: ${state.done.length} of ${state.count} shards done; ${parts.join('; ')}`
}
