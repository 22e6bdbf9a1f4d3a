import { Command, Option } from 'commander'
import { openStore } from '../store/index.ts'
import { checkScoreParameters, parseWeightPair } from '../services/score-parameters.ts'
import { checkEngineRequest } from '../core/scoring/index.ts'
import { createJob } from '../jobs/job-runner.ts'
import type { JobSpec } from '../jobs/job-spec.ts'
import { failUnlessDone, runJobInForeground } from './run-job.ts'
import { defaultDatabasePath } from '../services/paths.ts'
import { selectArchs, type ArchSelection } from './arch-selection.ts'
import { writeScores } from './score-output.ts'
import { parseInteger } from './parse.ts'
import { DEFAULT_WEIGHTS, type BackendId, type DatasetId, type EngineId, type InputSource, type SpaceId } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'

interface ScoreOptions {
  space: SpaceId
  archs?: string
  all?: boolean
  limit?: number
  seed: number
  dataset: DatasetId
  input: InputSource
  inputSeed: number
  batch: number
  weights?: string
  engine: EngineId
  backend: BackendId
  workers?: number
  db: string
  out?: string
  progress: boolean
}

/** `epsinas score`: scores architectures with the cache, a progress bar and a summary. */
export function scoreCommand(): Command {
  return new Command('score')
    .description('score architectures with epsilon as a resumable job (default: all of NAS-Bench-201, grey input, cached)')
    .addOption(new Option('--space <space>', 'search space').choices(['nb201']).default('nb201'))
    .option('--archs <file>', 'file with one architecture per line')
    .option('--all', 'every architecture of the space (the default without --archs or --limit)')
    .option('--limit <n>', 'score a seeded random sample of n architectures', parseInteger('--limit', 1))
    .option('--seed <s>', 'seed of the --limit sample', parseInteger('--seed', 0), 0)
    .addOption(new Option('--dataset <dataset>', 'dataset (fixes classes and image size)').choices(['cifar10', 'cifar100', 'ImageNet16-120']).default('cifar10'))
    .addOption(new Option('--input <source>', 'minibatch source').choices(['grey', 'normal', 'uniform', 'uniform-pos']).default('grey'))
    .option('--input-seed <s>', 'seed of a random minibatch', parseInteger('--input-seed', 0), 0)
    .option('--batch <n>', 'minibatch size', parseInteger('--batch', 2), 256)
    .option('--weights <w1,w2>', 'the two constant shared weights (default: the space default, 1e-7,1 for nb201)')
    .addOption(new Option('--engine <engine>', 'collapsed (fast, exact) or full width').choices(['collapsed', 'full']).default('collapsed'))
    .addOption(new Option('--backend <backend>', 'execution backend').choices(['auto', 'ts', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-node', 'tfjs-node-gpu']).default('auto'))
    .option('--workers <n>', 'worker threads (default: one per core)', parseInteger('--workers', 1))
    .option('--db <file>', 'SQLite score cache', defaultDatabasePath())
    .option('--out <file>', 'write the scores to FILE.csv or FILE.json')
    .option('--no-progress', 'no progress bar')
    .action(async (options: ScoreOptions) => {
      await runScore(options)
    })
}

function selection(options: ScoreOptions): ArchSelection {
  const chosen = [options.archs !== undefined, options.all === true, options.limit !== undefined].filter(Boolean).length
  if (chosen > 1) throw new EpsinasError('BAD_ARGUMENT', 'choose one of --archs FILE, --all, --limit N')
  if (options.archs !== undefined) return { kind: 'file', path: options.archs }
  if (options.limit !== undefined) return { kind: 'sample', limit: options.limit, seed: options.seed }
  return { kind: 'all' }
}

async function runScore(options: ScoreOptions): Promise<void> {
  // Everything the user typed is checked before the cache is opened or anything is computed.
  const weights = options.weights === undefined ? DEFAULT_WEIGHTS[options.space] : parseWeightPair(options.weights)
  const archs = await selectArchs(options.space, selection(options))
  const spec: JobSpec = {
    kind: 'score',
    space: options.space,
    dataset: options.dataset,
    input: options.input,
    inputSeed: options.inputSeed,
    batchSize: options.batch,
    engine: options.engine,
    backend: options.backend,
    workers: options.workers,
    pairs: [weights],
  }
  checkScoreParameters(spec)
  checkEngineRequest(spec.engine, spec.backend)
  const store = openStore(options.db)
  try {
    const jobId = createJob(store, spec, archs)
    process.stderr.write(`job ${jobId}: scoring ${archs.length} architectures (cache ${store.path})\n`)
    const outcome = await runJobInForeground(store, jobId, { progress: options.progress })
    if (options.out) await writeScores(options.out, spec, outcome.summary)
    process.stderr.write(options.out ? `scores written to ${options.out}\n` : `use --out FILE.csv to export the scores (or epsinas jobs show ${jobId})\n`)
    failUnlessDone(outcome)
  } finally {
    store.close()
  }
}
