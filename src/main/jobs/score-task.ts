import { runGraphTs } from '../core/backends/ts/interpreter.ts'
import { BufferPool } from '../core/backends/ts/pool.ts'
import { loadTfjs, runGraphTfjs } from '../core/backends/tfjs/index.ts'
import { buildNetwork, prepareNetwork, scorePrepared, type EngineChoice, type ForwardRunner, type NetworkForm } from '../core/scoring/index.ts'
import { minibatchSource, type Minibatch } from '../data/index.ts'
import { DATASETS, type DatasetId, type InputSource, type NanReason, type SpaceId, type WeightPair } from '../../shared/types.ts'
import { EpsinasError, serializeError, type SerializedError } from '../../shared/errors.ts'

/** A configuration with its engine resolved to a concrete backend: everything a worker needs besides the archs. */
export interface ResolvedScoreConfig {
  space: SpaceId
  dataset: DatasetId
  input: InputSource
  inputSeed: number
  batchSize: number
  weights: WeightPair
  engine: EngineChoice
}

/** One unit of work for a scoring worker: a few archs under one configuration. */
export interface ScoreTask {
  config: ResolvedScoreConfig
  items: ReadonlyArray<{ arch: string; form: NetworkForm }>
}

/** Outcome of one arch of a task; an arch that fails does not fail the others. */
export type ScoreTaskResult =
  | { arch: string; ok: true; epsilon: number | null; nanReason: NanReason | null; ms: number }
  | { arch: string; ok: false; error: SerializedError }

/** The minibatch of a configuration: same config, same bits, in every worker. */
export function loadMinibatch(config: Pick<ResolvedScoreConfig, 'dataset' | 'input' | 'inputSeed' | 'batchSize'>): Promise<Minibatch> {
  const { imageSize } = DATASETS[config.dataset]
  return Promise.resolve(minibatchSource(config.input).load([config.batchSize, 3, imageSize, imageSize], config.inputSeed))
}

// A worker scores many tasks of the same configuration: keep its minibatch and buffers.
const minibatches = new Map<string, Promise<Minibatch>>()
const bufferPool = new BufferPool()

async function runnerFor(engine: EngineChoice): Promise<ForwardRunner> {
  if (engine.backend === 'ts') return (graph, input, weight) => runGraphTs(graph, input, weight, bufferPool)
  const runtime = await loadTfjs(engine.backend)
  return (graph, input, weight) => runGraphTfjs(runtime, graph, input, weight)
}

/** Scores every arch of a task in this thread. */
export async function runScoreTask(task: ScoreTask): Promise<ScoreTaskResult[]> {
  const { config } = task
  const batchKey = JSON.stringify([config.dataset, config.input, config.inputSeed, config.batchSize])
  let minibatch = minibatches.get(batchKey)
  if (!minibatch) {
    minibatch = loadMinibatch(config)
    minibatches.set(batchKey, minibatch)
  }
  const batch = await minibatch
  const run = await runnerFor(config.engine)
  const spec = { space: config.space, dataset: config.dataset, batchSize: config.batchSize }
  return task.items.map(({ arch, form }): ScoreTaskResult => {
    const started = performance.now()
    try {
      const prepared = prepareNetwork(buildNetwork(arch, spec, form), batch, config.engine.engine)
      const score = scorePrepared(prepared, config.weights, run)
      const epsilon = score.nanReason === null ? score.value : null
      return { arch, ok: true, epsilon, nanReason: score.nanReason, ms: performance.now() - started }
    } catch (error) {
      const wrapped = error instanceof EpsinasError ? error : new EpsinasError('INTERNAL', `scoring ${arch} failed: ${String(error)}`)
      return { arch, ok: false, error: serializeError(wrapped) }
    }
  })
}
