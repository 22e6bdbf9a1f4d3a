import { Command, Option } from 'commander'
import { defaultDatabasePath } from '../services/paths.ts'
import { checkScoreParameters } from '../services/score-parameters.ts'
import { checkEngineRequest, checkSpaceDataset } from '../core/scoring/index.ts'
import { DEFAULT_SPACE_ID, getSpace, spaceIds } from '../core/spaces/registry.ts'
import type { JobKind } from '../store/index.ts'
import type { JobSpec } from '../jobs/job-spec.ts'
import { type BackendId, type DatasetId, type EngineId, type InputSource, type SpaceId, type WeightPair } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { parseInteger } from './parse.ts'

/** Options shared by every command that scores: what network, what minibatch, what engine, which cache. */
export interface ScoringOptions {
  space: SpaceId
  /** Unset: the space's first dataset (cifar10; ptb for nbnlp). */
  dataset?: DatasetId
  input: InputSource
  inputSeed: number
  /** Alias of inputSeed for --input real: which training images form the batch. */
  dataSeed?: number
  batch: number
  engine: EngineId
  backend: BackendId
  workers?: number
  db: string
  progress: boolean
}

/** Adds the scoring options to a command. */
export function addScoringOptions(command: Command): Command {
  return command
    .addOption(new Option('--space <space>', 'search space, built-in or imported with epsinas space import (nb101 needs --dataset cifar10; nbnlp: --archs FILE of recepies or a folder of training logs)').choices(spaceIds()).default(DEFAULT_SPACE_ID))
    .addOption(
      new Option('--dataset <dataset>', "dataset (fixes classes and image size; default: the space's first, cifar10 for nb201, ptb for nbnlp; custom: an imported model's own input shape)").choices(['cifar10', 'cifar100', 'ImageNet16-120', 'ptb', 'custom']),
    )
    .addOption(new Option('--input <source>', 'minibatch source (real: training images installed with epsinas data)').choices(['grey', 'normal', 'uniform', 'uniform-pos', 'real']).default('grey'))
    .option('--input-seed <s>', 'seed of a random minibatch', parseInteger('--input-seed', 0), 0)
    .option('--data-seed <s>', 'with --input real: seed choosing the training images (stored as the input seed)', parseInteger('--data-seed', 0))
    .option('--batch <n>', 'minibatch size', parseInteger('--batch', 2), 256)
    .addOption(new Option('--engine <engine>', 'collapsed (fast, exact) or full width').choices(['collapsed', 'full']).default('collapsed'))
    .addOption(new Option('--backend <backend>', 'execution backend').choices(['auto', 'ts', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-node', 'tfjs-node-gpu']).default('auto'))
    .option('--workers <n>', 'worker threads (default: one per core)', parseInteger('--workers', 1))
    .option('--db <file>', 'SQLite score cache', defaultDatabasePath())
    .option('--no-progress', 'no progress bar')
}

/** --data-seed is the input seed of real images; giving it with another input, or with a different --input-seed, is an error. */
function inputSeedOf(options: ScoringOptions): number {
  if (options.dataSeed === undefined) return options.inputSeed
  if (options.input !== 'real') throw new EpsinasError('BAD_ARGUMENT', `--data-seed chooses real images; use it with --input real (or --input-seed for --input ${options.input})`)
  if (options.inputSeed !== 0 && options.inputSeed !== options.dataSeed) throw new EpsinasError('BAD_ARGUMENT', '--data-seed and --input-seed disagree; give one of them')
  return options.dataSeed
}

/** The job spec of the options, checked (BAD_ARGUMENT) before anything is opened or computed. */
export function jobSpecOf(kind: JobKind, options: ScoringOptions, pairs: WeightPair[], extra: Partial<JobSpec> = {}): JobSpec {
  const spec: JobSpec = {
    kind,
    space: options.space,
    dataset: options.dataset ?? getSpace(options.space).datasets[0],
    input: options.input,
    inputSeed: inputSeedOf(options),
    batchSize: options.batch,
    engine: options.engine,
    backend: options.backend,
    workers: options.workers,
    pairs,
    ...extra,
  }
  checkScoreParameters(spec)
  checkSpaceDataset(spec.space, spec.dataset)
  checkEngineRequest(spec.engine, spec.backend)
  return spec
}
