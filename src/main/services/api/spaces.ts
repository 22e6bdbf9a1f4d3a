/**
 * spaces:list / import / remove / show: every registered search space, built-in and user, for
 * the renderer's pickers and its Spaces page (and `epsinas space list`, which prints the same views).
 */
import type { SpaceDetails, SpaceImportRequest, SpaceView } from '../../../shared/api.ts'
import { getSpace, listSpaces, type SearchSpace } from '../../core/spaces/registry.ts'
import { importUserSpace, loadedUserSpace, loadUserSpaces, removeUserSpace } from '../../user-spaces/index.ts'
import { EpsinasError, cutInput } from '../../../shared/errors.ts'

/** The view of one registered space. */
export function spaceView(space: SearchSpace): SpaceView {
  const user = loadedUserSpace(space.id)
  const firstDataset = space.datasets[0]
  return {
    id: space.id,
    title: space.title,
    datasets: [...space.datasets],
    defaultWeights: [space.defaultWeights[0], space.defaultWeights[1]],
    size: space.size,
    kind: user ? 'onnx' : 'built-in',
    // Text spaces (NB-NLP) read token batches: no image shape.
    inputShape: firstDataset === 'ptb' ? null : [...space.inputShape(firstDataset)] as [number, number, number],
    source: user?.manifest.source ?? null,
    importedAt: user?.manifest.importedAt ?? null,
    warnings: [...(user?.manifest.warnings ?? [])],
  }
}

/**
 * The registry's spaces in their offered order (the first is the default), after re-reading the
 * user spaces folder of `dataDir`: another process (the CLI) may have imported or removed one.
 */
export function listSpaceViews(dataDir?: string): SpaceView[] {
  if (dataDir !== undefined) loadUserSpaces({ dataDir })
  return listSpaces().map(spaceView)
}

/** Imports a user space (replacing one of the same name) and returns its view. */
export function importSpaceView(request: SpaceImportRequest, dataDir?: string): SpaceView {
  const manifest = importUserSpace({ ...request, dataDir })
  return spaceView(getSpace(manifest.name))
}

/** Removes a user space; BAD_ARGUMENT for a built-in one or an unknown name. */
export function removeSpace(name: string, dataDir?: string): void {
  removeUserSpace(name, dataDir)
}

/** A space with its architectures (an imported space's files; none for built-in spaces). */
export function showSpace(name: string, dataDir?: string): SpaceDetails {
  if (dataDir !== undefined) loadUserSpaces({ dataDir })
  const space = listSpaces().find((s) => s.id === name)
  if (!space) throw new EpsinasError('BAD_ARGUMENT', `unknown search space '${cutInput(name)}' (known: ${listSpaces().map((s) => s.id).join(', ')})`)
  const user = loadedUserSpace(name)
  return { space: spaceView(space), archs: (user?.manifest.archs ?? []).map((arch) => ({ ...arch })) }
}
