/**
 * The native proxy scores' part of `epsinas merge` (store/merge.ts): the same rules as the epsilon
 * scores — a score new to the output is added, the same key with the same value is kept once, the
 * same key with a different value is a conflict and the whole merge writes nothing.
 */
import type Database from 'better-sqlite3'
import { EpsinasError } from '../../shared/errors.ts'
import { openProxyScoreStore, type ProxyScore, type ProxyScoreKey } from './proxy-scores.ts'

/** One stored native proxy score with its key. */
export type NativeProxyRow = ProxyScoreKey & ProxyScore

/** Same key, different value (null: the proxy is undefined for that network, a value like any other). */
export interface NativeProxyConflict {
  row: NativeProxyRow
  kept: { value: number | null; from: string }
  offered: { value: number | null; from: string }
}

/** What one source's native proxy scores did to the output. */
export interface MergedNativeProxies {
  scores: number
  added: number
  same: number
}

/** Every native proxy score of the cache at `path`, read without writing to it. */
export function readNativeProxyRows(path: string): NativeProxyRow[] {
  const store = openProxyScoreStore(path, { readOnly: true })
  try {
    return store.rows()
  } finally {
    store.close()
  }
}

const KEY_WHERE = 'space = ? AND dataset = ? AND proxy = ? AND init_seed = ? AND input = ? AND input_seed = ? AND batch_size = ? AND engine = ? AND arch = ?'

function rowKey(row: NativeProxyRow): [string, string, string, number, string, number, number, string, string] {
  return [row.space, row.dataset, row.proxy, row.initSeed, row.input, row.inputSeed, row.batchSize, row.engine, row.arch]
}

/**
 * Writes the native proxy scores of the sources, in order, into the output `db` (inside the
 * caller's transaction); conflicts are collected, not thrown, so the caller refuses once with the first.
 */
export class NativeProxyMerger {
  readonly conflicts: NativeProxyConflict[] = []
  /** Which source file each score written by this merge came from, to name both files of a conflict. */
  private readonly origin = new Map<string, string>()
  private readonly select: Database.Statement<unknown[], { value: number | null }>
  private readonly insert: Database.Statement

  constructor(db: Database.Database) {
    this.select = db.prepare<unknown[], { value: number | null }>(`SELECT value FROM native_proxy_scores WHERE ${KEY_WHERE}`)
    this.insert = db.prepare(
      'INSERT INTO native_proxy_scores (space, dataset, proxy, init_seed, input, input_seed, batch_size, engine, arch, value, ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
  }

  /** Merges one source's rows; the timing (`ms`) is not part of the value: the first one merged is kept. */
  merge(rows: readonly NativeProxyRow[], from: string): MergedNativeProxies {
    let added = 0
    let same = 0
    for (const row of rows) {
      const key = rowKey(row)
      const existing = this.select.get(...key)
      if (existing === undefined) {
        this.insert.run(...key, row.value, row.ms)
        this.origin.set(key.join('\0'), from)
        added++
      } else if (existing.value === row.value) {
        same++
      } else {
        this.conflicts.push({ row, kept: { value: existing.value, from: this.origin.get(key.join('\0')) ?? 'the merge output' }, offered: { value: row.value, from } })
      }
    }
    return { scores: rows.length, added, same }
  }
}

/** The one-line refusal: how many conflicts, the first with its full key, both values and both files. */
export function nativeProxyConflictError(conflicts: readonly NativeProxyConflict[]): EpsinasError {
  const { row, kept, offered } = conflicts[0]
  const value = (v: number | null): string => (v === null ? 'undefined (null)' : String(v))
  return new EpsinasError(
    'BAD_FILE',
    `merge refused, nothing written: ${conflicts.length} native proxy score${conflicts.length === 1 ? '' : 's'} with the same key but different values; first: ${row.proxy} on ${row.arch} ` +
      `(${row.space} ${row.dataset} init seed ${row.initSeed} input ${row.input} seed ${row.inputSeed} batch ${row.batchSize} engine ${row.engine}) ` +
      `is ${value(kept.value)} in ${kept.from} but ${value(offered.value)} in ${offered.from}`,
  )
}
