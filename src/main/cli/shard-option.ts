import { jobStatus } from '../jobs/job-runner.ts'
import { parseJobSpec, type JobSpec } from '../jobs/job-spec.ts'
import { archsOfShard, jobIdentity, parseShardNumber, type ShardNumber, type ShardOfJob } from '../jobs/shard.ts'
import type { ScoreStore } from '../store/index.ts'

/** The commander parser of `--shard I/N` (a malformed value is a one-line BAD_ARGUMENT, exit status 2). */
export function parseShardOption(text: string): ShardNumber {
  return parseShardNumber(text, '--shard')
}

/**
 * The shard's part of a job: its archs (in the job's order) and its spec, which names the whole job
 * (settings and every arch), so `epsinas merge` can tell which shards of it are present.
 */
export function shardJob(spec: JobSpec, archs: readonly string[], shard: ShardNumber): { spec: JobSpec; archs: string[] } {
  // What fixes the scores of the whole job; per-run details (workers, output file) are left out.
  const settings = { kind: spec.kind, space: spec.space, dataset: spec.dataset, input: spec.input, inputSeed: spec.inputSeed, batchSize: spec.batchSize, engine: spec.engine, backend: spec.backend, pairs: spec.pairs }
  const of: ShardOfJob = { ...shard, of: jobIdentity(settings, archs), archs: archs.length }
  return { spec: { ...spec, shard: of }, archs: archsOfShard(spec.space, archs, shard) }
}

/**
 * A job of the same shard of the same whole job left unfinished in this cache (a task killed or
 * timed out): run again, the shard resumes it instead of starting a second job beside it.
 */
export function unfinishedShardJob(store: ScoreStore, shard: ShardOfJob): string | null {
  for (const job of store.jobs.list()) {
    const status = jobStatus(job)
    if (status === 'done' || status === 'cancelled' || status === 'running') continue
    const stored = parseJobSpec(job.id, job.spec).shard
    if (stored && stored.of === shard.of && stored.index === shard.index && stored.count === shard.count) return job.id
  }
  return null
}
