/** Transfer rate over a sliding window, so the ETA follows the current speed, not the average since start. */
export class RateMeter {
  private readonly samples: Array<{ at: number; bytes: number }> = []

  constructor(
    private readonly windowMs = 5000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records the running byte count (monotone within one transfer). */
  record(bytes: number): void {
    const at = this.now()
    const last = this.samples[this.samples.length - 1]
    // One sample per 50 ms is plenty, and keeps the window short at hundreds of chunks per second.
    if (last && at - last.at < 50 && this.samples.length > 1) last.bytes = bytes
    else this.samples.push({ at, bytes })
    // Keep one sample older than the window so the rate spans the whole window.
    while (this.samples.length > 2 && at - this.samples[1].at > this.windowMs) this.samples.shift()
  }

  /** Bytes per second over the window; 0 until two samples exist. */
  rate(): number {
    if (this.samples.length < 2) return 0
    const first = this.samples[0]
    const last = this.samples[this.samples.length - 1]
    const seconds = (last.at - first.at) / 1000
    return seconds > 0 ? (last.bytes - first.bytes) / seconds : 0
  }

  /** Seconds left at the current rate, or null when unknown. */
  eta(done: number, total: number | null): number | null {
    const rate = this.rate()
    if (total === null || rate <= 0) return null
    return Math.max(0, (total - done) / rate)
  }
}
