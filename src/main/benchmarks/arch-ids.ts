import { cutInput, EpsinasError } from '../../shared/errors.ts'
import { formatNb101Spec, type Nb101Label } from '../core/spaces/nb101/spec.ts'
import { existsSync } from 'node:fs'
import { nb101Model, nb101Models, openBenchmarkStore, spaceArchsByIndex, type BenchmarkStore, type Nb101Model } from '../store/benchmarks.ts'
import { NATS_SIZE, NATS_TOPOLOGY } from './nats-spaces.ts'

/**
 * Every NB201 arch in the benchmark's own index order (meta_archs), when NATS has been converted
 * into `database`; null otherwise (an absent file is not created). Samplers that must draw the
 * same cells as the reference code (np.random.choice over the benchmark index) need this order.
 * Only an ordering: a cache that cannot be read (newer schema, locked) gives null, not an error.
 */
export function installedNb201Order(database: string): string[] | null {
  if (!existsSync(database)) return null
  let store: BenchmarkStore
  try {
    store = openBenchmarkStore(database)
  } catch {
    return null
  }
  try {
    // An installed index is complete when it has every cell.
    const byIndex = spaceArchsByIndex(store, NATS_TOPOLOGY.space)
    if (byIndex.size !== NATS_TOPOLOGY.size) return null
    return Array.from({ length: NATS_TOPOLOGY.size }, (_, i) => byIndex.get(i) ?? '')
  } catch {
    return null
  } finally {
    store.close()
  }
}

/**
 * Every installed NB101 module as a spec, in the benchmark's order, when NAS-Bench-101 is converted
 * into `database`; null when it is not (an absent file is not created). Unlike the NB201 order this
 * is the only source of the whole space, so read failures propagate instead of hiding as "not installed".
 */
export function installedNb101Specs(database: string): string[] | null {
  if (!existsSync(database)) return null
  const store = openBenchmarkStore(database)
  try {
    const models = nb101Models(store)
    return models.length === 0 ? null : models.map(nb101SpecOf)
  } finally {
    store.close()
  }
}

/** The stored module (flattened 0/1 matrix text, op labels) as our canonical spec string. */
function nb101SpecOf(model: Nb101Model): string {
  const n = Math.round(Math.sqrt(model.matrix.length))
  const matrix = Array.from({ length: n }, (_, i) => Array.from(model.matrix.slice(i * n, (i + 1) * n), Number))
  return formatNb101Spec({ matrix, ops: model.ops as Nb101Label[] })
}

/**
 * One space's benchmark-id reader over lazily opened tables: the arch of `text` when it is one of
 * the space's benchmark ids, null when it is not one (an arch as written), BAD_ARCH when it is an
 * id that is not installed.
 */
export type BenchmarkIdReader = (text: string) => string | null

const INDEX = /^\d+$/
const HASH = /^[0-9a-f]{32}$/i

/**
 * NB201 indices: positions in the benchmark's meta_archs (not our enumeration order), so they need
 * NAS-Bench-201 converted from NATS. The index table is read once, at the first index met.
 */
export function nb201IndexReader(tables: () => BenchmarkStore, database: string): BenchmarkIdReader {
  let byIndex: Map<number, string> | null = null
  return (text) => {
    if (!INDEX.test(text)) return null
    byIndex ??= spaceArchsByIndex(tables(), NATS_TOPOLOGY.space)
    if (byIndex.size === 0) {
      throw new EpsinasError('BAD_ARCH', `${cutInput(text)} looks like a NAS-Bench-201 index, but no benchmark index is installed in ${database}: run epsinas data download nb201-nats-tss-simple and epsinas data convert nb201-nats-tss-simple`)
    }
    const arch = byIndex.get(Number(text))
    if (arch === undefined) throw new EpsinasError('BAD_ARCH', `NAS-Bench-201 index ${cutInput(text)} is not installed (${byIndex.size} indices are, 0..15624 exist)`)
    return arch
  }
}

/**
 * NATS-Bench size indices (0..32767): the benchmark's index order is the space's enumeration
 * (NATS_SIZE.archAt), so they need no installed tables.
 */
export function natsSssIndexReader(): BenchmarkIdReader {
  const archAt = NATS_SIZE.archAt as (index: number) => string
  return (text) => {
    if (!INDEX.test(text)) return null
    const index = Number(text)
    if (index >= NATS_SIZE.size) throw new EpsinasError('BAD_ARCH', `NATS-Bench size index ${cutInput(text)} does not exist (0..${NATS_SIZE.size - 1})`)
    return archAt(index)
  }
}

/** NB101 module hashes: they need NAS-Bench-101 converted. */
export function nb101HashReader(tables: () => BenchmarkStore, database: string): BenchmarkIdReader {
  return (text) => {
    if (!HASH.test(text)) return null
    const model = nb101Model(tables(), text.toLowerCase())
    if (model === null) {
      throw new EpsinasError('BAD_ARCH', `no NAS-Bench-101 module with hash ${text} in ${database}: is nb101-only108 (or nb101-nni-db) downloaded and converted?`)
    }
    return nb101SpecOf(model)
  }
}
