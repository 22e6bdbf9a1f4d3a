/** Records each query's reported accuracy as the running maximum: the curve the paper plots. */
export class BestSoFar {
  readonly curve: Float64Array
  private queries = 0
  private best = Number.NEGATIVE_INFINITY

  constructor(
    budget: number,
    private readonly accuracy: Float64Array,
  ) {
    this.curve = new Float64Array(budget)
  }

  /** Trains (looks up) arch `i`: one model of the budget. */
  query(i: number): void {
    this.best = Math.max(this.best, this.accuracy[i])
    this.curve[this.queries] = this.best
    this.queries += 1
  }

  get spent(): boolean {
    return this.queries >= this.curve.length
  }
}
