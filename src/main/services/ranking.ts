/**
 * The label-free signals of the full-coverage ranking (docs/ranking.md) for a job's archs: epsilon,
 * the parameter count, and the proxies of the chosen set: installed NAS-Bench-Suite-Zero ones, or
 * native ones from `epsinas proxies` (services/proxy-columns.ts says how a name picks its source).
 */
import { droppedSignalNote, signalsAgreeingWithEpsilon } from '../core/ranking/agreeing-signals.ts'
import { EPSILON_SIGNAL, rankEveryArch, type FullCoverageRanking, type RankSignal } from '../core/ranking/full-coverage.ts'
import { SUITE_ZERO_ACCURACY } from '../benchmarks/installed-accuracies.ts'
import type { BenchmarkStore } from '../store/benchmarks.ts'
import type { DatasetId, SpaceId } from '../../shared/types.ts'
import { EpsinasError, quoteInput } from '../../shared/errors.ts'
import { archParameterCountsNow } from './arch-parameters.ts'
import { availableProxies, proxyColumns, proxyNames, resolveProxyName } from './proxy-columns.ts'

/**
 * The proxies that join epsilon and the parameter count by default: the best small set of
 * Suite-Zero's proxies next to them on NB201 CIFAR-10 (chosen there only; docs/ranking.md).
 */
export const DEFAULT_RANK_PROXIES: readonly string[] = Object.freeze(['synflow', 'jacov'])

/** The signal name of the parameter count. */
export const PARAMETERS_SIGNAL = 'parameters'

/**
 * What `--rank-with` means: 'none' is epsilon + parameters only; otherwise a comma-separated list of
 * proxy names: `synflow` (Suite-Zero's where installed, else the one native key of synflow),
 * `native:synflow` or a native name with its key, e.g. `native:synflow[init=1]`.
 */
export function parseRankWith(text: string): string[] {
  const trimmed = text.trim()
  if (trimmed === 'none') return []
  const names = trimmed.split(',').map((name) => name.trim())
  if (names.some((name) => name === '')) throw new EpsinasError('BAD_ARGUMENT', `--rank-with ${quoteInput(text)}: expected none or a comma-separated list of proxy names (e.g. synflow,jacov)`)
  const label = names.find((name) => name === SUITE_ZERO_ACCURACY)
  if (label !== undefined) throw new EpsinasError('BAD_ARGUMENT', `--rank-with: ${label} is an accuracy, not a label-free proxy`)
  if (names.includes(EPSILON_SIGNAL) || names.includes(PARAMETERS_SIGNAL)) {
    throw new EpsinasError('BAD_ARGUMENT', `--rank-with names proxies besides ${EPSILON_SIGNAL} and ${PARAMETERS_SIGNAL}, which are always used`)
  }
  return [...new Set(names)]
}

/**
 * Throws BAD_ARGUMENT naming the proxies of `names` that neither source has for the space and
 * dataset (installed Suite-Zero, native in the cache), or that name several native keys.
 */
export function checkRankProxiesInstalled(benchmarks: BenchmarkStore, space: SpaceId, dataset: string, names: readonly string[]): void {
  const available = availableProxies(benchmarks, space, dataset)
  const missing = names.filter((name) => {
    try {
      return resolveProxyName(available, name) === null
    } catch (error) {
      if (error instanceof EpsinasError) throw new EpsinasError(error.code, `--rank-with: ${error.message}`)
      throw error
    }
  })
  if (missing.length === 0) return
  const have = proxyNames(available)
  throw new EpsinasError(
    'BAD_ARGUMENT',
    `--rank-with: ${missing.join(', ')} not installed for ${space} ${dataset} in ${benchmarks.path} (installed: ${have.length === 0 ? 'none; see epsinas data, or compute native ones with epsinas proxies' : have.join(', ')})`,
  )
}

// Suite-Zero's columns alone, for the callers that want only the published values (search, sweeps).
export { installedProxyColumns } from './proxy-columns.ts'

/** What the ranking of a job's archs is made from. */
export interface RankingRequest {
  space: SpaceId
  dataset: DatasetId
  /** Normalised archs, aligned with `epsilon`. */
  archs: readonly string[]
  epsilon: ReadonlyArray<number | null>
  /** The benchmark tables holding the installed proxies; null: none to read. */
  benchmarks: BenchmarkStore | null
  /** Proxies besides epsilon and parameters (names as --rank-with takes them); undefined: DEFAULT_RANK_PROXIES where either source has them. */
  rankWith?: readonly string[]
}

/** The signals used and why any asked for were left out. */
export interface RankingSignals {
  signals: RankSignal[]
  /** One line each: a signal that could not be read (stale tables, a space without a parameter count), a proxy not installed. */
  notes: string[]
}

/**
 * Gathers the signals: epsilon, the parameter count of each arch's full-width network, then the
 * chosen proxies that are installed. A signal that cannot be read is a note, not a failure: the
 * ranking then rests on the others (the scores themselves are never lost over it).
 */
export function rankingSignals(request: RankingRequest): RankingSignals {
  const notes: string[] = []
  const signals: RankSignal[] = [{ name: EPSILON_SIGNAL, values: request.epsilon }]
  const parameters = archParameterCountsNow(request.space, request.dataset, request.archs)
  signals.push({ name: PARAMETERS_SIGNAL, values: parameters.counts })
  if (parameters.firstError !== null) {
    const failed = parameters.counts.filter((count) => count === null).length
    notes.push(`${failed} architectures have no parameter count (first: ${parameters.firstError}): placed without it`)
  }
  const wanted = request.rankWith ?? DEFAULT_RANK_PROXIES
  if (wanted.length > 0 && request.benchmarks !== null) {
    try {
      const read = proxyColumns(request.benchmarks, request.space, request.dataset, request.archs, wanted)
      signals.push(...read.columns.map(({ name, values }) => ({ name, values })))
      if (read.unreadable !== null) notes.push(`installed proxies not used in the ranking: ${read.unreadable}`)
      notes.push(...read.ambiguous.map((line) => `${line}: left out of the ranking`))
      // The default set is used where either source has it; a proxy named with --rank-with and gone since is worth a line.
      if (request.rankWith !== undefined && read.missing.length > 0) notes.push(`${read.missing.join(', ')} not installed for ${request.space} ${request.dataset}: left out of the ranking`)
    } catch (error) {
      if (!(error instanceof EpsinasError)) throw error
      notes.push(`proxies not used in the ranking: ${error.message}`)
    }
  }
  return { signals, notes }
}

/** The ranking of a job's archs with the signals it used. */
export interface ArchRanking extends FullCoverageRanking {
  /** Names of the signals besides epsilon that place archs (those with at least one finite value). */
  aggregateOf: string[]
  notes: string[]
}

/** rankingSignals, then rankEveryArch over them. */
export function rankArchs(request: RankingRequest): ArchRanking {
  const gathered = rankingSignals(request)
  const { kept: signals, dropped } = signalsAgreeingWithEpsilon(gathered.signals)
  const notes = [...gathered.notes, ...dropped.map(droppedSignalNote)]
  const ranking = rankEveryArch(signals, request.archs.length)
  const aggregateOf = signals
    .filter((signal) => signal.name !== EPSILON_SIGNAL && signal.values.some((value) => value !== null && Number.isFinite(value)))
    .map((signal) => signal.name)
  return { ...ranking, aggregateOf, notes }
}
