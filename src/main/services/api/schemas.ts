/**
 * The runtime schema of every channel of the shared contract: checks an untrusted request (from the
 * renderer or the HTTP bridge) and returns it typed, or the list of what is wrong with it.
 */
import type {
  ApiChannel,
  ApiRequest,
  ArchSelectionRequest,
  BenchmarkDownloadRequest,
  BenchmarkIdRequest,
  BenchmarkImportRequest,
  CompareRequest,
  JobIdRequest,
  ScoreConfigRequest,
  SpaceImportRequest,
  SpaceNameRequest,
  ScoresListRequest,
  SearchStudyRequest,
  SelectionMetricId,
  StartGpuScoreRequest,
  StartScoreRequest,
  StartSweepRequest,
  WeightsSelectRequest,
} from '../../../shared/api.ts'
import { getSpace, isSpaceId, spaceIds } from '../../core/spaces/registry.ts'
import { strategyIds } from '../../core/weights/strategies/index.ts'
import { DATASETS, type BackendId, type DatasetId, type EngineId, type InputSource, type WeightPair } from '../../../shared/types.ts'
import { Checker, join, type Checked } from './check.ts'
import { weightPairProblem } from '../score-parameters.ts'

/** Largest `limit` a caller may ask for in one page of scores. */
export const MAX_SCORES_LIMIT = 100_000
/** Most architectures one job may list explicitly. */
export const MAX_LISTED_ARCHS = 100_000

const DATASET_IDS = Object.keys(DATASETS) as DatasetId[]
const INPUTS: readonly InputSource[] = ['grey', 'normal', 'uniform', 'uniform-pos', 'real']
const ENGINES: readonly EngineId[] = ['collapsed', 'full']
const BACKENDS: readonly BackendId[] = ['auto', 'ts', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-node', 'tfjs-node-gpu']
// Scores a GPU job stored (jobs:start-gpu) can be read back; only that channel computes them.
const STORED_BACKENDS: readonly BackendId[] = [...BACKENDS, 'tfjs-webgpu']
const METRICS: readonly SelectionMetricId[] = ['spearman', 'kendall', 'spearman_top10', 'kendall_top10', 'top10_top10', 'top64_top5']
const JOB_ID = /^[A-Za-z0-9_-]+$/
// Catalogue ids are path components: the catalogue's own alphabet.
const ITEM_ID = /^[a-z0-9][a-z0-9-]*$/
// The registry's alphabet of space ids (core/spaces/registry.ts).
const SPACE_NAME = /^[a-z][a-z0-9-]*$/
// A guide: none, epsilon or a Suite-Zero proxy name (synflow, grad_norm, epe_nas...).
const GUIDE_NAME = /^[A-Za-z0-9_-]+$/
const CONFIG_FIELDS = ['space', 'dataset', 'input', 'inputSeed', 'batchSize', 'weights', 'engine', 'backend'] as const

/** Checks one channel's untrusted request. */
export type Schema<C extends ApiChannel> = (raw: unknown) => Checked<ApiRequest<C>>

/** One schema per channel; a Record over ApiChannel, so a new channel without a schema does not compile. */
export const SCHEMAS: { [C in ApiChannel]: Schema<C> } = {
  'app:info': nothing,
  'scores:list': scoresList,
  'jobs:list': nothing,
  'jobs:get': jobId,
  'jobs:start-score': startScore,
  'jobs:start-gpu': startGpuScore,
  'jobs:pause': jobId,
  'jobs:cancel': jobId,
  'jobs:resume': jobId,
  'weights:select': weightsSelect,
  'benchmarks:list': nothing,
  'benchmarks:download': benchmarkDownload,
  'benchmarks:cancel': benchmarkId,
  'benchmarks:import': benchmarkImport,
  'benchmarks:verify': benchmarkId,
  'benchmarks:remove': benchmarkId,
  'benchmarks:convert': benchmarkId,
  'sweeps:start': startSweep,
  'sweeps:list': nothing,
  'compare:get': compare,
  'cache:clear': nothing,
  'spaces:list': nothing,
  'spaces:import': spaceImport,
  'spaces:remove': spaceName,
  'spaces:show': spaceName,
  'studies:search': searchStudy,
  'studies:list': nothing,
}

/** Channels without arguments accept nothing, null or an empty object (what an HTTP client sends). */
function nothing(raw: unknown): Checked<void> {
  const c = new Checker()
  const empty = raw === undefined || raw === null || (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0)
  if (!empty) c.fail('', 'this channel takes no request; send nothing or {}')
  return c.result(undefined)
}

function scoreConfig(c: Checker, o: Record<string, unknown>, backends: readonly BackendId[] = BACKENDS): ScoreConfigRequest {
  // The registry's spaces at the time of the request, so a space registered later is accepted too.
  const space = c.oneOf(o.space, 'space', spaceIds())
  const dataset = c.oneOf(o.dataset, 'dataset', DATASET_IDS)
  if (isSpaceId(space) && DATASET_IDS.includes(dataset) && !getSpace(space).datasets.includes(dataset)) {
    c.fail('dataset', `${JSON.stringify(dataset)} is not defined for ${space} (use ${getSpace(space).datasets.join(', ')})`)
  }
  const config: ScoreConfigRequest = {
    space,
    dataset,
    input: c.oneOf(o.input, 'input', INPUTS),
    inputSeed: c.integer(o.inputSeed, 'inputSeed', 0, Number.MAX_SAFE_INTEGER),
    batchSize: c.integer(o.batchSize, 'batchSize', 2, 4096),
    weights: weightPair(c, o.weights, 'weights'),
    engine: c.oneOf(o.engine, 'engine', ENGINES),
  }
  if (o.backend !== undefined) config.backend = c.oneOf(o.backend, 'backend', backends)
  return config
}

/** The grammar of weightPairProblem, the same as for --weights on the command line. */
function weightPair(c: Checker, raw: unknown, path: string): WeightPair {
  const [low, high] = c.array(raw, path, 2, 2, (value, at) => c.number(value, at))
  const problem = weightPairProblem([low, high])
  // A list with bad items already has its issues; the pair rule would repeat them.
  if (Number.isFinite(low) && Number.isFinite(high) && problem !== null) c.fail(path, problem)
  return [low, high]
}

function scoresList(raw: unknown): Checked<ScoresListRequest> {
  const c = new Checker()
  const o = c.object(raw, '', [...CONFIG_FIELDS, 'limit'])
  if (!o) return c.result(raw as ScoresListRequest)
  const request: ScoresListRequest = scoreConfig(c, o, STORED_BACKENDS)
  if (o.limit !== undefined) request.limit = c.integer(o.limit, 'limit', 1, MAX_SCORES_LIMIT)
  return c.result(request)
}

function jobId(raw: unknown): Checked<JobIdRequest> {
  const c = new Checker()
  const o = c.object(raw, '', ['id'])
  if (!o) return c.result(raw as JobIdRequest)
  return c.result({ id: c.string(o.id, 'id', 64, JOB_ID) })
}

function startScore(raw: unknown): Checked<StartScoreRequest> {
  const c = new Checker()
  const o = c.object(raw, '', [...CONFIG_FIELDS, 'archs', 'workers'])
  if (!o) return c.result(raw as StartScoreRequest)
  const request: StartScoreRequest = { ...scoreConfig(c, o), archs: archSelection(c, o.archs, 'archs') }
  if (o.workers !== undefined) request.workers = c.integer(o.workers, 'workers', 1, 256)
  return c.result(request)
}

/** A GPU job always runs the full-width engine on tfjs-webgpu: no engine or backend field. */
function startGpuScore(raw: unknown): Checked<StartGpuScoreRequest> {
  const c = new Checker()
  const o = c.object(raw, '', ['space', 'dataset', 'input', 'inputSeed', 'batchSize', 'weights', 'archs', 'proxies', 'initSeed'])
  if (!o) return c.result(raw as StartGpuScoreRequest)
  const { space, dataset, input, inputSeed, batchSize, weights } = scoreConfig(c, { ...o, engine: 'full' })
  const request: StartGpuScoreRequest = { space, dataset, input, inputSeed, batchSize, weights, archs: archSelection(c, o.archs, 'archs') }
  if (o.proxies !== undefined) request.proxies = c.array(o.proxies, 'proxies', 0, 32, (value, at) => c.string(value, at, 64))
  if (o.initSeed !== undefined) request.initSeed = c.integer(o.initSeed, 'initSeed', 0, Number.MAX_SAFE_INTEGER)
  return c.result(request)
}

function archSelection(c: Checker, raw: unknown, path: string): ArchSelectionRequest {
  const kind = c.object(raw, path, ['kind', 'limit', 'seed', 'archs'])?.kind
  const o = raw as Record<string, unknown>
  switch (kind) {
    case 'sample':
      c.object(raw, path, ['kind', 'limit', 'seed'])
      return { kind, limit: c.integer(o.limit, join(path, 'limit'), 1, 1_000_000), seed: c.integer(o.seed, join(path, 'seed'), 0, Number.MAX_SAFE_INTEGER) }
    case 'all':
      c.object(raw, path, ['kind'])
      return { kind }
    case 'list':
      c.object(raw, path, ['kind', 'archs'])
      return { kind, archs: c.array(o.archs, join(path, 'archs'), 1, MAX_LISTED_ARCHS, (value, at) => c.string(value, at, 2000)) }
    default:
      if (typeof raw === 'object' && raw !== null) c.oneOf(kind, join(path, 'kind'), ['sample', 'all', 'list'])
      return raw as ArchSelectionRequest
  }
}

function weightsSelect(raw: unknown): Checked<WeightsSelectRequest> {
  const c = new Checker()
  const o = c.object(raw, '', ['jobId', 'strategy', 'nanThreshold', 'metric', 'bootstrap'])
  if (!o) return c.result(raw as WeightsSelectRequest)
  const request: WeightsSelectRequest = { jobId: c.string(o.jobId, 'jobId', 64, JOB_ID), strategy: c.oneOf(o.strategy, 'strategy', strategyIds()) }
  if (o.nanThreshold !== undefined) request.nanThreshold = c.number(o.nanThreshold, 'nanThreshold', { above: 0, atMost: 1 })
  if (o.metric !== undefined) request.metric = c.oneOf(o.metric, 'metric', METRICS)
  if (o.bootstrap !== undefined) request.bootstrap = c.integer(o.bootstrap, 'bootstrap', 0, 10_000)
  if (request.metric !== undefined && request.strategy !== 'grid') c.fail('metric', 'is only used by the grid strategy')
  return c.result(request)
}

function benchmarkId(raw: unknown): Checked<BenchmarkIdRequest> {
  const c = new Checker()
  const o = c.object(raw, '', ['id'])
  if (!o) return c.result(raw as BenchmarkIdRequest)
  return c.result({ id: c.string(o.id, 'id', 100, ITEM_ID) })
}

function benchmarkDownload(raw: unknown): Checked<BenchmarkDownloadRequest> {
  const c = new Checker()
  const o = c.object(raw, '', ['id', 'mirror'])
  if (!o) return c.result(raw as BenchmarkDownloadRequest)
  const request: BenchmarkDownloadRequest = { id: c.string(o.id, 'id', 100, ITEM_ID) }
  if (o.mirror !== undefined) request.mirror = c.integer(o.mirror, 'mirror', 0, 100)
  return c.result(request)
}

function benchmarkImport(raw: unknown): Checked<BenchmarkImportRequest> {
  const c = new Checker()
  const o = c.object(raw, '', ['id', 'path'])
  if (!o) return c.result(raw as BenchmarkImportRequest)
  return c.result({ id: c.string(o.id, 'id', 100, ITEM_ID), path: absolutePath(c, o.path) })
}

/** A path on the serving machine; relative ones would depend on where the server was started. */
function absolutePath(c: Checker, raw: unknown): string {
  const path = c.string(raw, 'path', 4096)
  if (typeof path === 'string' && !(path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path))) c.fail('path', 'must be an absolute path on the machine running the workbench')
  return path
}

function startSweep(raw: unknown): Checked<StartSweepRequest> {
  const c = new Checker()
  const fields = CONFIG_FIELDS.filter((f) => f !== 'weights')
  const o = c.object(raw, '', [...fields, 'exponents', 'archs', 'workers', 'withAccuracies'])
  if (!o) return c.result(raw as StartSweepRequest)
  // scoreConfig checks weights too; a sweep has none, so give it a valid placeholder and drop it.
  const { weights: _unused, ...config } = scoreConfig(c, { ...o, weights: [1, 2] })
  const request: StartSweepRequest = {
    ...config,
    exponents: c.array(o.exponents, 'exponents', 2, 40, (value, at) => c.integer(value, at, -30, 30)),
    archs: archSelection(c, o.archs, 'archs'),
  }
  if (o.workers !== undefined) request.workers = c.integer(o.workers, 'workers', 1, 256)
  if (o.withAccuracies !== undefined) {
    if (typeof o.withAccuracies !== 'boolean') c.fail('withAccuracies', 'must be true or false')
    request.withAccuracies = o.withAccuracies === true
  }
  return c.result(request)
}

function compare(raw: unknown): Checked<CompareRequest> {
  const c = new Checker()
  const o = c.object(raw, '', [...CONFIG_FIELDS, 'topK'])
  if (!o) return c.result(raw as CompareRequest)
  const request: CompareRequest = scoreConfig(c, o)
  if (o.topK !== undefined) request.topK = c.integer(o.topK, 'topK', 1, 100_000)
  return c.result(request)
}

/** A space name as the registry writes ids; what it names is checked by the handler (unknown, built-in). */
function spaceNameField(c: Checker, raw: unknown): string {
  return c.string(raw, 'name', 32, SPACE_NAME)
}

function spaceImport(raw: unknown): Checked<SpaceImportRequest> {
  const c = new Checker()
  const o = c.object(raw, '', ['name', 'path', 'allowFoldedBn'])
  if (!o) return c.result(raw as SpaceImportRequest)
  const request: SpaceImportRequest = { name: spaceNameField(c, o.name), path: absolutePath(c, o.path) }
  if (o.allowFoldedBn !== undefined) {
    if (typeof o.allowFoldedBn !== 'boolean') c.fail('allowFoldedBn', 'must be true or false')
    request.allowFoldedBn = o.allowFoldedBn === true
  }
  return c.result(request)
}

function spaceName(raw: unknown): Checked<SpaceNameRequest> {
  const c = new Checker()
  const o = c.object(raw, '', ['name'])
  if (!o) return c.result(raw as SpaceNameRequest)
  return c.result({ name: spaceNameField(c, o.name) })
}

function searchStudy(raw: unknown): Checked<SearchStudyRequest> {
  const c = new Checker()
  const o = c.object(raw, '', ['space', 'dataset', 'algorithms', 'warmups', 'moves', 'budget', 'repeats', 'seed', 'pool', 'warmupSteps', 'epsilon'])
  if (!o) return c.result(raw as SearchStudyRequest)
  const guides = (value: unknown, path: string): string[] => c.array(value, path, 1, 20, (item, at) => c.string(item, at, 64, GUIDE_NAME))
  const request: SearchStudyRequest = {
    space: c.oneOf(o.space, 'space', spaceIds()),
    dataset: c.oneOf(o.dataset, 'dataset', DATASET_IDS),
    algorithms: c.array(o.algorithms, 'algorithms', 1, 2, (item, at) => c.oneOf(item, at, ['random', 'evolution'] as const)),
    warmups: guides(o.warmups, 'warmups'),
    moves: guides(o.moves, 'moves'),
    budget: c.integer(o.budget, 'budget', 1, 100_000),
    repeats: c.integer(o.repeats, 'repeats', 1, 10_000),
    seed: c.integer(o.seed, 'seed', 0, Number.MAX_SAFE_INTEGER),
    pool: c.integer(o.pool, 'pool', 1, 10_000_000),
    warmupSteps: c.integer(o.warmupSteps, 'warmupSteps', 1, 100_000),
  }
  // The simulation runs in the main process: bound the trained models of one variant.
  if (request.budget * request.repeats > 10_000_000) c.fail('repeats', `budget x repeats must be at most 10,000,000 (got ${request.budget * request.repeats})`)
  if (o.epsilon !== undefined) {
    const epsilon = c.object(o.epsilon, 'epsilon', [...CONFIG_FIELDS])
    if (epsilon) request.epsilon = scoreConfig(c, epsilon)
  }
  return c.result(request)
}
