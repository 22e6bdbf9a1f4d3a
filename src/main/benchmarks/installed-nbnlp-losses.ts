import { EpsinasError } from '../../shared/errors.ts'
import { formatRecepie, parseNbnlpArch, parseRecepie } from '../core/spaces/nbnlp/index.ts'
import { nbNlpCollections, nbNlpModels, type BenchmarkStore } from '../store/benchmarks.ts'
import type { AccuracySplit } from './accuracy-tables.ts'

/** What the NB-NLP "accuracy" is: the benchmark's target is a loss, so the statistics negate it. */
export const NBNLP_TARGET = {
  test: 'mean final test loss (cross-entropy; lower is better, negated for the statistics)',
  valid: 'mean final validation loss (cross-entropy; lower is better, negated for the statistics)',
} as const

/**
 * Installed NB-NLP losses of `archs`, joined by recepie (the hyper-parameters an arch id carries do
 * not take part: the logs of one recepie share them). Recepies whose runs all diverged give NaN, so
 * the statistics count them as dropped, as the reference's nanmean does. When several collections
 * hold a recepie the first by name wins. Throws BAD_FILE naming what to install when nothing is.
 */
export function installedNbNlpLosses(
  store: BenchmarkStore,
  dataset: string,
  split: AccuracySplit,
  archs: Iterable<string>,
): { losses: Map<string, number>; collections: string[] } {
  const collections = nbNlpCollections(store, dataset)
  if (collections.length === 0) {
    throw new EpsinasError(
      'BAD_FILE',
      `no NAS-Bench-NLP ${dataset} logs are installed in ${store.path}: run epsinas data download nbnlp-logs-single then epsinas data convert nbnlp-logs-single, or pass --accuracies FILE`,
    )
  }
  const byRecepie = new Map<string, number>()
  for (const collection of collections) {
    for (const model of nbNlpModels(store, collection, dataset)) {
      const key = recepieKey(model.recepie)
      if (key === null || byRecepie.has(key)) continue
      const loss = split === 'test' ? (model.testLoss?.mean ?? null) : model.valLossMean
      byRecepie.set(key, loss ?? Number.NaN)
    }
  }
  const losses = new Map<string, number>()
  for (const arch of archs) {
    const loss = byRecepie.get(JSON.stringify(formatRecepie(parseNbnlpArch(arch).recepie)))
    if (loss !== undefined) losses.set(arch, loss)
  }
  return { losses, collections }
}

/** The canonical recepie text, or null for a logged recepie our parser rejects (it cannot match a scored arch). */
function recepieKey(text: string): string | null {
  try {
    return JSON.stringify(formatRecepie(parseRecepie(text)))
  } catch {
    return null
  }
}
