import type Database from 'better-sqlite3'
import { guardSqlite, openCacheFile } from './sqlite.ts'

/** Everything a native proxy score depends on besides the arch (migration 8). */
export interface ProxyScoreKey {
  proxy: string
  initSeed: number
  /** The input's cache key (data/installed-identity.ts: `grey`, `normal`, `real:<digest>`). */
  input: string
  inputSeed: number
  batchSize: number
  /** Backend and proxy revision, e.g. `full/tfjs-cpu@proxies.1`. */
  engine: string
  space: string
  dataset: string
}

/** One stored score: null when the proxy is undefined for the network. */
export interface ProxyScore {
  arch: string
  value: number | null
  ms: number
}

const KEY_COLUMNS = 'space = ? AND dataset = ? AND proxy = ? AND init_seed = ? AND input = ? AND input_seed = ? AND batch_size = ? AND engine = ?'

/** The key columns under ProxyScoreKey's names. */
const KEY_SELECT = 'proxy, init_seed AS initSeed, input, input_seed AS inputSeed, batch_size AS batchSize, engine, space, dataset'

function keyParams(key: ProxyScoreKey): [string, string, string, number, string, number, number, string] {
  return [key.space, key.dataset, key.proxy, key.initSeed, key.input, key.inputSeed, key.batchSize, key.engine]
}

/** Opens the native proxy scores of the cache file at `path` (created and migrated unless readOnly). */
export function openProxyScoreStore(path: string, options: { readOnly?: boolean } = {}): ProxyScoreStore {
  return openCacheFile(path, 'the native proxy scores', { foreignKeys: false, readOnly: options.readOnly }, (fullPath, db) => new ProxyScoreStore(fullPath, db))
}

/** The native_proxy_scores table. Synchronous, like the rest of the store; each put is its own commit, so a killed run keeps what it computed. */
export class ProxyScoreStore {
  constructor(
    readonly path: string,
    private readonly db: Database.Database,
  ) {}

  /** The stored scores of `key`, by arch. */
  scores(key: ProxyScoreKey): Map<string, ProxyScore> {
    const rows = this.guard('read', () =>
      this.db.prepare<unknown[], ProxyScore>(`SELECT arch, value, ms FROM native_proxy_scores WHERE ${KEY_COLUMNS}`).all(...keyParams(key)),
    )
    return new Map(rows.map((row) => [row.arch, row]))
  }

  /** Every stored score with its key (merge reads a whole file through it). */
  rows(): Array<ProxyScoreKey & ProxyScore> {
    return this.guard('read', () =>
      this.db
        .prepare<[], ProxyScoreKey & ProxyScore>(
          `SELECT ${KEY_SELECT}, arch, value, ms FROM native_proxy_scores ORDER BY space, dataset, proxy, init_seed, input, input_seed, batch_size, engine, arch`,
        )
        .all(),
    )
  }

  /** The distinct keys stored for a space and dataset, ordered (proxy first), with how many archs each has. */
  keys(space: string, dataset: string): Array<ProxyScoreKey & { archs: number }> {
    return this.guard('read', () =>
      this.db
        .prepare<[string, string], ProxyScoreKey & { archs: number }>(
          `SELECT ${KEY_SELECT}, COUNT(*) AS archs FROM native_proxy_scores WHERE space = ? AND dataset = ?
           GROUP BY proxy, init_seed, input, input_seed, batch_size, engine ORDER BY proxy, init_seed, input, input_seed, batch_size, engine`,
        )
        .all(space, dataset),
    )
  }

  /** Stores one arch's score under `key`, replacing an earlier one. */
  put(key: ProxyScoreKey, score: ProxyScore): void {
    this.guard('write native proxy scores to', () =>
      this.db
        .prepare(
          'INSERT OR REPLACE INTO native_proxy_scores (space, dataset, proxy, init_seed, input, input_seed, batch_size, engine, arch, value, ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(...keyParams(key), score.arch, score.value, score.ms),
    )
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  private guard<T>(doing: string, fn: () => T): T {
    return guardSqlite(doing, `the cache at ${this.path}`, fn)
  }
}
