import { Command, Option } from 'commander'
import { defaultDatabasePath } from '../services/paths.ts'
import { checkScoreParameters } from '../services/score-parameters.ts'
import { checkEngineRequest, checkSpaceDataset } from '../core/scoring/index.ts'
import type { JobKind } from '../store/index.ts'
import type { JobSpec } from '../jobs/job-spec.ts'
import type { BackendId, DatasetId, EngineId, InputSource, SpaceId, WeightPair } from '../../shared/types.ts'
import { parseInteger } from './parse.ts'

/** Options shared by every command that scores: what network, what minibatch, what engine, which cache. */
export interface ScoringOptions {
  space: SpaceId
  dataset: DatasetId
  input: InputSource
  inputSeed: number
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
    .addOption(new Option('--space <space>', 'search space (nb101 needs --dataset cifar10)').choices(['nb201', 'nb101']).default('nb201'))
    .addOption(new Option('--dataset <dataset>', 'dataset (fixes classes and image size)').choices(['cifar10', 'cifar100', 'ImageNet16-120']).default('cifar10'))
    .addOption(new Option('--input <source>', 'minibatch source').choices(['grey', 'normal', 'uniform', 'uniform-pos']).default('grey'))
    .option('--input-seed <s>', 'seed of a random minibatch', parseInteger('--input-seed', 0), 0)
    .option('--batch <n>', 'minibatch size', parseInteger('--batch', 2), 256)
    .addOption(new Option('--engine <engine>', 'collapsed (fast, exact) or full width').choices(['collapsed', 'full']).default('collapsed'))
    .addOption(new Option('--backend <backend>', 'execution backend').choices(['auto', 'ts', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-node', 'tfjs-node-gpu']).default('auto'))
    .option('--workers <n>', 'worker threads (default: one per core)', parseInteger('--workers', 1))
    .option('--db <file>', 'SQLite score cache', defaultDatabasePath())
    .option('--no-progress', 'no progress bar')
}

/** The job spec of the options, checked (BAD_ARGUMENT) before anything is opened or computed. */
export function jobSpecOf(kind: JobKind, options: ScoringOptions, pairs: WeightPair[], extra: Partial<JobSpec> = {}): JobSpec {
  const spec: JobSpec = {
    kind,
    space: options.space,
    dataset: options.dataset,
    input: options.input,
    inputSeed: options.inputSeed,
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
