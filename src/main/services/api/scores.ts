/** scores:list: the cached scores of one configuration, read without writing anything. */
import type { ScoreListItem, ScoresListRequest } from '../../../shared/api.ts'
import { DATASETS } from '../../../shared/types.ts'
import { engineKey } from '../../core/scoring/index.ts'
import { inputCacheKey } from '../../data/index.ts'
import type { ScoreStore } from '../../store/index.ts'
import { resolveEngine } from '../scoring.ts'
import { checkWeightPair } from '../score-parameters.ts'

/** Default page size when the request names none: every score of NAS-Bench-201 fits. */
const DEFAULT_LIMIT = 100_000

/** The scores of the configuration, ordered by arch; an unknown configuration has none. */
export async function listScores(store: ScoreStore, request: ScoresListRequest): Promise<ScoreListItem[]> {
  checkWeightPair(request.weights)
  const { engine } = await resolveEngine(request.engine, request.engine === 'collapsed' ? 'auto' : (request.backend ?? 'auto'))
  const { classes, imageSize } = DATASETS[request.dataset]
  // `real` scores are keyed by the installed data's hashes; with none installed, none can be named.
  const input = await inputCacheKey(request.input, request.dataset).catch(() => null)
  if (input === null) return []
  const configId = store.findConfigId({
    space: request.space,
    dataset: request.dataset,
    classes,
    imageSize,
    input,
    inputSeed: request.inputSeed,
    batchSize: request.batchSize,
    weights: request.weights,
    engine: engineKey(engine),
  })
  if (configId === null) return []
  return store
    .scoresFor(configId)
    .slice(0, request.limit ?? DEFAULT_LIMIT)
    .map((score) => ({ arch: score.arch, epsilon: score.epsilon, nanReason: score.nanReason }))
}
