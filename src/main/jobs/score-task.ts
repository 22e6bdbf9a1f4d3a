import { runGraphTs } from '../core/backends/ts/interpreter.ts'
import { BufferPool } from '../core/backends/ts/pool.ts'
import { loadTfjs, runGraphTfjs } from '../core/backends/tfjs/index.ts'
import { epsilonFromOutputs, scoreOfConstantFirstOutput } from '../core/epsilon/epsilon.ts'
import { provablyFinite } from '../core/ir/bound.ts'
import { buildNetwork, prepareNetwork, type EngineChoice, type ForwardRunner, type NetworkForm } from '../core/scoring/index.ts'
import { minibatchBound, minibatchSource, type Minibatch } from '../data/index.ts'
import { syntheticTokenMinibatch } from '../core/spaces/nbnlp/index.ts'
import { installedPtbTokens } from '../data/readers/installed-ptb.ts'
import { datasetInputShape, getSpace, isSpaceId } from '../core/spaces/registry.ts'
import { refreshSpace, syncUserSpaceFolder } from '../user-spaces/load.ts'
import type { DatasetId, InputSource, NanReason, SpaceId } from '../../shared/types.ts'
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
  /**
   * `cacheArch`: the arch's name in the cache as the caller keyed it; the worker refuses to store
   * a network under it when its own copy of the space names the arch otherwise (a user space
   * imported again with other files since the caller looked).
   */
  items: ReadonlyArray<{ arch: string; form: NetworkForm; pairs: readonly number[]; cacheArch?: string }>
  /**
   * The folder of a user space (user-spaces/load.ts): a worker thread registers the space from it
   * before building networks, so it builds exactly what the caller's process registered.
   */
  userSpaceFolder?: string
}

/** Score of one arch under one pair (index into the task's pairs). */
export interface PairScore {
  pair: number
  epsilon: number | null
  nanReason: NanReason | null
}

/** Outcome of one arch of a task; an arch that fails does not fail the others. */
export type ScoreTaskResult =
  /** `passes`: forward passes run (fewer than the weights when a constant first output decided a pair). */
  | { arch: string; ok: true; scores: PairScore[]; ms: number; passes: number }
  | { arch: string; ok: false; error: SerializedError }

/**
 * The minibatch of a configuration: same config, same bits, in every worker. Images have the
 * space's input shape on the dataset (an imported model fixes its own); without a space, the
 * dataset's [3, s, s].
 */
export function loadMinibatch(config: Pick<ResolvedBaseConfig, 'dataset' | 'input' | 'inputSeed' | 'batchSize'> & { space?: SpaceId }): Promise<Minibatch> {
  // PTB (NAS-Bench-NLP) batches are token ids, not images.
  if (config.dataset === 'ptb') {
    return config.input === 'real' ? installedPtbTokens(config.batchSize, config.inputSeed) : Promise.resolve(syntheticTokenMinibatch(config.batchSize, config.input, config.inputSeed))
  }
  const [channels, height, width] = config.space === undefined ? datasetInputShape(config.dataset) : getSpace(config.space).inputShape(config.dataset)
  return Promise.resolve(minibatchSource(config.input, config.dataset).load([config.batchSize, channels, height, width], config.inputSeed))
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
  let batchKey: string
  try {
    if (task.userSpaceFolder !== undefined) {
      if (!syncUserSpaceFolder(task.userSpaceFolder)) throw new EpsinasError('BAD_ARGUMENT', `search space ${config.space} was removed while it was being scored`)
    } else if (!isSpaceId(config.space)) {
      // A caller that named no folder: the user space of that name in the data directory ($EPSINAS_HOME is inherited).
      refreshSpace(config.space)
    }
    // Keyed by the image shape too: spaces (and a space imported again) may take other shapes on one dataset.
    batchKey = JSON.stringify([getSpace(config.space).inputShape(config.dataset), config.dataset, config.input, config.inputSeed, config.batchSize])
  } catch (error) {
    // The space itself is unusable here: every arch of the task fails with the one reason.
    const failure = serializeError(error)
    return task.items.map(({ arch }) => ({ arch, ok: false, error: failure }))
  }
  let minibatch = minibatches.get(batchKey)
  if (!minibatch) {
    minibatch = loadMinibatch(config)
    minibatches.set(batchKey, minibatch)
  }
  const batch = await minibatch
  const run = await runnerFor(config.engine)
  const spec = { space: config.space, dataset: config.dataset, batchSize: config.batchSize }
  return task.items.map(({ arch, form, pairs, cacheArch }): ScoreTaskResult => {
    const started = performance.now()
    try {
      injectFault(arch)
      if (cacheArch !== undefined && getSpace(config.space).cacheArch(arch) !== cacheArch) {
        throw new EpsinasError('BAD_FILE', `${arch} of search space ${config.space} was imported again with other content while it was being scored; score it again`)
      }
      const network = buildNetwork(arch, spec, form)
      const prepared = prepareNetwork(network, batch, config.engine.engine)
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
        const first = outputAt(low)
        // A constant first output decides the pair (NaN, outputs-constant) when the second provably
        // holds no inf or NaN: the same score, without the second pass.
        const decided = outputs.has(high) ? null : scoreOfConstantFirstOutput(first)
        const score = decided !== null && provablyFinite(network, task.weights[high], minibatchBound(batch)) ? decided : epsilonFromOutputs(first, outputAt(high))
        return { pair, epsilon: score.nanReason === null ? score.value : null, nanReason: score.nanReason }
      })
      return { arch, ok: true, scores, ms: performance.now() - started, passes: outputs.size }
    } catch (error) {
      const wrapped = error instanceof EpsinasError ? error : new EpsinasError('INTERNAL', `scoring ${arch} failed: ${String(error)}`)
      return { arch, ok: false, error: serializeError(wrapped) }
    }
  })
}
