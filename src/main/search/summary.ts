import { percentile } from '../core/stats/percentile.ts'

/** Median and quartiles (numpy's linear percentile, as the reference's np.quantile) of one step over repeats. */
export interface Quartiles {
  median: number
  q25: number
  q75: number
}

/** The best-so-far curve's quartiles per budget step over the repeats' curves (all of one length). */
export function curveQuartiles(curves: readonly Float64Array[]): { median: number[]; q25: number[]; q75: number[] } {
  const steps = curves[0]?.length ?? 0
  const median: number[] = []
  const q25: number[] = []
  const q75: number[] = []
  for (let step = 0; step < steps; step++) {
    const column = curves.map((curve) => curve[step])
    median.push(percentile(column, 50))
    q25.push(percentile(column, 25))
    q75.push(percentile(column, 75))
  }
  return { median, q25, q75 }
}
