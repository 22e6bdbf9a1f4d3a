import { EpsinasError } from '../../../shared/errors.ts'
import { signalsAgreeingWithEpsilon } from '../ranking/agreeing-signals.ts'
import { rankEveryArch, EPSILON_SIGNAL, type RankSignal } from '../ranking/full-coverage.ts'
import { kendallTauB, spearman } from '../stats/index.ts'
import type { ExponentPair } from './grid.ts'
import type { SweepTable } from './selection.ts'
import type { SelectionStrategy, StrategyOptions } from './strategies/index.ts'

/**
 * The evaluation harness: every strategy run on a sweep whose accuracies are known, judged by
 * what the user would get (issue 13). Only the archs with an accuracy take part; the strategies
 * see the scores (and parameter counts) of those archs and never the accuracies (the grid's
 * --metric oracle is not run).
 */

/** Ranking quality of one pair over the labelled archs. */
export interface PairQuality {
  pair: ExponentPair
  /** Fraction of the labelled archs with a score (non-NaN). */
  coverage: number
  /** Over the non-NaN archs; null below 2 of them or with a constant variable. */
  spearman: number | null
  kendall: number | null
  /**
   * Over every labelled arch, of the full-coverage ranking (core/ranking: epsilon, the parameter
   * counts and the installed proxies the table carries; NaN archs placed by the others), what
   * `score --out` writes as `rank`; null when the table carries no signal besides epsilon.
   */
  spearmanFull: number | null
  /** Over every labelled arch: NaN archs tied below the lowest score ... */
  spearmanNanLast: number | null
  /** ... or tied above the highest: the two bounds of what any placement of a tied NaN group gives. */
  spearmanNanFirst: number | null
}

/** One strategy's outcome on the sweep. */
export interface StrategyEvaluation {
  strategy: string
  /** Null when the strategy chose no pair (e.g. none under the NaN threshold). */
  chosen: PairQuality | null
  /** best.spearman - chosen.spearman; null when either is unknown. */
  regret: number | null
  evidence: string | null
}

export interface Evaluation {
  /** Labelled archs judged on. */
  archs: number
  /** The grid's pair with the highest Spearman over its non-NaN archs. */
  best: PairQuality | null
  strategies: StrategyEvaluation[]
  /** Every pair of the sweep, in the sweep's order. */
  pairs: PairQuality[]
  /** The signals of the full-coverage ranking besides epsilon (e.g. parameters, synflow, jacov). */
  rankedWith: string[]
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null
}

/**
 * Quality of one pair's scores against the accuracies (aligned arrays, no null accuracy); `others`
 * are the label-free signals the full-coverage ranking adds to epsilon, aligned the same way.
 */
export function pairQuality(pair: ExponentPair, scores: ReadonlyArray<number | null>, accuracies: readonly number[], others: readonly RankSignal[] = []): PairQuality {
  const x: number[] = []
  const y: number[] = []
  scores.forEach((s, i) => {
    if (s !== null && Number.isFinite(s)) {
      x.push(s)
      y.push(accuracies[i])
    }
  })
  // Placing NaN archs below (above) every score: any value outside the scores' range gives the
  // same ranks, all NaN archs tied at the mean of their ranks.
  const low = Math.min(...x) - 1
  const high = Math.max(...x) + 1
  const placed = (fill: number): number[] => scores.map((s) => (s !== null && Number.isFinite(s) ? s : fill))
  const full = x.length > 0 && accuracies.length >= 2
  return {
    pair,
    coverage: accuracies.length === 0 ? 0 : x.length / accuracies.length,
    spearman: finiteOrNull(spearman(x, y)),
    kendall: x.length >= 2 ? finiteOrNull(kendallTauB(x, y)) : null,
    spearmanFull: others.length > 0 && accuracies.length >= 2 ? fullCoverageSpearman(scores, others, accuracies) : null,
    spearmanNanLast: full ? finiteOrNull(spearman(placed(low), accuracies)) : null,
    spearmanNanFirst: full ? finiteOrNull(spearman(placed(high), accuracies)) : null,
  }
}

/** Spearman over every arch of the ranking `score --out` writes: epsilon and the signals that agree with it. */
function fullCoverageSpearman(scores: ReadonlyArray<number | null>, others: readonly RankSignal[], accuracies: readonly number[]): number | null {
  const { kept } = signalsAgreeingWithEpsilon([{ name: EPSILON_SIGNAL, values: scores }, ...others])
  return finiteOrNull(spearman(rankEveryArch(kept, scores.length).rank.map((r) => -r), accuracies))
}

/** Runs every strategy on the labelled archs of the sweep and judges the pairs they choose. */
export function evaluateStrategies(table: SweepTable, strategies: readonly SelectionStrategy[], options: Omit<StrategyOptions, 'indices' | 'metric'>): Evaluation {
  const accuracies = table.accuracies
  if (!accuracies) throw new EpsinasError('BAD_ARGUMENT', 'the evaluation needs accuracies (--accuracies FILE)')
  const labelled = table.archs.map((_, i) => i).filter((i) => accuracies[i] !== null && Number.isFinite(accuracies[i]))
  if (labelled.length < 2) throw new EpsinasError('BAD_ARGUMENT', `the evaluation needs accuracies for at least 2 of the sweep's archs (found ${labelled.length})`)
  const labels = labelled.map((i) => accuracies[i] as number)
  const judged: SweepTable = {
    archs: labelled.map((i) => table.archs[i]),
    pairs: table.pairs.map(({ pair, epsilon }) => ({ pair, epsilon: labelled.map((i) => epsilon[i]) })),
    // Label-free like the scores: the agreement strategy ranks the pairs against them.
    ...(table.parameters ? { parameters: labelled.map((i) => (table.parameters as ReadonlyArray<number | null>)[i]) } : {}),
  }
  const others: RankSignal[] = [
    ...(judged.parameters ? [{ name: 'parameters', values: judged.parameters }] : []),
    ...(table.proxies ?? []).map(({ name, values }) => ({ name, values: labelled.map((i) => values[i]) })),
  ]
  const pairs = judged.pairs.map(({ pair, epsilon }) => pairQuality(pair, epsilon, labels, others))
  const best = pairs.reduce<PairQuality | null>((top, q) => (q.spearman !== null && (top === null || (top.spearman as number) < q.spearman) ? q : top), null)
  const results = strategies.map((strategy): StrategyEvaluation => {
    let selection
    try {
      selection = strategy.select(judged, { nanThreshold: options.nanThreshold })
    } catch (error) {
      // A strategy that cannot read this sweep (the reference needs every integer pair) is reported, not fatal to the others.
      if (error instanceof EpsinasError && error.code === 'BAD_ARGUMENT') return { strategy: strategy.id, chosen: null, regret: null, evidence: `not applicable: ${error.message}` }
      throw error
    }
    const chosenPair = selection.chosen?.pair
    const chosen = chosenPair ? (pairs.find((q) => q.pair.low === chosenPair.low && q.pair.high === chosenPair.high) ?? null) : null
    const regret = best?.spearman != null && chosen?.spearman != null ? best.spearman - chosen.spearman : null
    return { strategy: strategy.id, chosen, regret, evidence: selection.evidence ?? null }
  })
  return { archs: labelled.length, best, strategies: results, pairs, rankedWith: others.map((signal) => signal.name) }
}

function cell(x: number | null, digits = 3): string {
  return x === null ? 'n/a' : x.toFixed(digits)
}

/** The evaluation as a text table, one row per strategy and a last row for the grid's best pair. */
export function formatEvaluation(evaluation: Evaluation): string {
  const header = ['strategy', 'pair', 'coverage', 'spearman', 'kendall', 'full_rank', 'full_nan_last', 'full_nan_first', 'regret']
  const row = (name: string, q: PairQuality | null, regret: string): string[] => [
    name,
    q ? `1e${q.pair.low},1e${q.pair.high}` : 'none',
    q ? cell(q.coverage) : 'n/a',
    cell(q?.spearman ?? null),
    cell(q?.kendall ?? null),
    cell(q?.spearmanFull ?? null),
    cell(q?.spearmanNanLast ?? null),
    cell(q?.spearmanNanFirst ?? null),
    regret,
  ]
  const lines = [...evaluation.strategies.map((s) => row(s.strategy, s.chosen, cell(s.regret))), row('(grid best)', evaluation.best, '0.000')]
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((cells) => cells[i].length)))
  return [header, ...lines].map((cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n')
}
