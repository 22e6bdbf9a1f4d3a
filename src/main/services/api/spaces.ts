/** spaces:list: every registered search space, built-in and user, for the renderer's pickers. */
import type { SpaceView } from '../../../shared/api.ts'
import { listSpaces } from '../../core/spaces/registry.ts'

/** The registry's spaces in their offered order (the first is the default). */
export function listSpaceViews(): SpaceView[] {
  return listSpaces().map((space) => ({
    id: space.id,
    title: space.title,
    datasets: [...space.datasets],
    defaultWeights: [space.defaultWeights[0], space.defaultWeights[1]],
    size: space.size,
  }))
}
