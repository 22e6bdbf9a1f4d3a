/**
 * The I/O half of `epsinas study init` (paper section 3.2, Table 9): epsilon's formula on two random
 * initialisations of the full-width network (seeds s and s + 1 of one scheme) instead of two constant
 * shared weights. The networks are the proxies' (proxies/network.ts, a weight tensor per layer on
 * tfjs, BatchNorm in train mode as the reference's untouched module), initialised by
 * proxies/parameters.ts. Each arch's value is stored as soon as it is computed, in the native proxy
 * table under the proxy id `epsilon-init:<scheme>` (its key holds everything else: init seed, input,
 * batch, engine, space, dataset), so a rerun computes only what is missing.
 */
import type { Graph } from '../core/ir/graph.ts'
import { activateBackend, type TfjsRuntime } from '../core/backends/tfjs/runtime.ts'
import { epsilonFromOutputs } from '../core/epsilon/index.ts'
import { buildNetwork, checkSpaceDataset } from '../core/scoring/network.ts'
import { checkInputInstalled, inputCacheKey, type ImageBatchShape } from '../data/index.ts'
import { forward, imageTensor, layerTensors } from '../proxies/network.ts'
import { initialiseParameters, type InitScheme, type NetworkParameters } from '../proxies/parameters.ts'
import { loadProxyRuntime } from '../proxies/runtime.ts'
import type { ProxyScoreKey } from '../store/proxy-scores.ts'
import { computePerArchValues } from './per-arch-values.ts'
import { loadImageBatch, nativeProxiesRunOn, type ProxyRunSpec } from './proxies.ts'
import { EpsinasError } from '../../shared/errors.ts'
import type { ScoreProgress } from './scoring.ts'

/** Bumped when a change here could change a stored value (part of the engine key). */
export const INIT_STUDY_REVISION = 1

/** The cache's proxy id of a scheme's epsilon. */
export function initProxyId(scheme: InitScheme): string {
  return `epsilon-init:${scheme}`
}

/** The networks, batch and backend as `epsinas proxies` takes them (initSeed: the first initialisation's; the second is initSeed + 1), and the schemes. */
export type InitStudySpec = Omit<ProxyRunSpec, 'proxies'> & { schemes: readonly InitScheme[] }

export interface InitStudyValues {
  /** Per scheme, per arch: epsilon, null where NaN. */
  values: ReadonlyMap<InitScheme, ReadonlyMap<string, number | null>>
  computed: number
  cached: number
  /** The tfjs backend used and why. */
  backend: string
}

/**
 * Epsilon of one network under two initialisations: the flattened outputs of both forward passes,
 * then the metric exactly as for two constants (core/epsilon). Null where epsilon is NaN.
 */
export function initEpsilon(runtime: TfjsRuntime, graph: Graph, batch: { data: Float32Array; shape: ImageBatchShape }, initialisations: readonly [NetworkParameters, NetworkParameters]): number | null {
  const { tf } = runtime
  activateBackend(runtime)
  const [first, second] = initialisations.map((parameters) =>
    tf.tidy(() => forward(tf, graph, layerTensors(tf, parameters), imageTensor(tf, batch.data, batch.shape), { batchnorm: true, release: true }).dataSync() as Float32Array),
  )
  const { value } = epsilonFromOutputs(first, second)
  return Number.isNaN(value) ? null : value
}

/** Checks a spec before anything is opened (BAD_* errors): image networks only, the input installed. */
export async function checkInitStudy(spec: InitStudySpec): Promise<void> {
  checkSpaceDataset(spec.space, spec.dataset)
  if (!nativeProxiesRunOn(spec.dataset)) throw new EpsinasError('BAD_ARGUMENT', 'the init study runs on image networks (per-layer weights on tfjs); NB-NLP (ptb) is not supported')
  await checkInputInstalled(spec.input, spec.dataset)
}

/** Every scheme's epsilon on every arch, from the cache at `dbPath` where stored, the rest computed and stored one by one. */
export async function runInitStudy(spec: InitStudySpec, archs: readonly string[], dbPath: string, onProgress: (progress: ScoreProgress) => void = () => {}): Promise<InitStudyValues> {
  await checkInitStudy(spec)
  const runtime = await loadProxyRuntime(spec.backend)
  const input = await inputCacheKey(spec.input, spec.dataset)
  const keyOf = (scheme: InitScheme): ProxyScoreKey => ({
    proxy: initProxyId(scheme),
    initSeed: spec.initSeed,
    input,
    inputSeed: spec.inputSeed,
    batchSize: spec.batchSize,
    engine: `full/${runtime.backend}@epsilon-init.${INIT_STUDY_REVISION}`,
    space: spec.space,
    dataset: spec.dataset,
  })
  let batch: { data: Float32Array; shape: ImageBatchShape } | null = null
  const { values, computed, cached } = await computePerArchValues({
    dbPath,
    archs,
    ids: spec.schemes,
    keyOf,
    onProgress,
    prepare: async (arch) => {
      const graph = buildNetwork(arch, { space: spec.space, dataset: spec.dataset, batchSize: spec.batchSize }, 'literal')
      const ready = (batch ??= await loadImageBatch(spec, graph.nodes[graph.input].shape, 'the init study'))
      return (scheme) => initEpsilon(runtime, graph, ready, [initialiseParameters(graph, spec.initSeed, scheme), initialiseParameters(graph, spec.initSeed + 1, scheme)])
    },
  })
  return { values, computed, cached, backend: runtime.reason }
}

