/** The Weights page's automatic choice: the strategy request and the evaluation table's rows (pure). */
import type { SelectionMetricId, WeightsEvaluationView, WeightsSelectRequest } from '../../../shared/api.ts'
import { formatPair, formatPercent, formatStat } from './format.ts'

/** One row of the evaluation table, formatted as shown. */
export interface EvaluationRow {
  strategy: string
  pair: string
  coverage: string
  spearman: string
  regret: string
  /** Why a strategy chose nothing (e.g. the reference needs every integer pair); '' otherwise. */
  note: string
  /** The strategy the page shows as the automatic choice. */
  current: boolean
}

/** The weights:select request of the page: the grid's metric only with the grid strategy (the service refuses it otherwise). */
export function selectRequest(jobId: string, strategy: string, chooseBy: SelectionMetricId | ''): WeightsSelectRequest {
  return { jobId, strategy, bootstrap: 200, ...(strategy === 'grid' && chooseBy ? { metric: chooseBy } : {}) }
}

/** Each strategy's pair judged against the accuracies, then the grid's best pair (regret 0 by definition). */
export function evaluationRows(evaluation: WeightsEvaluationView, current: string): EvaluationRow[] {
  const rows = evaluation.strategies.map((s): EvaluationRow => ({
    strategy: s.strategy,
    pair: s.chosen ? formatPair(s.chosen.weights) : 'none',
    coverage: s.chosen ? formatPercent(s.chosen.coverage) : 'n/a',
    spearman: formatStat(s.chosen?.spearman),
    regret: formatStat(s.regret),
    note: s.chosen ? '' : (s.evidence ?? 'no pair chosen'),
    current: s.strategy === current,
  }))
  const best = evaluation.best
  if (best) rows.push({ strategy: "grid's best (reads accuracies)", pair: formatPair(best.weights), coverage: formatPercent(best.coverage), spearman: formatStat(best.spearman), regret: formatStat(0), note: '', current: false })
  return rows
}
