/** NAS-Bench-NLP's benchmark data: recepie files and training-log folders as arch files, installed losses as the stats target. */
import { nbnlpSpace } from '../../core/spaces/nbnlp/space.ts'
import { installedNbNlpLosses, NBNLP_TARGET } from '../installed-nbnlp-losses.ts'
import type { SpaceBenchmarkData } from './index.ts'
import { readNbnlpArchs } from './nbnlp-archs.ts'

export const nbnlpData: SpaceBenchmarkData = {
  space: nbnlpSpace.id,
  allArchsUnavailable: () =>
    'NAS-Bench-NLP has no enumerable space: use --archs PATH (one recepie JSON per line, or a folder of training-log JSON files) or --limit N --seed S for random recepies',
  readArchs: readNbnlpArchs,
  statsTarget: {
    datasets: ['ptb', 'wikitext-2'],
    // The benchmark's target is a loss (metric.md section 5).
    lowerIsBetter: true,
    values(store, dataset, split, archs) {
      const chosen = split ?? 'test'
      const { losses, collections } = installedNbNlpLosses(store, dataset, chosen, archs)
      return { values: losses, note: `target: NAS-Bench-NLP ${NBNLP_TARGET[chosen]}, final epoch of each run, from ${collections.map((c) => `nbnlp:${c}`).join(', ')}` }
    },
  },
}
