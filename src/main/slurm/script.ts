import { join } from 'node:path'
import { EpsinasError } from '../../shared/errors.ts'
import type { JobSpec } from '../jobs/job-spec.ts'

/** What `sbatch` is asked for besides the array (each unset one: the cluster's default). */
export interface SlurmResources {
  partition?: string
  time?: string
  cpusPerTask?: number
  mem?: string
}

/** Everything the script of an array job says. */
export interface ArrayJobScript {
  /** Number of array tasks, one shard each. */
  shards: number
  /** The run folder (absolute): the arch list, the shard caches and the logs live there. */
  runDir: string
  /** How to start epsinas on a node: the node binary and bin/epsinas.mjs, absolute. */
  epsinas: readonly string[]
  /** The whole job; each task scores its shard of it. */
  spec: JobSpec
  /** Architectures of the whole job (for the header). */
  archs: number
  resources: SlurmResources
}

/** The files of a run folder. */
export const runFiles = {
  script: (runDir: string) => join(runDir, 'job.sbatch'),
  archs: (runDir: string) => join(runDir, 'archs.txt'),
  manifest: (runDir: string) => join(runDir, 'run.json'),
  shardCache: (runDir: string, index: number) => join(runDir, `shard-${index}.db`),
  log: (runDir: string, index: number) => join(runDir, 'logs', `shard-${index}.log`),
}

/**
 * Characters a path or a resource value may not hold: `#SBATCH` lines are split at blanks and a
 * newline would start a line of its own; `%` is sbatch's file-name pattern.
 */
const UNSAFE = /[\s'"\\%$`]/

/** Throws BAD_ARGUMENT when `value` cannot go into an #SBATCH line or the script as it is. */
export function checkScriptValue(what: string, value: string): void {
  if (value === '' || UNSAFE.test(value)) {
    throw new EpsinasError('BAD_ARGUMENT', `${what} '${value.replace(/\n/g, '\\n').slice(0, 80)}' cannot go into an sbatch script: no blanks, quotes, backslashes, $, \` or %`)
  }
}

/** Quotes `text` for bash (single quotes; a quote inside closes, escapes and reopens). */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}

/**
 * The readable sbatch script of an array job: one task per shard, each scoring its shard of the
 * job's frozen arch list into a cache of its own (resumable: a task run again continues it).
 */
export function arrayJobScript(job: ArrayJobScript): string {
  const { spec, resources, runDir } = job
  checkScriptValue('the run folder', runDir)
  const sbatch = [
    `--job-name=epsinas-${spec.space}`,
    `--array=0-${job.shards - 1}`,
    `--output=${join(runDir, 'logs', 'shard-%a.log')}`,
    ...(resources.partition ? [`--partition=${resources.partition}`] : []),
    ...(resources.time ? [`--time=${resources.time}`] : []),
    ...(resources.cpusPerTask ? [`--cpus-per-task=${resources.cpusPerTask}`] : []),
    ...(resources.mem ? [`--mem=${resources.mem}`] : []),
  ]
  const [low, high] = spec.pairs[0]
  const score = [
    [...job.epsinas.map(shellQuote), 'score'].join(' '),
    `--archs "$RUN/archs.txt"`,
    `--space ${shellQuote(spec.space)} --dataset ${shellQuote(spec.dataset)} --weights ${low},${high}`,
    `--input ${shellQuote(spec.input)} --input-seed ${spec.inputSeed} --batch ${spec.batchSize}`,
    `--engine ${spec.engine} --backend ${spec.backend} --workers ${spec.workers ?? '"${SLURM_CPUS_PER_TASK:-1}"'}`,
    `--shard "$SHARD/${job.shards}" --db "$RUN/shard-$SHARD.db" --no-progress`,
  ]
  return [
    '#!/bin/bash',
    `# epsinas: ${job.archs} ${spec.space} architectures (${spec.dataset}, input ${spec.input}, batch ${spec.batchSize}, weights ${low},${high})`,
    `# scored as ${job.shards} shards, one per array task, each into its own cache in ${runDir}.`,
    '# A task run again resumes its shard (resubmit one: sbatch --array=3 job.sbatch, or epsinas slurm',
    '# resubmit JOBID); merge the shards into the main cache with: epsinas slurm merge JOBID',
    ...sbatch.map((option) => `#SBATCH ${option}`),
    'set -euo pipefail',
    `RUN=${shellQuote(runDir)}`,
    'SHARD="$SLURM_ARRAY_TASK_ID"',
    `# The shard count is written out: a task resubmitted alone runs in an array of one task.`,
    `exec ${score.join(' \\\n  ')}`,
    '',
  ].join('\n')
}
