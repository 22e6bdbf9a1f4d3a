/**
 * Which signals the full-coverage ranking may aggregate. The mean of log-percentiles assumes every
 * signal orders the archs the way quality does; a proxy that orders them against epsilon breaks
 * that premise, label-free visible. Measured (docs/ranking.md): jacov ranks NB101 at -0.45 against
 * accuracy and -0.24 against epsilon; with it, the NB101 full-coverage Spearman is 0.41, without
 * it 0.67, while on NB201 every default signal agrees with epsilon (0.67 to 0.81) and stays.
 * The threshold is zero, the sign itself: nothing was tuned.
 */
import { spearman } from '../stats/index.ts'
import { EPSILON_SIGNAL, type RankSignal } from './full-coverage.ts'

/** Fewer archs in common with epsilon than this cannot show a disagreement: the signal stays. */
export const MIN_COMMON_WITH_EPSILON = 10

/** A signal left out, with the evidence. */
export interface DroppedSignal {
  name: string
  /** Spearman with epsilon over the archs both score. */
  spearman: number
  common: number
}

/**
 * The signals to aggregate: epsilon, and every other signal unless it ranks the archs both score
 * against epsilon (Spearman <= 0 over at least MIN_COMMON_WITH_EPSILON of them; a constant signal,
 * whose Spearman is undefined, cannot order anything and is dropped too).
 */
export function signalsAgreeingWithEpsilon(signals: readonly RankSignal[]): { kept: RankSignal[]; dropped: DroppedSignal[] } {
  const epsilon = signals.find((signal) => signal.name === EPSILON_SIGNAL)
  if (epsilon === undefined) return { kept: [...signals], dropped: [] }
  const kept: RankSignal[] = []
  const dropped: DroppedSignal[] = []
  for (const signal of signals) {
    if (signal === epsilon) {
      kept.push(signal)
      continue
    }
    const x: number[] = []
    const y: number[] = []
    signal.values.forEach((value, i) => {
      const e = epsilon.values[i]
      if (value === null || e === null || !Number.isFinite(value) || !Number.isFinite(e)) return
      x.push(e)
      y.push(value)
    })
    if (x.length < MIN_COMMON_WITH_EPSILON) {
      kept.push(signal)
      continue
    }
    const rho = spearman(x, y)
    if (Number.isFinite(rho) && rho > 0) kept.push(signal)
    else dropped.push({ name: signal.name, spearman: rho, common: x.length })
  }
  return { kept, dropped }
}

/** One line for a dropped signal, e.g. `jacov left out of the ranking: it ranks against epsilon (Spearman -0.243 on 212 archs)`. */
export function droppedSignalNote(signal: DroppedSignal): string {
  const why = Number.isFinite(signal.spearman) ? `it ranks against epsilon (Spearman ${signal.spearman.toFixed(3)} on ${signal.common} archs both score)` : `it is constant on the ${signal.common} archs epsilon scores`
  return `${signal.name} left out of the ranking: ${why}`
}
