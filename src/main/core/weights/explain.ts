import type { ExponentPair } from './grid.ts'
import type { PairVerdict, Selection, Stability } from './selection.ts'

function weights(pair: ExponentPair): string {
  return `[1e${pair.low}, 1e${pair.high}]`
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`
}

function verdictText(v: PairVerdict, metric: string | undefined): string {
  const value = metric && v.metricValue !== null ? `, ${metric} ${v.metricValue.toFixed(3)}` : ''
  return `${weights(v.pair)} (${percent(v.nanFraction)} NaN${value})`
}

/** One readable paragraph: the choice, its NaN fraction, the runner-up and the stability figure. */
export function explainSelection(
  strategy: string,
  selection: Selection,
  context: { sampleSize: number; nanThreshold: number; metric?: string; stability?: Stability },
): string {
  const { chosen, runnerUp } = selection
  if (!chosen) {
    return (
      `No weight pair keeps the NaN fraction under ${percent(context.nanThreshold)} on the ${context.sampleSize} sampled architectures ` +
      `(${selection.considered.length} pairs tried). Widen the exponent grid or raise --nan-threshold.`
    )
  }
  const rule = selectionEvidence(strategy, selection, context)
  // A strategy with its own evidence holds its own score in metricValue, not a statistic of --metric.
  const metric = selection.evidence ? undefined : context.metric
  const parts = [`Chosen weights ${verdictText(chosen, metric)} on ${context.sampleSize} sampled architectures: ${rule}.`]
  if (runnerUp) parts.push(`Runner-up: ${verdictText(runnerUp, metric)}.`)
  if (context.stability) {
    parts.push(
      `In ${context.stability.resamples} bootstrap resamples of the architectures the same pair was chosen ${percent(context.stability.sameChoice)} of the time.`,
    )
  }
  return parts.join(' ')
}

/** Why the strategy chose its pair, one sentence: its own evidence, or the NaN rule it applied. */
export function selectionEvidence(strategy: string, selection: Selection, context: { nanThreshold: number; metric?: string }): string {
  if (selection.evidence) return selection.evidence
  if (strategy === 'reference') {
    return `the reference algorithm (widest window first, sliding up from the lowest exponent) stopped at the first pair under ${percent(context.nanThreshold)} NaN after trying ${selection.considered.length} pairs`
  }
  return context.metric
    ? `it has the highest ${context.metric} among the pairs under ${percent(context.nanThreshold)} NaN`
    : `it is the widest pair whose NaN fraction is under ${percent(context.nanThreshold)}`
}
