import { buildNetwork, checkSpaceDataset } from '../core/scoring/network.ts'
import { checkInputInstalled, inputCacheKey, minibatchSource } from '../data/index.ts'
import type { ImageBatchShape } from '../data/index.ts'
import { initialiseParameters } from '../proxies/parameters.ts'
import { withDatasetClassifier } from '../proxies/classifier.ts'
import { getProxy } from '../proxies/registry.ts'
import { seededLabels } from '../proxies/labels.ts'
import type { Proxy, ProxyBatch, ProxyNetwork } from '../proxies/proxy.ts'
import type { TfjsRuntime } from '../core/backends/tfjs/runtime.ts'
import { loadProxyRuntime, type ProxyBackend } from '../proxies/runtime.ts'
import type { ProxyScoreKey } from '../store/proxy-scores.ts'
import { computePerArchValues } from './per-arch-values.ts'
import { DATASETS, type DatasetId, type InputSource, type SpaceId } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'
import type { ScoreProgress } from './scoring.ts'

/**
 * Bumped when a change to the proxies' networks or definitions could change a stored value, so
 * values from before are never served as current ones (it is part of the engine key).
 */
export const PROXY_REVISION = 1

/**
 * The revision part of a native value's engine key: `@proxies.N`, and `.R` after it for a proxy whose
 * own definition changed since (Proxy.revision R > 1), so only that proxy's old values stop being current.
 */
export function proxyRevisionTag(proxy: Proxy): string {
  const own = proxy.revision ?? 1
  return `@proxies.${PROXY_REVISION}${own > 1 ? `.${own}` : ''}`
}

/** What `epsinas proxies` computes: which proxies, on which networks and batch. */
export interface ProxyRunSpec {
  space: SpaceId
  dataset: DatasetId
  input: InputSource
  inputSeed: number
  batchSize: number
  /** Seed of the networks' random initialisation (proxies/parameters.ts). */
  initSeed: number
  proxies: readonly string[]
  backend: ProxyBackend
}

/** Every arch's value of every proxy (null: undefined for that network), with how many were computed now. */
export interface ProxyTable {
  archs: readonly string[]
  proxies: readonly string[]
  values: ReadonlyMap<string, ReadonlyMap<string, number | null>>
  computed: number
  cached: number
  /** The backend the tfjs proxies ran on and why. */
  backend: string
}

/** The proxies of a comma-separated list, each known and named once; BAD_ARGUMENT otherwise. */
export function parseProxyList(text: string): string[] {
  const ids = text.split(',').map((id) => id.trim()).filter((id) => id.length > 0)
  if (ids.length === 0) throw new EpsinasError('BAD_ARGUMENT', '--proxies: name at least one proxy')
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i)
  if (repeated) throw new EpsinasError('BAD_ARGUMENT', `--proxies: ${repeated} is named twice`)
  for (const id of ids) getProxy(id)
  return ids
}

/** Whether the native proxies run on the networks of `dataset`: image networks only (not NB-NLP's PTB). */
export function nativeProxiesRunOn(dataset: DatasetId): boolean {
  return dataset !== 'ptb'
}

/** What fixes a native value besides the proxy and the arch: the network, its initialisation, the batch. */
export type ProxyKeyFields = Pick<ProxyRunSpec, 'space' | 'dataset' | 'inputSeed' | 'batchSize' | 'initSeed'>

/**
 * The full cache key of `proxy`'s values computed on `backend` with the input whose cache key is
 * `input`: every path that stores native values (epsinas proxies, the GPU workers) keys them here,
 * so each finds the others' values.
 */
export function proxyScoreKey(spec: ProxyKeyFields, proxy: Proxy, backend: string, input: string): ProxyScoreKey {
  return {
    proxy: proxy.id,
    initSeed: spec.initSeed,
    input,
    inputSeed: spec.inputSeed,
    batchSize: spec.batchSize,
    // The closed forms read the graph only: no backend in their key.
    engine: `${proxy.needs.forward ? `full/${backend}` : 'ir'}${proxyRevisionTag(proxy)}`,
    space: spec.space,
    dataset: spec.dataset,
  }
}

/** Checks a spec before anything is opened or computed (BAD_* errors). */
export async function checkProxyRun(spec: ProxyRunSpec): Promise<void> {
  for (const id of spec.proxies) getProxy(id)
  checkSpaceDataset(spec.space, spec.dataset)
  if (!nativeProxiesRunOn(spec.dataset)) throw new EpsinasError('BAD_ARGUMENT', 'the native proxies run on image networks; NB-NLP (ptb) is not supported')
  await checkInputInstalled(spec.input, spec.dataset)
}

/**
 * Computes every proxy of `spec` on every arch, storing each value in the cache at `dbPath` as soon as
 * it is computed (one commit per arch and proxy), so a run that is stopped and started again computes
 * only what is missing. Values already cached under the same full key are served, not recomputed.
 */
export async function runProxies(spec: ProxyRunSpec, archs: readonly string[], dbPath: string, onProgress: (progress: ScoreProgress) => void = () => {}): Promise<ProxyTable> {
  await checkProxyRun(spec)
  const proxies = spec.proxies.map(getProxy)
  const runtime = await loadProxyRuntime(spec.backend)
  const input = await inputCacheKey(spec.input, spec.dataset)
  const keyOf = (proxy: Proxy): ProxyScoreKey => proxyScoreKey(spec, proxy, runtime.backend, input)
  let batch: ProxyBatch | null = null
  const { values, computed, cached } = await computePerArchValues({
    dbPath,
    archs,
    ids: proxies,
    keyOf,
    onProgress,
    prepare: async (arch) => {
      const graph = withDatasetClassifier(buildNetwork(arch, { space: spec.space, dataset: spec.dataset, batchSize: spec.batchSize }, 'literal'), DATASETS[spec.dataset].classes)
      const ready = (batch ??= await loadBatch(spec, graph.nodes[graph.input].shape, graph.nodes[graph.output].shape))
      const network = { graph, parameters: initialiseParameters(graph, spec.initSeed) }
      return (proxy) => computeOne(proxy, network, ready, runtime, arch)
    },
  })
  // The table is read arch by arch (a CSV row each).
  const byArch = new Map(archs.map((arch) => [arch, new Map(proxies.map((proxy) => [proxy.id, values.get(proxy)?.get(arch) ?? null]))]))
  return { archs, proxies: spec.proxies, values: byArch, computed, cached, backend: runtime.reason }
}

/**
 * One proxy on one network. tfjs-wasm's heap stops at 4 GiB: a gradient pass over a large NB201
 * network at batch 64 keeps every activation and runs out, which the module reports as a bare
 * "memory access out of bounds" or "Aborted()" (a failed allocation). Said here as what it is and what to do; the values computed so far
 * are in the cache, so the rerun resumes.
 */
function computeOne(proxy: Proxy, network: ProxyNetwork, batch: ProxyBatch, runtime: TfjsRuntime, arch: string): number | null {
  try {
    return proxy.compute(network, batch, { runtime })
  } catch (error) {
    if (error instanceof Error && error.name === 'RuntimeError' && /memory access out of bounds|^Aborted\(\)/.test(error.message)) {
      throw new EpsinasError('BACKEND_UNAVAILABLE', `${proxy.id} on ${arch}: out of ${runtime.backend} memory at batch ${batch.shape[0]}; use a smaller --batch (32 fits NB201) or tfjs-node; values computed so far are cached`)
    }
    throw error
  }
}

async function loadBatch(spec: ProxyRunSpec, inputShape: readonly number[], outputShape: readonly number[]): Promise<ProxyBatch> {
  if (inputShape.length !== 4 || outputShape.length !== 2) {
    throw new EpsinasError('BAD_ARGUMENT', `the native proxies need an image network with [N, classes] logits (input [${inputShape.join(', ')}], output [${outputShape.join(', ')}])`)
  }
  const { shape, data } = await loadImageBatch(spec, inputShape, 'the native proxies')
  const classes = outputShape[1]
  return { shape, data, labels: seededLabels(shape[0], classes, spec.inputSeed), classes }
}

/** The minibatch of `spec` for a network whose input is `inputShape`, or BAD_ARGUMENT saying `who` needs an image network when it is not one. */
export async function loadImageBatch(spec: Pick<ProxyRunSpec, 'input' | 'dataset' | 'inputSeed'>, inputShape: readonly number[], who: string): Promise<{ shape: ImageBatchShape; data: Float32Array }> {
  if (inputShape.length !== 4) throw new EpsinasError('BAD_ARGUMENT', `${who} needs an image network (input [${inputShape.join(', ')}])`)
  const shape = inputShape as unknown as ImageBatchShape
  const minibatch = await minibatchSource(spec.input, spec.dataset).load(shape, spec.inputSeed)
  return { shape, data: minibatch.data }
}
