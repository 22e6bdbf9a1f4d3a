import { Command } from 'commander'
import { describeIncomplete, shardedJobStates } from '../jobs/shard-completeness.ts'
import { parseJobSpec } from '../jobs/job-spec.ts'
import { openStore } from '../store/index.ts'
import { mergeCaches } from '../store/merge.ts'
import { EpsinasError } from '../../shared/errors.ts'

/** `epsinas merge OUT.db SHARD.db...`: merges score caches (the shards of a job) into one. */
export function mergeCommand(): Command {
  return new Command('merge')
    .description('merge score caches (e.g. the --shard files of a job) into OUT, with their native proxy scores, in one transaction: a score in several files once, a conflicting one refused')
    .argument('<out>', 'the cache to merge into (created when missing)')
    .argument('<shards...>', 'the caches to merge')
    .action((out: string, shards: string[]) => {
      mergeAndReport(out, shards)
    })
}

/**
 * Merges `sources` into `out` and reports on stderr what each added; then, for every sharded job
 * among them, whether all its shards are done (counting the shards merged into `out` before).
 * Throws WORKER_FAILED, after merging what there is, when a sharded job lacks shards.
 */
export function mergeAndReport(out: string, sources: readonly string[]): void {
  const result = mergeCaches(out, sources)
  let added = 0
  let addedNative = 0
  for (const source of result.sources) {
    const native = source.nativeProxies
    added += source.added
    addedNative += native.added
    process.stderr.write(
      `${source.path}: ${source.scores} scores (${source.added} new, ${source.same} already there), ` +
        `${native.scores} native proxy scores (${native.added} new, ${native.same} already there), ${source.jobs.length} job${source.jobs.length === 1 ? '' : 's'}\n`,
    )
  }
  process.stderr.write(`merged ${result.sources.length} file${result.sources.length === 1 ? '' : 's'} into ${result.out}: ${added} new scores, ${addedNative} new native proxy scores\n`)
  const wholeJobs = new Set(result.sources.flatMap((s) => s.jobs.flatMap((job) => parseJobSpec(job.id, job.spec).shard?.of ?? [])))
  if (wholeJobs.size === 0) return
  const store = openStore(result.out, { readOnly: true })
  let states
  try {
    states = shardedJobStates(store.jobs.list(), wholeJobs)
  } finally {
    store.close()
  }
  const incomplete = states.flatMap((state) => describeIncomplete(state) ?? [])
  for (const state of states) if (describeIncomplete(state) === null) process.stderr.write(`job ${state.of}: all ${state.count} shards done (${state.archs} archs)\n`)
  if (incomplete.length === 0) return
  // What there is was merged (and a later merge of the rest completes it); the exit status says it is partial.
  for (const line of incomplete.slice(1)) process.stderr.write(`${line}\n`)
  throw new EpsinasError('WORKER_FAILED', incomplete[0])
}
