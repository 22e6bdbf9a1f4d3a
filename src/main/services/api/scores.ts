/** scores:list: the cached scores of one configuration, read without writing anything. */
import type { ScoreListItem, ScoresListRequest } from '../../../shared/api.ts'
import { engineKey } from '../../core/scoring/index.ts'
import { inputCacheKey } from '../../data/index.ts'
import type { ScoreStore } from '../../store/index.ts'
import { cacheArchs, resolveEngine } from '../scoring.ts'
import { checkWeightPair, scoreKeyShape } from '../score-parameters.ts'
import { getSpace } from '../../core/spaces/registry.ts'
import { refreshSpace } from '../../user-spaces/load.ts'
import { GPU_BACKEND } from './gpu-jobs.ts'

/** Default page size when the request names none: every score of NAS-Bench-201 fits. */
const DEFAULT_LIMIT = 100_000

/** The scores of the configuration, ordered by arch; an unknown configuration has none. */
export async function listScores(store: ScoreStore, request: ScoresListRequest): Promise<ScoreListItem[]> {
  checkWeightPair(request.weights)
  refreshSpace(request.space)
  // GPU jobs' scores (jobs:start-gpu) name the backend that ran in the GPU worker: nothing to load here.
  const gpu = request.engine === 'full' && request.backend === GPU_BACKEND
  const { engine } = gpu ? { engine: { engine: 'full', backend: GPU_BACKEND } as const } : await resolveEngine(request.engine, request.engine === 'collapsed' ? 'auto' : (request.backend ?? 'auto'))
  const { classes, imageSize } = scoreKeyShape(request.space, request.dataset)
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
  const stored = store.scoresFor(configId)
  const space = getSpace(request.space)
  if (!space.hasCacheArch) return stored.slice(0, request.limit ?? DEFAULT_LIMIT).map((score) => ({ arch: score.arch, epsilon: score.epsilon, nanReason: score.nanReason }))
  // Cache names carry the file's hash: only the scores of the files the space holds now, under their arch ids.
  const archOf = new Map([...cacheArchs(request.space, space.enumerate() ?? [])].map(([arch, name]) => [name, arch]))
  return stored
    .flatMap((score) => {
      const arch = archOf.get(score.arch)
      return arch === undefined ? [] : [{ arch, epsilon: score.epsilon, nanReason: score.nanReason }]
    })
    .sort((a, b) => (a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0))
    .slice(0, request.limit ?? DEFAULT_LIMIT)
}
