/**
 * The API contract between the renderer and the main process: one type map of request channels
 * that drives the IPC handlers, the preload bridge, the renderer client and the HTTP bridge.
 * Types and plain constants only: the renderer imports this file, so nothing environment-specific.
 */
import type { BackendId, DatasetId, EngineId, InputSource, NanReason, SpaceId, WeightPair } from './types.ts'
import type { SerializedError } from './errors.ts'

/** The backend one engine runs on in this install, and why. */
export interface EngineBackend {
  engine: EngineId
  /** e.g. `ts`, `tfjs-wasm`; `none` when nothing could be loaded. */
  backend: string
  reason: string
}

/** Facts about the running workbench, shown on the Settings/About page. */
export interface AppInfo {
  version: string
  engines: EngineId[]
  /** What `--backend auto` resolves to for the full-width engine (the TensorFlow.js probe). */
  backend: string
  /** Why that backend was picked (or why a faster one is unavailable), e.g. "tfjs-node-gpu not installed". */
  backendReason: string
  /** Backend of each engine; the collapsed engine (the default) always runs on `ts`. */
  engineBackends: EngineBackend[]
  /** Worker threads a job gets when it does not ask for a number. */
  workers: number
  dbPath: string
  dataDir: string
  /** Size of the score cache on disk (database, WAL and shared-memory files). */
  cacheBytes: number
}

/** One score configuration: everything but the architecture that changes a score. */
export interface ScoreConfigRequest {
  space: SpaceId
  dataset: DatasetId
  input: InputSource
  inputSeed: number
  batchSize: number
  weights: WeightPair
  engine: EngineId
  /** Backend of the full engine (part of its cache key); ignored for `collapsed`. Default `auto`. */
  backend?: BackendId
}

/** Which cached scores to list. */
export interface ScoresListRequest extends ScoreConfigRequest {
  /** At most this many rows (ordered by arch); the service picks a default when absent. */
  limit?: number
}

/** One cached score; `epsilon` is null exactly when the score is NaN, and `nanReason` says why. */
export interface ScoreListItem {
  arch: string
  epsilon: number | null
  nanReason: NanReason | null
}

/** A job's state as the user sees it: a `running` job whose process is gone is `interrupted`. */
export type JobStateView = 'queued' | 'running' | 'paused' | 'cancelled' | 'done' | 'failed' | 'interrupted'

/** The configuration a job scores under. */
export interface JobConfigView {
  space: SpaceId
  dataset: DatasetId
  input: InputSource
  inputSeed: number
  batchSize: number
  engine: EngineId
  backend: BackendId
  workers: number | null
  /** One pair for a score job, the grid for a sweep. */
  pairs: WeightPair[]
}

/** One job as listed. */
export interface JobView {
  id: string
  kind: 'score' | 'sweep'
  state: JobStateView
  total: number
  done: number
  nan: number
  failed: number
  error: string | null
  createdAt: string
  updatedAt: string
  config: JobConfigView
}

/** An architecture that failed under one weight pair. */
export interface JobFailureView {
  arch: string
  weights: WeightPair
  code: string
  message: string
}

/** Per-pair outcome of a sweep; `stats` holds the section-5 statistics when the sweep had accuracies. */
export interface SweepResultView {
  exponents: [number, number]
  weights: WeightPair
  n: number
  nan: number
  failed: number
  stats: Record<string, number | null> | null
}

/** One job in full. */
export interface JobDetails {
  job: JobView
  archCount: number
  failures: JobFailureView[]
  sweep: SweepResultView[]
}

/** Names one job. */
export interface JobIdRequest {
  id: string
}

/** Which architectures a job scores: a seeded sample, every one of the space, or a given list. */
export type ArchSelectionRequest =
  | { kind: 'sample'; limit: number; seed: number }
  | { kind: 'all' }
  | { kind: 'list'; archs: string[] }

/** Starts a scoring job in the background of the serving process. */
export interface StartScoreRequest extends ScoreConfigRequest {
  archs: ArchSelectionRequest
  /** Worker threads for this job; default: the service's worker count. */
  workers?: number
}

/** The job created by jobs:start-score. */
export interface StartScoreResponse {
  jobId: string
  total: number
}

/** Statistics the grid strategy can maximise. */
export type SelectionMetricId = 'spearman' | 'kendall' | 'spearman_top10' | 'kendall_top10' | 'top10_top10' | 'top64_top5'

/** Chooses the weight pair from a finished sweep job. */
export interface WeightsSelectRequest {
  jobId: string
  /** `grid`: widest pair under the NaN threshold (or best metric); `reference`: the paper's sliding window. */
  strategy: 'grid' | 'reference'
  /** Largest acceptable NaN fraction (exclusive), in (0, 1]; default 0.1. */
  nanThreshold?: number
  /** Grid strategy with accuracies only. */
  metric?: SelectionMetricId
  /** Bootstrap resamples for the stability figure; default 200, 0 for none. */
  bootstrap?: number
}

/** One weight pair as judged by a strategy. */
export interface PairVerdictView {
  exponents: [number, number]
  weights: WeightPair
  nanFraction: number
  metric: number | null
}

/** How often the choice survives resampling the architectures. */
export interface StabilityView {
  resamples: number
  sameChoice: number
  frequencies: Record<string, number>
}

/** The automatic choice with its explanation. */
export interface WeightsSelectResponse {
  strategy: 'grid' | 'reference'
  chosen: PairVerdictView | null
  runnerUp: PairVerdictView | null
  considered: PairVerdictView[]
  stability: StabilityView | null
  sampleSize: number
  nanThreshold: number
  metric: SelectionMetricId | null
  explanation: string
}

/** Every request channel with its request and response types. Adding a call starts here. */
export interface ApiContract {
  'app:info': { request: void; response: AppInfo }
  'scores:list': { request: ScoresListRequest; response: ScoreListItem[] }
  'jobs:list': { request: void; response: JobView[] }
  'jobs:get': { request: JobIdRequest; response: JobDetails }
  'jobs:start-score': { request: StartScoreRequest; response: StartScoreResponse }
  'jobs:pause': { request: JobIdRequest; response: JobView }
  'jobs:cancel': { request: JobIdRequest; response: JobView }
  'jobs:resume': { request: JobIdRequest; response: JobView }
  'weights:select': { request: WeightsSelectRequest; response: WeightsSelectResponse }
}

/** A request channel name. */
export type ApiChannel = keyof ApiContract

/** What a caller sends on a channel. */
export type ApiRequest<C extends ApiChannel> = ApiContract[C]['request']

/** What a channel answers on success. */
export type ApiResponse<C extends ApiChannel> = ApiContract[C]['response']

// A Record over ApiChannel must name every channel and no other, so the list below stays complete.
const CHANNEL_SET: Record<ApiChannel, true> = {
  'app:info': true,
  'scores:list': true,
  'jobs:list': true,
  'jobs:get': true,
  'jobs:start-score': true,
  'jobs:pause': true,
  'jobs:cancel': true,
  'jobs:resume': true,
  'weights:select': true,
}

/** Every request channel, for allow-lists at runtime. */
export const API_CHANNELS: readonly ApiChannel[] = Object.freeze(Object.keys(CHANNEL_SET) as ApiChannel[])

/** Narrows an untrusted value to a known request channel. */
export function isApiChannel(value: unknown): value is ApiChannel {
  return typeof value === 'string' && (API_CHANNELS as readonly string[]).includes(value)
}

/** What crosses the boundary: a value, or an error as data (never a raw Error, which loses its code). */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: SerializedError }

/** Progress of a long job, pushed from main to the renderer (and over the HTTP bridge's event stream). */
export interface ProgressEvent {
  jobId: string
  done: number
  total: number
  nan: number
  failed: number
  /** Items per second so far. */
  rate: number
  etaSeconds: number | null
  state: JobStateView
}

/** The event channel on which ProgressEvent is pushed (the SSE event name of the HTTP bridge too). */
export const PROGRESS_CHANNEL = 'jobs:progress'

/** Stops a subscription. */
export type Unsubscribe = () => void

/** What the preload exposes to the page as `window.epsinas`. */
export interface EpsinasBridge {
  /** Sends a request on a contract channel; errors come back as data in the result. */
  invoke<C extends ApiChannel>(channel: C, request: ApiRequest<C>): Promise<ApiResult<ApiResponse<C>>>
  /** Calls back on every progress event until the returned function is called. */
  onProgress(callback: (event: ProgressEvent) => void): Unsubscribe
}
