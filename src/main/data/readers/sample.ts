/**
 * Seeded choice of training images in one pass over a dataset whose size is not known until the
 * end (a tar.gz, ten pickles): every image gets a priority hash(seed, index) and the batch is the
 * `count` images with the smallest priorities, in increasing priority. That is a uniform sample
 * without replacement, the same whatever order the files are read in.
 */
export class BottomKSampler<T> {
  private readonly kept: Array<{ priority: number; index: number; item: T }> = []

  constructor(
    private readonly count: number,
    private readonly seed: number,
  ) {}

  /** Whether image `index` would enter the sample now (check before copying its pixels). */
  wants(index: number): boolean {
    if (this.kept.length < this.count) return true
    return compare(priority(this.seed, index), index, this.worst()) < 0
  }

  /** Offers image `index`; `make` is only called when it is kept. */
  offer(index: number, make: () => T): void {
    if (!this.wants(index)) return
    const entry = { priority: priority(this.seed, index), index, item: make() }
    // count is a batch size (hundreds): a sorted insert is simpler than a heap and fast enough.
    let at = this.kept.length
    while (at > 0 && compare(entry.priority, entry.index, this.kept[at - 1]) < 0) at--
    this.kept.splice(at, 0, entry)
    if (this.kept.length > this.count) this.kept.pop()
  }

  /** How many images were offered and kept so far. */
  get size(): number {
    return this.kept.length
  }

  /** The sample in batch order, with each image's dataset index. */
  result(): Array<{ index: number; item: T }> {
    return this.kept.map(({ index, item }) => ({ index, item }))
  }

  private worst(): { priority: number; index: number } {
    return this.kept[this.kept.length - 1]
  }
}

function compare(p: number, index: number, other: { priority: number; index: number }): number {
  return p !== other.priority ? p - other.priority : index - other.index
}

/** 53-bit priority from two rounds of a 32-bit integer hash (splitmix32-style finaliser). */
export function priority(seed: number, index: number): number {
  const high = mix((seed >>> 0) ^ mix(index >>> 0))
  const low = mix(high ^ 0x9e3779b9 ^ (index >>> 0))
  return (high >>> 0) * 2 ** 21 + ((low >>> 0) >>> 11)
}

function mix(value: number): number {
  let z = (value + 0x9e3779b9) | 0
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad)
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
  return (z ^ (z >>> 15)) >>> 0
}
