import { Command, Option } from 'commander'
import { openStore } from '../store/index.ts'
import { scoreArchitectures, type ScoreRequest, type ScoreSummary } from '../services/scoring.ts'
import { parseWeightPair } from '../services/score-parameters.ts'
import { defaultDatabasePath } from '../services/paths.ts'
import { selectArchs, type ArchSelection } from './arch-selection.ts'
import { createProgressBar, formatDuration } from './progress.ts'
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
    .description('score architectures with epsilon (default: all of NAS-Bench-201, grey input, cached)')
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
  const request: ScoreRequest = {
    space: options.space,
    archs,
    dataset: options.dataset,
    input: options.input,
    inputSeed: options.inputSeed,
    batchSize: options.batch,
    weights,
    engine: options.engine,
    backend: options.backend,
    workers: options.workers,
  }
  const store = openStore(options.db)
  const abort = new AbortController()
  const onSigint = (): void => abort.abort()
  process.once('SIGINT', onSigint)
  const bar = options.progress ? createProgressBar('scoring') : null
  let summary: ScoreSummary
  try {
    summary = await scoreArchitectures(request, { store, signal: abort.signal, onProgress: (p) => bar?.update(p) })
  } finally {
    bar?.stop()
    process.off('SIGINT', onSigint)
    store.close()
  }
  if (options.out) await writeScores(options.out, request, summary)
  process.stderr.write(`${describeSummary(summary, options)}\n`)
  if (summary.cancelled) throw new EpsinasError('CANCELLED', `cancelled: ${summary.computed + summary.shared} new scores were stored; run the same command again to resume`)
  if (summary.failed.length > 0) {
    const first = summary.failed[0]
    throw new EpsinasError('WORKER_FAILED', `${summary.failed.length} architectures failed, first ${first.arch}: ${first.error.message}`)
  }
}

/** The end-of-run summary: what was scored, cached, NaN; wall time and rate. */
export function describeSummary(summary: ScoreSummary, options: Pick<ScoreOptions, 'db' | 'out'>): string {
  const scored = summary.computed + summary.shared
  const lines = [
    `${summary.total} architectures: ${scored} scored now (${summary.computed} networks computed, ${summary.shared} shared an identical network), ` +
      `${summary.cached} from the cache, ${summary.nan} NaN, ${summary.failed.length} failed`,
    `wall ${formatDuration(summary.wallMs / 1000)} (${(summary.wallMs / 1000).toFixed(1)} s), ${summary.archsPerSecond.toFixed(1)} archs/s, engine ${summary.engine}, backend ${summary.backendReason}`,
  ]
  if (scored === 0 && summary.failed.length === 0 && !summary.cancelled) lines.push(`nothing to compute: every score was already in the cache (${options.db})`)
  lines.push(options.out ? `scores written to ${options.out}` : `cache: ${options.db} (use --out FILE.csv to export the scores)`)
  return lines.join('\n')
}
