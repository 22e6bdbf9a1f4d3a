/**
 * numpy's legacy global generator (`np.random.seed(s)`; `np.random.choice(n, k)`), reproduced bit
 * for bit so the reference weight search draws the very same architectures: MT19937 seeded by
 * init_genrand, and bounded integers by masked rejection on 32-bit draws (numpy's legacy
 * `randint`, which `choice` with replacement calls).
 */
export class NumpyLegacyRandom {
  private readonly mt = new Uint32Array(624)
  private index = 624

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`numpy seeds are integers in 0..2^32-1, got ${seed}`)
    this.mt[0] = seed >>> 0
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30)
      // 1812433253 * prev + i in 32-bit arithmetic.
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0
    }
  }

  /** Next 32-bit output of MT19937. */
  nextUint32(): number {
    if (this.index >= 624) this.twist()
    let y = this.mt[this.index++]
    y ^= y >>> 11
    y ^= (y << 7) & 0x9d2c5680
    y ^= (y << 15) & 0xefc60000
    y ^= y >>> 18
    return y >>> 0
  }

  /** `np.random.choice(n, count)`: `count` indices in 0..n-1, drawn with replacement. */
  choice(n: number, count: number): number[] {
    if (!Number.isInteger(n) || n < 1 || n > 0x100000000) throw new RangeError(`choice needs 1 <= n <= 2^32, got ${n}`)
    const range = n - 1
    // Smallest all-ones mask covering the range.
    let mask = range
    for (let shift = 1; shift <= 16; shift <<= 1) mask |= mask >>> shift
    mask >>>= 0
    const out: number[] = []
    for (let i = 0; i < count; i++) {
      if (range === 0) {
        out.push(0)
        continue
      }
      let value: number
      do value = (this.nextUint32() & mask) >>> 0
      while (value > range)
      out.push(value)
    }
    return out
  }

  private twist(): void {
    const mt = this.mt
    for (let i = 0; i < 624; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff)
      mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)
    }
    this.index = 0
  }
}
