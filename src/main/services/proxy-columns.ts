/**
 * Every proxy column a space and dataset have, from both sources, each labelled by where it comes
 * from: the installed NAS-Bench-Suite-Zero proxies (published values) and the native ones
 * `epsinas proxies` stored in the same cache file (native_proxy_scores).
 *
 * Names (what `--rank-with` takes and what tables print) never mix two sources or two keys:
 * - Suite-Zero's keep the proxy's name: `synflow`;
 * - native ones are `native:synflow`; when the cache holds several keys of one proxy (another init
 *   seed, batch, input or engine), each name adds the fields that tell them apart:
 *   `native:synflow[init=1]`, `native:synflow[batch=64 input=normal]`.
 * Only values of each proxy's current revision (proxyRevisionTag) are read: older ones may differ.
 */
import { SUITE_ZERO_ACCURACY } from '../benchmarks/installed-accuracies.ts'
import { getSpace } from '../core/spaces/registry.ts'
import type { RankSignal } from '../core/ranking/full-coverage.ts'
import { listProxies, proxyScores, type BenchmarkStore } from '../store/benchmarks.ts'
import { ProxyScoreStore, type ProxyScoreKey } from '../store/proxy-scores.ts'
import { EpsinasError } from '../../shared/errors.ts'
import type { ProxySource } from '../../shared/api.ts'
import { findProxy } from '../proxies/registry.ts'
import { proxyRevisionTag } from './proxies.ts'

/** The prefix of a native column's name. */
export const NATIVE_PREFIX = 'native:'

/** One proxy's values for a list of archs, with where they come from. */
export interface ProxyColumn extends RankSignal {
  /** Unique among the columns: `synflow` (Suite-Zero), `native:synflow`, `native:synflow[init=1]`. */
  name: string
  /** The proxy's id, the same for both sources. */
  proxy: string
  source: ProxySource
  /** For people: where the values come from, with the native key in full. */
  description: string
}

/** A stored native key with the column name it gets. */
export interface NativeProxyKey {
  name: string
  key: ProxyScoreKey
  /** Archs stored under the key (any arch, not only those asked for). */
  archs: number
  description: string
}

/** The fields a name may add to tell keys of one proxy apart, in this order. */
const KEY_FIELDS: ReadonlyArray<[keyof ProxyScoreKey, string]> = [
  ['initSeed', 'init'],
  ['batchSize', 'batch'],
  ['input', 'input'],
  ['inputSeed', 'input-seed'],
  ['engine', 'engine'],
]

/** Why a native key is what it is, in full. */
function describeNativeKey(key: ProxyScoreKey, archs: number): string {
  return `computed by epsinas proxies: init seed ${key.initSeed}, input ${key.input} seed ${key.inputSeed}, batch ${key.batchSize}, engine ${key.engine} (${archs} archs stored)`
}

/**
 * The native keys stored for the space and dataset (current revision), each with its column name.
 * Reads the cache file of `benchmarks` through its connection (the same file holds both tables).
 */
export function nativeProxyKeys(benchmarks: BenchmarkStore, space: string, dataset: string): NativeProxyKey[] {
  const isCurrent = (key: ProxyScoreKey): boolean => {
    const proxy = findProxy(key.proxy)
    return proxy !== undefined && key.engine.endsWith(proxyRevisionTag(proxy))
  }
  const stored = new ProxyScoreStore(benchmarks.path, benchmarks.db).keys(space, dataset).filter(isCurrent)
  return stored.map(({ archs, ...key }) => {
    const siblings = stored.filter((other) => other.proxy === key.proxy)
    const differing = KEY_FIELDS.filter(([field]) => siblings.some((other) => other[field] !== key[field]))
    const qualifier = differing.length === 0 ? '' : `[${differing.map(([field, label]) => `${label}=${key[field]}`).join(' ')}]`
    return { name: `${NATIVE_PREFIX}${key.proxy}${qualifier}`, key, archs, description: describeNativeKey(key, archs) }
  })
}

/** The native columns of `keys`, aligned with `archs` (null: not stored, or undefined for that network). */
export function nativeProxyColumns(benchmarks: BenchmarkStore, keys: readonly NativeProxyKey[], archs: readonly string[]): ProxyColumn[] {
  const store = new ProxyScoreStore(benchmarks.path, benchmarks.db)
  return keys.map(({ name, key, description }) => {
    const stored = store.scores(key)
    return { name, proxy: key.proxy, source: 'native', description, values: archs.map((arch) => stored.get(arch)?.value ?? null) }
  })
}

/** Suite-Zero's proxies installed for the space and dataset, by name (never the file's accuracy). */
function installedNames(benchmarks: BenchmarkStore, space: string, dataset: string): string[] {
  return listProxies(benchmarks, space, dataset).filter((name) => name !== SUITE_ZERO_ACCURACY)
}

/**
 * Suite-Zero's proxies installed for the space and dataset, each aligned with `archs` (null: NaN or
 * not scored by that proxy), keyed by the space's benchmark key (NB101: module hash) as the
 * accuracies are. `names` undefined: every installed proxy; otherwise those of them installed, in
 * the order given. Never the file's accuracy.
 */
export function installedProxyColumns(
  benchmarks: BenchmarkStore,
  space: string,
  dataset: string,
  archs: readonly string[],
  names?: readonly string[],
): RankSignal[] {
  const installed = installedNames(benchmarks, space, dataset)
  const chosen = names === undefined ? installed : names.filter((name) => installed.includes(name))
  const definition = getSpace(space)
  const keys = archs.map((arch) => definition.benchmarkKey(arch))
  return chosen.map((name) => {
    const values = proxyScores(benchmarks, space, dataset, name)
    return { name, values: keys.map((key) => values.get(key) ?? null) }
  })
}

/** installedProxyColumns with their source. */
function installedColumns(benchmarks: BenchmarkStore, space: string, dataset: string, archs: readonly string[], names: readonly string[]): ProxyColumn[] {
  return installedProxyColumns(benchmarks, space, dataset, archs, names).map(({ name, values }) => ({ name, proxy: name, source: 'suite-zero', description: 'published by NAS-Bench-Suite-Zero', values }))
}

/** What a cache file offers for a space and dataset. */
export interface AvailableProxies {
  installed: string[]
  native: NativeProxyKey[]
  /** Why the installed Suite-Zero proxies could not be read (stale tables), or null; the native ones are offered still. */
  unreadable: string | null
}

/** Both sources' names; a source that cannot be read is a note, and the other is still offered. */
export function availableProxies(benchmarks: BenchmarkStore, space: string, dataset: string): AvailableProxies {
  let unreadable: string | null = null
  let installed: string[] = []
  try {
    installed = installedNames(benchmarks, space, dataset)
  } catch (error) {
    if (!(error instanceof EpsinasError)) throw error
    unreadable = error.message
  }
  return { installed, native: nativeProxyKeys(benchmarks, space, dataset), unreadable }
}

/** Every name of `available`, Suite-Zero's first. */
export function proxyNames(available: AvailableProxies): string[] {
  return [...available.installed, ...available.native.map((key) => key.name)]
}

/**
 * Which column a name asks for: its exact name (`synflow` is Suite-Zero's, `native:synflow[init=1]`
 * one native key); a plain proxy name Suite-Zero does not have is the native column of that proxy,
 * and `native:synflow` any one native key, when the cache holds exactly one. Returns null when
 * nothing answers; throws BAD_ARGUMENT when several native keys do (the user must pick one).
 */
export function resolveProxyName(available: AvailableProxies, name: string): { source: 'suite-zero'; name: string } | { source: 'native'; key: NativeProxyKey } | null {
  if (available.installed.includes(name)) return { source: 'suite-zero', name }
  const exact = available.native.find((key) => key.name === name)
  if (exact) return { source: 'native', key: exact }
  const proxy = name.startsWith(NATIVE_PREFIX) ? name.slice(NATIVE_PREFIX.length) : name
  const matches = available.native.filter((key) => key.key.proxy === proxy)
  if (matches.length === 1) return { source: 'native', key: matches[0] }
  if (matches.length > 1) throw new EpsinasError('BAD_ARGUMENT', `${name}: the cache holds ${matches.length} native keys of ${proxy}; name one of ${matches.map((key) => key.name).join(', ')}`)
  return null
}

/** What proxyColumns read, and what it could not. */
export interface ProxyColumns {
  columns: ProxyColumn[]
  /** Names neither source answers. */
  missing: string[]
  /** One line per name that answers several native keys (resolveProxyName's refusal). */
  ambiguous: string[]
  /** AvailableProxies.unreadable. */
  unreadable: string | null
}

/**
 * The columns for `archs`: `names` undefined gives every column of both sources (Suite-Zero's
 * first); otherwise each name resolved by resolveProxyName, in order, those that answer once.
 */
export function proxyColumns(
  benchmarks: BenchmarkStore,
  space: string,
  dataset: string,
  archs: readonly string[],
  names?: readonly string[],
): ProxyColumns {
  const available = availableProxies(benchmarks, space, dataset)
  if (names === undefined) {
    const columns = [...installedColumns(benchmarks, space, dataset, archs, available.installed), ...nativeProxyColumns(benchmarks, available.native, archs)]
    return { columns, missing: [], ambiguous: [], unreadable: available.unreadable }
  }
  const columns: ProxyColumn[] = []
  const missing: string[] = []
  const ambiguous: string[] = []
  for (const name of names) {
    let resolved
    try {
      resolved = resolveProxyName(available, name)
    } catch (error) {
      if (!(error instanceof EpsinasError)) throw error
      ambiguous.push(error.message)
      continue
    }
    if (resolved === null) {
      missing.push(name)
      continue
    }
    const [column] = resolved.source === 'suite-zero' ? installedColumns(benchmarks, space, dataset, archs, [resolved.name]) : nativeProxyColumns(benchmarks, [resolved.key], archs)
    if (!columns.some((other) => other.name === column.name)) columns.push(column)
  }
  return { columns, missing, ambiguous, unreadable: available.unreadable }
}
