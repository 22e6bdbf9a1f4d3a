/**
 * Seeded pseudo-random numbers for everything in core that must be reproducible: minibatches,
 * architecture samples, bootstrap draws. The generator is sfc32 (Chris Doty-Humphrey's Small Fast
 * Counter), seeded through splitmix32; we keep it in-tree so that a dependency upgrade can never
 * change a stream and silently invalidate cached scores keyed by seed.
 */
export class SeededRandom {
  private a: number
  private b: number
  private c: number
  private d: number
  private spareNormal: number | null = null

  constructor(seed: number) {
    let s = seed >>> 0
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad)
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
      return (z ^ (z >>> 15)) >>> 0
    }
    this.a = next()
    this.b = next()
    this.c = next()
    this.d = next()
    for (let i = 0; i < 12; i++) this.nextUint32()
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n)
  }

  /** Standard normal (Box-Muller, both values used). */
  nextNormal(): number {
    if (this.spareNormal !== null) {
      const value = this.spareNormal
      this.spareNormal = null
      return value
    }
    let u = 0
    while (u === 0) u = this.nextFloat()
    const v = this.nextFloat()
    const radius = Math.sqrt(-2 * Math.log(u))
    this.spareNormal = radius * Math.sin(2 * Math.PI * v)
    return radius * Math.cos(2 * Math.PI * v)
  }

  /** `count` distinct integers from [0, n), in draw order (partial Fisher-Yates). */
  sampleWithoutReplacement(n: number, count: number): number[] {
    const k = Math.min(count, n)
    const swapped = new Map<number, number>()
    const out: number[] = []
    for (let i = 0; i < k; i++) {
      const j = i + this.nextInt(n - i)
      const atJ = swapped.get(j) ?? j
      const atI = swapped.get(i) ?? i
      swapped.set(j, atI)
      out.push(atJ)
    }
    return out
  }
}
