import { runGraphTs } from '../core/backends/ts/interpreter.ts'
import { BufferPool } from '../core/backends/ts/pool.ts'
import { loadTfjs, runGraphTfjs } from '../core/backends/tfjs/index.ts'
import { epsilonFromOutputs } from '../core/epsilon/epsilon.ts'
import { buildNetwork, prepareNetwork, type EngineChoice, type ForwardRunner, type NetworkForm } from '../core/scoring/index.ts'
import { minibatchSource, type Minibatch } from '../data/index.ts'
import { syntheticTokenMinibatch } from '../core/spaces/nbnlp/index.ts'
import { installedPtbTokens } from '../data/readers/installed-ptb.ts'
import { DATASETS, type DatasetId, type InputSource, type NanReason, type SpaceId } from '../../shared/types.ts'
import { EpsinasError, serializeError, type SerializedError } from '../../shared/errors.ts'

/** Everything that fixes a network's outputs except the weight, with the engine resolved to a backend. */
export interface ResolvedBaseConfig {
  space: SpaceId
  dataset: DatasetId
  input: InputSource
  inputSeed: number
  batchSize: number
  engine: EngineChoice
}

/**
 * One unit of work for a scoring worker: a few archs, each scored under some of `pairs`. Every
 * distinct weight runs one forward pass per arch, however many pairs use it (a sweep over n
 * exponents needs n passes per arch, not n * (n - 1)).
 */
export interface ScoreTask {
  config: ResolvedBaseConfig
  weights: readonly number[]
  /** Pairs as indices into `weights`. */
  pairs: ReadonlyArray<readonly [number, number]>
  items: ReadonlyArray<{ arch: string; form: NetworkForm; pairs: readonly number[] }>
}

/** Score of one arch under one pair (index into the task's pairs). */
export interface PairScore {
  pair: number
  epsilon: number | null
  nanReason: NanReason | null
}

/** Outcome of one arch of a task; an arch that fails does not fail the others. */
export type ScoreTaskResult =
  | { arch: string; ok: true; scores: PairScore[]; ms: number }
  | { arch: string; ok: false; error: SerializedError }

/** The minibatch of a configuration: same config, same bits, in every worker. */
export function loadMinibatch(config: Pick<ResolvedBaseConfig, 'dataset' | 'input' | 'inputSeed' | 'batchSize'>): Promise<Minibatch> {
  // PTB (NAS-Bench-NLP) batches are token ids, not images.
  if (config.dataset === 'ptb') {
    return config.input === 'real' ? installedPtbTokens(config.batchSize, config.inputSeed) : Promise.resolve(syntheticTokenMinibatch(config.batchSize, config.input, config.inputSeed))
  }
  const { imageSize } = DATASETS[config.dataset]
  return Promise.resolve(minibatchSource(config.input, config.dataset).load([config.batchSize, 3, imageSize, imageSize], config.inputSeed))
}

// A worker scores many tasks of the same configuration: keep its minibatch and buffers.
const minibatches = new Map<string, Promise<Minibatch>>()
const bufferPool = new BufferPool()

async function runnerFor(engine: EngineChoice): Promise<ForwardRunner> {
  if (engine.backend === 'ts') return (graph, input, weight) => runGraphTs(graph, input, weight, bufferPool)
  const runtime = await loadTfjs(engine.backend)
  return (graph, input, weight) => runGraphTfjs(runtime, graph, input, weight)
}

/**
 * Fault injection for the crash-recovery and stop tests:
 * - a worker asked to score the arch named in EPSINAS_FAULT_KILL_WORKER exits abruptly, as a
 *   worker killed by a native crash or OOM would;
 * - one asked to score the arch named in EPSINAS_FAULT_HOLD_WORKER never finishes it, blocking its
 *   thread as a very slow kernel would, until the thread is terminated (a pause, cancel or kill).
 *   A job holding such an arch cannot finish, so tests can stop it in a known state.
 */
function injectFault(arch: string): void {
  if (process.env.EPSINAS_FAULT_KILL_WORKER === arch) process.exit(70)
  if (process.env.EPSINAS_FAULT_HOLD_WORKER === arch) holdForever()
}

function holdForever(): never {
  const cell = new Int32Array(new SharedArrayBuffer(4))
  // Synchronous, like real compute; the loop's back edge lets a thread termination through.
  for (;;) Atomics.wait(cell, 0, 0, 200)
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
  return task.items.map(({ arch, form, pairs }): ScoreTaskResult => {
    const started = performance.now()
    try {
      injectFault(arch)
      const prepared = prepareNetwork(buildNetwork(arch, spec, form), batch, config.engine.engine)
      const outputs = new Map<number, Float32Array>()
      const outputAt = (weightIndex: number): Float32Array => {
        let output = outputs.get(weightIndex)
        if (!output) {
          output = prepared.fullOutput(run(prepared.graph, prepared.input, task.weights[weightIndex]))
          outputs.set(weightIndex, output)
        }
        return output
      }
      const scores = pairs.map((pair): PairScore => {
        const [low, high] = task.pairs[pair]
        const score = epsilonFromOutputs(outputAt(low), outputAt(high))
        return { pair, epsilon: score.nanReason === null ? score.value : null, nanReason: score.nanReason }
      })
      return { arch, ok: true, scores, ms: performance.now() - started }
    } catch (error) {
      const wrapped = error instanceof EpsinasError ? error : new EpsinasError('INTERNAL', `scoring ${arch} failed: ${String(error)}`)
      return { arch, ok: false, error: serializeError(wrapped) }
    }
  })
}
