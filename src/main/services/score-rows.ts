import type { NanReason } from '../../shared/types.ts'

/** Where a score came from: computed now, read from the cache, or shared with an identical network computed now. */
export type ScoreSource = 'computed' | 'cached' | 'shared'

/** One row of a run's result, in request order. */
export interface ScoreRow {
  arch: string
  epsilon: number | null
  nanReason: NanReason | null
  ms: number
  source: ScoreSource
  /** Arch whose computation gave this value when shared through the canonical form. */
  canonical: string | null
}

/** Source codes in the table; 0 means no row yet. */
const SOURCES: readonly ScoreSource[] = ['computed', 'cached', 'shared']

/**
 * The rows of one weight pair of a run, by arch index, in columns: 18 bytes per arch whatever the
 * job's size (the job's arch list holds the names), where a ScoreRow object and its map entry cost
 * about 150. A run holds one table per pair for the whole job, so this is what its results cost;
 * rows are made as objects only when a caller reads them at the end.
 */
export class ScoreRowTable {
  private readonly source: Uint8Array
  private readonly epsilon: Float64Array
  private readonly ms: Float64Array
  /** 0: no NaN reason, else 1 + the index into `reasons`. */
  private readonly reason: Uint8Array
  private readonly reasons: NanReason[] = []
  /** Only shared rows name a canonical arch (none in spaces without canonical sharing, such as NB101). */
  private readonly canonical = new Map<number, string>()
  private readonly counts = [0, 0, 0]
  private nanCount = 0

  constructor(readonly length: number) {
    this.source = new Uint8Array(length)
    this.epsilon = new Float64Array(length)
    this.ms = new Float64Array(length)
    this.reason = new Uint8Array(length)
  }

  /** Whether arch `index` has a row. */
  has(index: number): boolean {
    return this.source[index] !== 0
  }

  /** Sets the row of arch `index` (its name is the job's). */
  set(index: number, row: Omit<ScoreRow, 'arch'>): void {
    if (this.has(index)) throw new Error(`score row ${index} set twice`)
    const source = SOURCES.indexOf(row.source)
    this.source[index] = source + 1
    this.counts[source]++
    // NaN stands for a null epsilon: a stored epsilon is always finite (store/validate.ts).
    this.epsilon[index] = row.epsilon ?? Number.NaN
    this.ms[index] = row.ms
    if (row.nanReason !== null) {
      let code = this.reasons.indexOf(row.nanReason)
      if (code < 0) code = this.reasons.push(row.nanReason) - 1
      this.reason[index] = code + 1
    }
    if (row.epsilon === null) this.nanCount++
    if (row.canonical !== null) this.canonical.set(index, row.canonical)
  }

  /** Rows set so far from `source`. */
  count(source: ScoreSource): number {
    return this.counts[SOURCES.indexOf(source)]
  }

  /** Rows set so far. */
  get size(): number {
    return this.counts[0] + this.counts[1] + this.counts[2]
  }

  /** Rows set so far with a null epsilon. */
  get nan(): number {
    return this.nanCount
  }

  /** The rows set, as objects, in arch order (`archs`: the job's names, by index). */
  rows(archs: readonly string[]): ScoreRow[] {
    const out: ScoreRow[] = []
    for (let index = 0; index < this.length; index++) {
      const source = this.source[index]
      if (source === 0) continue
      const epsilon = this.epsilon[index]
      const reason = this.reason[index]
      out.push({
        arch: archs[index],
        epsilon: Number.isNaN(epsilon) ? null : epsilon,
        nanReason: reason === 0 ? null : this.reasons[reason - 1],
        ms: this.ms[index],
        source: SOURCES[source - 1],
        canonical: this.canonical.get(index) ?? null,
      })
    }
    return out
  }
}
