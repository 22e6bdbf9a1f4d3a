/** scores:list: the cached scores of one configuration, read without writing anything. */
import type { ScoreListItem, ScoresListRequest } from '../../../shared/api.ts'
import { DATASETS } from '../../../shared/types.ts'
import { engineKey } from '../../core/scoring/index.ts'
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
  const configId = store.findConfigId({
    space: request.space,
    dataset: request.dataset,
    classes,
    imageSize,
    input: request.input,
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
