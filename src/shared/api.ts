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
  /** Every backend the workbench knows, whether it runs here and why (`epsinas doctor` prints the same list). */
  backends: BackendDiagnosis[]
  /** Whether this process has GPU workers (the desktop app's hidden WebGPU windows): jobs:start-gpu runs only then. */
  gpuWorkers: boolean
}

/** One backend in `epsinas doctor` / the Settings page (src/main/gpu/diagnose.ts). */
export interface BackendDiagnosis {
  /** e.g. `tfjs-wasm`, `tfjs-webgpu`, `webgpu (Dawn for Node)`. */
  id: string
  /** What it would serve: an engine, the desktop app's GPU workers, or an evaluated package. */
  role: string
  available: boolean
  /** Whether the workbench uses it now (what `--backend auto` picks, or the collapsed engine). */
  used: boolean
  reason: string
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

/** Starts a GPU job: full-width epsilon, and optionally native proxies, on the app's GPU workers (WebGPU). */
export interface StartGpuScoreRequest extends Omit<ScoreConfigRequest, 'engine' | 'backend'> {
  archs: ArchSelectionRequest
  /** Native proxy ids computed beside epsilon (default none). */
  proxies?: string[]
  /** Seed of the proxies' initialisation; default 0. */
  initSeed?: number
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
  /** A strategy id of WeightsSelectResponse.strategies (`grid`, `reference`, `plateau`, ...). */
  strategy: string
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

/** One weight-selection strategy, as the Weights page's picker lists it. */
export interface SelectionStrategyView {
  id: string
  /** One line. */
  description: string
  /** True when the choice reads no accuracies. */
  labelFree: boolean
}

/** How well one pair ranks the sweep's labelled archs (the evaluation harness, issue 13). */
export interface PairQualityView {
  exponents: [number, number]
  weights: WeightPair
  /** Fraction of the labelled archs with a score. */
  coverage: number
  /** Over the non-NaN archs; null when undefined. */
  spearman: number | null
  kendall: number | null
}

/** One strategy run on the labelled archs without seeing the accuracies, and judged by them. */
export interface StrategyEvaluationView {
  strategy: string
  /** Null when it chose no pair or cannot read this sweep (then `evidence` says why). */
  chosen: PairQualityView | null
  /** The grid's best Spearman minus the chosen pair's. */
  regret: number | null
  evidence: string | null
}

/** Every strategy judged against the sweep's accuracies. */
export interface WeightsEvaluationView {
  /** When the harness ran (ISO time): the evaluation is stored with the sweep and served again while nothing it read changed. */
  evaluatedAt: string
  /** True when served from the store, false when this request ran the harness. */
  stored: boolean
  /** The accuracies file the sweep names, judged against. */
  accuracies: string
  /** Labelled archs judged on. */
  archs: number
  /** The pair of the grid with the best Spearman (an oracle, for the regret). */
  best: PairQualityView | null
  strategies: StrategyEvaluationView[]
}

/** The automatic choice with its explanation. */
export interface WeightsSelectResponse {
  strategy: string
  chosen: PairVerdictView | null
  runnerUp: PairVerdictView | null
  considered: PairVerdictView[]
  stability: StabilityView | null
  sampleSize: number
  nanThreshold: number
  metric: SelectionMetricId | null
  explanation: string
  /** Why this pair, one sentence; null when no pair was chosen. */
  evidence: string | null
  /** Label-free, from the scores only: one line when the pair's ranking may be poor (it ranks unlike the largest group of pairs that rank alike). */
  warning: string | null
  /** Every strategy the request may name, for the picker. */
  strategies: SelectionStrategyView[]
  /** Present when the sweep has accuracies: every strategy's pair judged against them. */
  evaluation: WeightsEvaluationView | null
}

// ---------------------------------------------------------------------------------------------
// Benchmarks (the data manager's catalogue items)

/** Where an item stands on this machine (the data manager's states). */
export type BenchmarkState = 'missing' | 'downloading' | 'partial' | 'corrupt' | 'needs-conversion' | 'ready'

/** What installing an item makes available. */
export interface BenchmarkProvisionView {
  kind: string
  space: string | null
  datasets: string[]
  detail: string
}

/** One catalogue item with its status, as the Benchmarks page lists it. */
export interface BenchmarkItemView {
  id: string
  title: string
  provides: BenchmarkProvisionView[]
  /** Sum of the catalogue's file sizes; an estimate unless `sizeExact`. */
  sizeBytes: number
  sizeExact: boolean
  licence: { name: string; url: string | null; terms: string }
  files: Array<{ name: string; state: string; bytes: number; expected: number }>
  state: BenchmarkState
  bytesPresent: number
  problem: string | null
  /** Whether `benchmarks:convert` can turn this item into database tables in this version. */
  convertible: boolean
  conversionNeeded: boolean
  /** The task this process runs on the item now, if any. */
  task: BenchmarkTaskView | null
}

/** A background download or conversion of one item. */
export interface BenchmarkTaskView {
  action: 'download' | 'convert'
  phase: 'download' | 'verify' | 'convert'
  file: string | null
  bytesDone: number
  bytesTotal: number
  rate: number
  etaSeconds: number | null
}

/** Names one catalogue item. */
export interface BenchmarkIdRequest {
  id: string
}

/** Starts (or resumes) a download; `mirror` starts with URL number N of each file. */
export interface BenchmarkDownloadRequest extends BenchmarkIdRequest {
  mirror?: number
}

/** Installs files the user already has, from a file or a folder on the serving machine. */
export interface BenchmarkImportRequest extends BenchmarkIdRequest {
  path: string
}

/** The outcome of a synchronous action on an item, with its status after. */
export interface BenchmarkActionResponse {
  item: BenchmarkItemView
  /** One line for people: what was done. */
  message: string
  /** Per-file details (verify) or imported files (import). */
  details: string[]
}

/** Progress or end of a background task on an item, pushed like job progress. */
export interface BenchmarkProgressEvent {
  id: string
  state: 'running' | 'done' | 'failed' | 'cancelled'
  task: BenchmarkTaskView
  /** The error or the outcome, for people; null while running. */
  message: string | null
}

/** The event channel of BenchmarkProgressEvent (also the SSE event name). */
export const BENCHMARK_PROGRESS_CHANNEL = 'benchmarks:progress'

// ---------------------------------------------------------------------------------------------
// Sweeps

/** Starts a weight-ablation sweep: every pair (10^a, 10^b), a < b, of the exponent grid. */
export interface StartSweepRequest extends Omit<ScoreConfigRequest, 'weights'> {
  exponents: number[]
  archs: ArchSelectionRequest
  workers?: number
  /** Compute the section-5 statistics per pair against the installed accuracies (NB201 only). */
  withAccuracies?: boolean
}

/** A sweep job with its per-pair results. */
export interface SweepSummaryView {
  job: JobView
  exponents: number[]
  results: SweepResultView[]
  /** Whether the sweep has accuracies, so statistics per pair. */
  hasAccuracies: boolean
}

// ---------------------------------------------------------------------------------------------
// Compare

/** Which scores to compare: one score configuration, against the installed accuracies. */
export interface CompareRequest extends ScoreConfigRequest {
  /** How many best architectures the top-k overlap compares; default 10% of n. */
  topK?: number
}

/** One scored architecture with what is known about it. */
export interface ComparePoint {
  arch: string
  epsilon: number | null
  accuracy: number | null
  /** Parameters in millions (Suite-Zero `params`, else the benchmark's cost table, else counted from the network; `paramsSource` says which), null when unknown. */
  params: number | null
}

/** The statistics of metric.md section 5; sent as JSON, so undefined values are null, never NaN. */
export interface EpsilonStatsView {
  /** Architectures used: score and accuracy both finite. */
  n: number
  /** Architectures dropped because the score or the accuracy is null, NaN or infinite. */
  nan: number
  spearman: number | null
  kendall: number | null
  /** Spearman rho within the architectures above the 90th percentile of accuracy. */
  spearman_top10: number | null
  /** Kendall tau-b within the architectures above the 90th percentile of accuracy. */
  kendall_top10: number | null
  /** % of architectures above the 90th score percentile that are above the 90th accuracy percentile. */
  top10_top10: number | null
  /** How many of the >= 64 best-scored architectures beat the 95th accuracy percentile; null if n <= 64. */
  top64_top5: number | null
}

/** Percentile-bootstrap intervals of Spearman and Kendall tau-b (resampling architectures); null where the statistic is undefined. */
export interface CorrelationIntervalsView {
  /** Coverage, e.g. 0.95. */
  level: number
  resamples: number
  /** Seed of the draws: the same seed and data give the same interval. */
  seed: number
  spearman: [number, number] | null
  kendall: [number, number] | null
}

/** The section-5 statistics of one proxy against the accuracies, plus the top-k overlap. */
export interface ProxyStatsView extends EpsilonStatsView {
  proxy: string
  /** Architectures among the k best by the proxy that are among the k best by accuracy. */
  topKOverlap: number | null
  /** Bootstrap intervals of `spearman` and `kendall`. */
  intervals: CorrelationIntervalsView
}

/** Where a proxy's values come from: published by NAS-Bench-Suite-Zero, or computed here by `epsinas proxies`. */
export type ProxySource = 'suite-zero' | 'native'

/** Everything the Compare page shows. */
export interface CompareResponse {
  points: ComparePoint[]
  /**
   * Other proxies' scores aligned with `points` (null: NaN or not scored by that proxy), from both
   * sources: `name` is unique (`synflow` published, `native:synflow` computed by epsinas proxies),
   * `description` says where the values come from (the native key in full).
   */
  proxies: Array<{ name: string; source: ProxySource; description: string; scores: Array<number | null> }>
  /** Each proxy (epsilon first) on its own coverage: the archs where it and the accuracy are finite. */
  stats: ProxyStatsView[]
  /**
   * Like for like: every proxy on the SAME archs, those where epsilon, the accuracy and every
   * proxy are finite (`n` of each row); empty when no accuracies are installed.
   */
  commonStats: ProxyStatsView[]
  topK: number
  /** Where the accuracies come from, e.g. "NAS-Bench-201 (NATS) cifar10 test accuracy", or null. */
  accuracySource: string | null
  /** Where the points' parameter counts come from, with how many each source gave, e.g. "NAS-Bench-Suite-Zero params (720), counted from each network (5)"; null when none has one. */
  paramsSource: string | null
  /** What is missing, for people, e.g. "install NAS-Bench-201 accuracies to compare against accuracy". */
  missing: string[]
}

// ---------------------------------------------------------------------------------------------
// Studies

/** A search study (docs/search.md): random search and ageing evolution simulated over the installed accuracies. */
export interface SearchStudyRequest {
  space: SpaceId
  dataset: DatasetId
  algorithms: Array<'random' | 'evolution'>
  /** Warm-up guides, one variant each: 'none', 'epsilon' or an installed Suite-Zero proxy. */
  warmups: string[]
  /** Guides picking evolution's parents ("move"), one variant each. */
  moves: string[]
  /** Trained models per run. */
  budget: number
  repeats: number
  seed: number
  /** Warm-up pool (capped at the archs installed). */
  pool: number
  /** Random search: first trained models taken from the warm-up pool. */
  warmupSteps: number
  /** The cached scores a guide named epsilon reads (a score run's configuration, same space and dataset). */
  epsilon?: ScoreConfigRequest
}

/** Median and quartiles over the repeats. */
export interface QuartilesView {
  median: number
  q25: number
  q75: number
}

/** One variant's best-so-far curve (one value per trained model) and final best accuracy. */
export interface SearchVariantView {
  name: string
  algorithm: 'random' | 'evolution'
  warmup: string
  move: string
  curve: { median: number[]; q25: number[]; q75: number[] }
  final: QuartilesView
}

/** A study's result. */
export interface SearchStudyResponse {
  /** Archs with installed accuracies: the space of the simulation. */
  archs: number
  /** The accuracy the curves report, and the one parents are chosen by. */
  reported: string
  selection: string
  pool: number
  /** NaN or unscored guides, a capped pool. */
  notes: string[]
  variants: SearchVariantView[]
}

/** The statistics of a study row (metric.md section 5), as `epsinas study` prints them. */
export type StudyStatKey = 'spearman' | 'spearman_top10' | 'kendall' | 'kendall_top10' | 'top10_top10' | 'top64_top5'

/** One row of a stored `epsinas study` table: ours (medians over its cells) beside the paper's. */
export interface StoredStudyRowView {
  key: string
  label: string
  /** Cells scored; 0 for a row that could not be computed here (`unavailable` says why). */
  cells: number
  n: number | null
  nan: number | null
  stats: Record<StudyStatKey, number | null>
  /** With several cells (batch repeats): [q25, q75] of Spearman and Kendall. */
  quartiles: { spearman: [number, number] | null; kendall: [number, number] | null } | null
  paper: ({ archs: number | null } & Record<StudyStatKey, number>) | null
  unavailable?: string
}

/** A finished `epsinas study` (weights, batch, inputs, init, embedding), as stored for the Studies page. */
export interface StoredStudyView {
  id: string
  study: string
  space: SpaceId
  dataset: DatasetId
  /** ISO time it was stored. */
  savedAt: string
  /** Where the accuracies came from, one line. */
  accuracies: string
  sample: { size: number; candidates: number; seed: number }
  /** What stays fixed across the rows, one line. */
  config: string
  paper: { table: string; caption: string } | null
  rows: StoredStudyRowView[]
  notes: string[]
}

// ---------------------------------------------------------------------------------------------
// Search spaces

/** One registered search space (built-in or added by the user), as the pickers offer it. */
export interface SpaceView {
  id: SpaceId
  title: string
  /** Datasets the space is defined on; the first is the default. */
  datasets: DatasetId[]
  /** The weight pair used when none is chosen. */
  defaultWeights: WeightPair
  /** Number of architectures; null when the space is unbounded. */
  size: number | null
  /** 'onnx': imported by the user (epsinas space import, the Spaces page); removable. */
  kind: 'built-in' | 'onnx'
  /** [channels, height, width] of an input image on the first dataset; null for text spaces. */
  inputShape: [number, number, number] | null
  /** The folder or file an imported space was copied from; null for built-in spaces. */
  source: string | null
  /** ISO 8601 time of the import; null for built-in spaces. */
  importedAt: string | null
  /** What the importer warned about (e.g. BatchNorm folded into the convolutions), each naming its architecture. */
  warnings: string[]
}

/** Imports a folder of .onnx files (or one file) on the machine running the workbench as a user space. */
export interface SpaceImportRequest {
  /** The space id: a lower-case word of letters, digits and '-'; importing an existing name replaces it. */
  name: string
  /** Absolute path of a folder of .onnx files or of one .onnx file. */
  path: string
  /** Accept models whose BatchNormalization was folded into the convolutions (scored as exported, with a warning). */
  allowFoldedBn?: boolean
}

/** Names one search space. */
export interface SpaceNameRequest {
  name: string
}

/** One architecture of an imported space: its id (the file stem) and stored file. */
export interface SpaceArchView {
  id: string
  sha256: string
  bytes: number
}

/** A space with its architectures (none listed for built-in spaces). */
export interface SpaceDetails {
  space: SpaceView
  archs: SpaceArchView[]
}

// ---------------------------------------------------------------------------------------------
// Settings

/** What clearing the score cache removed. */
export interface CacheClearResponse {
  scores: number
  jobs: number
  bytesBefore: number
  bytesAfter: number
}

/** Every request channel with its request and response types. Adding a call starts here. */
export interface ApiContract {
  'app:info': { request: void; response: AppInfo }
  'scores:list': { request: ScoresListRequest; response: ScoreListItem[] }
  'jobs:list': { request: void; response: JobView[] }
  'jobs:get': { request: JobIdRequest; response: JobDetails }
  'jobs:start-score': { request: StartScoreRequest; response: StartScoreResponse }
  'jobs:start-gpu': { request: StartGpuScoreRequest; response: StartScoreResponse }
  'jobs:pause': { request: JobIdRequest; response: JobView }
  'jobs:cancel': { request: JobIdRequest; response: JobView }
  'jobs:resume': { request: JobIdRequest; response: JobView }
  'weights:select': { request: WeightsSelectRequest; response: WeightsSelectResponse }
  'benchmarks:list': { request: void; response: BenchmarkItemView[] }
  'benchmarks:download': { request: BenchmarkDownloadRequest; response: BenchmarkItemView }
  'benchmarks:cancel': { request: BenchmarkIdRequest; response: BenchmarkItemView }
  'benchmarks:import': { request: BenchmarkImportRequest; response: BenchmarkActionResponse }
  'benchmarks:verify': { request: BenchmarkIdRequest; response: BenchmarkActionResponse }
  'benchmarks:remove': { request: BenchmarkIdRequest; response: BenchmarkActionResponse }
  'benchmarks:convert': { request: BenchmarkIdRequest; response: BenchmarkItemView }
  'sweeps:start': { request: StartSweepRequest; response: StartScoreResponse }
  'sweeps:list': { request: void; response: SweepSummaryView[] }
  'compare:get': { request: CompareRequest; response: CompareResponse }
  'cache:clear': { request: void; response: CacheClearResponse }
  'spaces:list': { request: void; response: SpaceView[] }
  'spaces:import': { request: SpaceImportRequest; response: SpaceView }
  'spaces:remove': { request: SpaceNameRequest; response: void }
  'spaces:show': { request: SpaceNameRequest; response: SpaceDetails }
  'studies:search': { request: SearchStudyRequest; response: SearchStudyResponse }
  'studies:list': { request: void; response: StoredStudyView[] }
}

/** A request channel name. */
export type ApiChannel = keyof ApiContract

/** What a caller sends on a channel. */
export type ApiRequest<C extends ApiChannel> = ApiContract[C]['request']

/** What a channel answers on success. */
export type ApiResponse<C extends ApiChannel> = ApiContract[C]['response']

/**
 * The preload's function name for each channel. A Record over ApiChannel must name every channel
 * and no other, so the list stays complete; the channel list below derives from it.
 */
export const API_METHODS = {
  'app:info': 'appInfo',
  'scores:list': 'listScores',
  'jobs:list': 'listJobs',
  'jobs:get': 'getJob',
  'jobs:start-score': 'startScore',
  'jobs:start-gpu': 'startGpuScore',
  'jobs:pause': 'pauseJob',
  'jobs:cancel': 'cancelJob',
  'jobs:resume': 'resumeJob',
  'weights:select': 'selectWeights',
  'benchmarks:list': 'listBenchmarks',
  'benchmarks:download': 'downloadBenchmark',
  'benchmarks:cancel': 'cancelBenchmark',
  'benchmarks:import': 'importBenchmark',
  'benchmarks:verify': 'verifyBenchmark',
  'benchmarks:remove': 'removeBenchmark',
  'benchmarks:convert': 'convertBenchmark',
  'sweeps:start': 'startSweep',
  'sweeps:list': 'listSweeps',
  'compare:get': 'compare',
  'cache:clear': 'clearCache',
  'spaces:list': 'listSpaces',
  'spaces:import': 'importSpace',
  'spaces:remove': 'removeSpace',
  'spaces:show': 'showSpace',
  'studies:search': 'runSearchStudy',
  'studies:list': 'listStudies',
} as const satisfies Record<ApiChannel, string>

/** The preload function name of a channel. */
export type ApiMethodName<C extends ApiChannel> = (typeof API_METHODS)[C]

/** Every request channel, for allow-lists at runtime. */
export const API_CHANNELS: readonly ApiChannel[] = Object.freeze(Object.keys(API_METHODS) as ApiChannel[])

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
export const PROGRESS_CHANNEL = 'jobs:progress' as const

/** Stops a subscription. */
export type Unsubscribe = () => void

/** One named function per request channel: errors come back as data in the result. */
export type EpsinasMethods = {
  [C in ApiChannel as ApiMethodName<C>]: (request: ApiRequest<C>) => Promise<ApiResult<ApiResponse<C>>>
}

/** The push events and their payloads. */
export interface ApiEvents {
  'jobs:progress': ProgressEvent
  'benchmarks:progress': BenchmarkProgressEvent
}

/** An event channel name. */
export type ApiEventChannel = keyof ApiEvents

/** Every event channel, for allow-lists at runtime. */
export const API_EVENT_CHANNELS: readonly ApiEventChannel[] = Object.freeze([PROGRESS_CHANNEL, BENCHMARK_PROGRESS_CHANNEL] as const)

/** What the preload exposes to the page as `window.epsinas`: exactly the contract, nothing generic. */
export interface EpsinasBridge extends EpsinasMethods {
  /** Calls back on every job progress event until the returned function is called. */
  onProgress(callback: (event: ProgressEvent) => void): Unsubscribe
  /** Calls back on every benchmark download/conversion event until the returned function is called. */
  onBenchmarkProgress(callback: (event: BenchmarkProgressEvent) => void): Unsubscribe
}
