import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { Command } from 'commander'
import { checkInputInstalled } from '../data/index.ts'
import { openStore, type ScoreStore } from '../store/index.ts'
import { parseWeightPair } from '../services/score-parameters.ts'
import { createJob } from '../jobs/job-runner.ts'
import { failUnlessDone, runJobInForeground } from './run-job.ts'
import { addScoringOptions, jobSpecOf, type ScoringOptions } from './scoring-options.ts'
import { noteOnStderr, selectArchs, type ArchSelection } from './arch-selection.ts'
import { checkOutputFile } from './output-file.ts'
import { parseInteger } from './parse.ts'
import { getSpace } from '../core/spaces/registry.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { openBenchmarkStore } from '../store/benchmarks.ts'
import { checkRankProxiesInstalled, DEFAULT_RANK_PROXIES, parseRankWith } from '../services/ranking.ts'
import type { JobSpec } from '../jobs/job-spec.ts'
import type { ShardNumber } from '../jobs/shard.ts'
import { parseShardOption, shardJob, unfinishedShardJob } from './shard-option.ts'

export interface ScoreOptions extends ScoringOptions {
  archs?: string
  all?: boolean
  limit?: number
  seed: number
  weights?: string
  out?: string
  rankWith?: string[]
  shard?: ShardNumber
}

/** `epsinas score`: scores architectures as a resumable job, with the cache, a progress bar and a summary. */
export function scoreCommand(): Command {
  const command = new Command('score')
    .description('score architectures with epsilon as a resumable job (default: all of NAS-Bench-201, grey input, cached)')
    .option('--archs <file>', 'file with one architecture per line (NB201: arch string or benchmark index; NB101: spec JSON or module hash)')
    .option('--all', 'every architecture of the space (the default without --archs or --limit)')
    .option('--limit <n>', 'score a seeded random sample of n architectures', parseInteger('--limit', 1))
    .option('--seed <s>', 'seed of the --limit sample', parseInteger('--seed', 0), 0)
    .option('--weights <w1,w2>', 'the two constant shared weights (default: the space default, 1e-7,1 for nb201)')
    .option('--out <file>', 'write the scores to FILE.csv or FILE.json, each arch with its full-coverage rank (docs/ranking.md)')
    .option('--rank-with <list>', `proxies ranked with epsilon and parameters, comma-separated, or none: installed Suite-Zero ones, or native ones from epsinas proxies (native:NAME) (default: ${DEFAULT_RANK_PROXIES.join(',')} where either has them; docs/ranking.md)`, parseRankWith)
    .option('--shard <i/n>', 'score only shard I of N of the archs (0 <= I < N; each arch in exactly one shard), e.g. into a --db of its own; merge the shards with epsinas merge', parseShardOption)
  return addScoringOptions(command).action(async (options: ScoreOptions) => {
    await runScore(options)
  })
}

function selection(options: ScoreOptions): ArchSelection {
  const chosen = [options.archs !== undefined, options.all === true, options.limit !== undefined].filter(Boolean).length
  if (chosen > 1) throw new EpsinasError('BAD_ARGUMENT', 'choose one of --archs FILE, --all, --limit N')
  if (options.archs !== undefined) return { kind: 'file', path: options.archs, db: options.db }
  if (options.limit !== undefined) return { kind: 'sample', limit: options.limit, seed: options.seed }
  return { kind: 'all', db: options.db }
}

/** Throws BAD_ARGUMENT unless every proxy of --rank-with is installed in --db for the job's space and dataset; creates nothing. */
function checkRankProxies(path: string, spec: JobSpec, names: readonly string[]): void {
  if (names.length === 0) return
  if (!existsSync(path)) throw new EpsinasError('BAD_ARGUMENT', `--rank-with: ${names.join(', ')} not installed: ${path} does not exist yet (see epsinas data)`)
  const benchmarks = openBenchmarkStore(path, { readOnly: true })
  try {
    checkRankProxiesInstalled(benchmarks, spec.space, spec.dataset, names)
  } finally {
    benchmarks.close()
  }
}

/**
 * The whole job the options ask for (its spec and archs), every option checked (BAD_*) before a
 * cache is opened or anything computed. `epsinas slurm submit` plans its job with it too.
 */
export async function planScore(options: ScoreOptions): Promise<{ spec: JobSpec; archs: string[] }> {
  if (options.out) checkOutputFile('--out', options.out)
  const weights = options.weights === undefined ? getSpace(options.space).defaultWeights : parseWeightPair(options.weights)
  const archs = await selectArchs(options.space, selection(options), noteOnStderr)
  // The --out path is kept in the job, absolute, so `jobs resume` writes the same file from anywhere.
  const extra = { ...(options.out ? { out: resolve(options.out) } : {}), ...(options.rankWith !== undefined ? { rankWith: options.rankWith } : {}) }
  const spec = jobSpecOf('score', options, [weights], extra)
  await checkInputInstalled(spec.input, spec.dataset)
  // Named proxies must be installed before minutes of scoring, not found missing at the end.
  if (options.rankWith !== undefined) checkRankProxies(options.db, spec, options.rankWith)
  return { spec, archs }
}

async function runScore(options: ScoreOptions): Promise<void> {
  const { store, jobId } = await openScoreJob(options)
  try {
    const outcome = await runJobInForeground(store, jobId, { progress: options.progress })
    // runJobInForeground wrote the --out file of the job.
    if (!options.out) process.stderr.write(`use --out FILE.csv to export the scores (or epsinas jobs show ${jobId})\n`)
    failUnlessDone(outcome)
  } finally {
    store.close()
  }
}

/**
 * Plans the job, opens the cache and creates the job there (or finds the shard's unfinished one).
 * A function of its own so that the planned arch list is garbage once the job holds it: the run
 * reads its archs back from the job and must not keep a second copy of every name for hours.
 */
async function openScoreJob(options: ScoreOptions): Promise<{ store: ScoreStore; jobId: string }> {
  // Everything the user typed is checked before the cache is opened or anything is computed.
  const whole = await planScore(options)
  const { spec, archs } = options.shard ? shardJob(whole.spec, whole.archs, options.shard) : whole
  const store = openStore(options.db)
  try {
    // A shard run again (its task killed, then resubmitted) resumes its unfinished job.
    const resumed = spec.shard ? unfinishedShardJob(store, spec.shard) : null
    const jobId = resumed ?? createJob(store, spec, archs)
    const part = spec.shard ? ` (shard ${spec.shard.index}/${spec.shard.count} of ${spec.shard.archs})` : ''
    process.stderr.write(`job ${jobId}: ${resumed ? 'resuming' : 'scoring'} ${archs.length} architectures${part} (cache ${store.path})\n`)
    return { store, jobId }
  } catch (error) {
    store.close()
    throw error
  }
}
