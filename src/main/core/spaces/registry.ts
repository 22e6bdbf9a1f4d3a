/**
 * The one registry of search spaces: every place that needs a space looks it up here by id, so a
 * new built-in space is its folder, one line in BUILT_IN_SPACES, and its tests.
 */
import { cutInput, EpsinasError } from '../../../shared/errors.ts'
import type { SpaceId } from '../../../shared/types.ts'
import type { SearchSpace } from './search-space.ts'
import { nb201Space } from './nb201/space.ts'
import { nb101Space } from './nb101/space.ts'
import { nbnlpSpace } from './nbnlp/space.ts'
import { natsSssSpace } from './natssss/space.ts'

export { datasetInputShape, defineSpace, type NetworkForm, type NetworkOptions, type SearchSpace, type SpaceDefinition } from './search-space.ts'

/** The built-in spaces, in the order they are offered (the first is the default). */
const BUILT_IN_SPACES: readonly SearchSpace[] = [nb201Space, nb101Space, nbnlpSpace, natsSssSpace]

/** The id of the default space (command-line default, first in the renderer's pickers). */
export const DEFAULT_SPACE_ID: SpaceId = BUILT_IN_SPACES[0].id

const registered = new Map<string, SearchSpace>()

/** Ids are command-line words, cache-key parts and file-name parts. */
const SPACE_ID = /^[a-z][a-z0-9-]{0,31}$/

/** Why `id` cannot name a search space, or null when it can. */
export function spaceIdProblem(id: string): string | null {
  return SPACE_ID.test(id) ? null : `search space id ${JSON.stringify(cutInput(id))} is not a lower-case word of at most 32 letters, digits and '-' (starting with a letter)`
}

/**
 * Adds a space to the registry (the built-ins come through here too). Throws BAD_ARGUMENT for an
 * id that is malformed or already taken, so no space can shadow another.
 */
export function registerSpace(space: SearchSpace): void {
  const problem = spaceIdProblem(space.id)
  if (problem !== null) throw new EpsinasError('BAD_ARGUMENT', problem)
  if (registered.has(space.id)) throw new EpsinasError('BAD_ARGUMENT', `search space ${space.id} is already registered`)
  if (space.datasets.length === 0) throw new EpsinasError('BAD_ARGUMENT', `search space ${space.id} names no dataset`)
  registered.set(space.id, space)
}

/** Whether `id` names one of the spaces that come with the program (never removed or replaced). */
export function isBuiltInSpace(id: string): boolean {
  return BUILT_IN_SPACES.some((space) => space.id === id)
}

/** Removes a space that is not built in (for spaces registered at run time, and tests). */
export function unregisterSpace(id: SpaceId): void {
  if (isBuiltInSpace(id)) throw new EpsinasError('BAD_ARGUMENT', `search space ${id} is built in and cannot be removed`)
  registered.delete(id)
}

for (const space of BUILT_IN_SPACES) registerSpace(space)

/** Every registered space, built-ins first, in registration order. */
export function listSpaces(): SearchSpace[] {
  return [...registered.values()]
}

/** Every registered space id, in the order of listSpaces. */
export function spaceIds(): SpaceId[] {
  return [...registered.keys()]
}

/** Whether `id` names a registered space. */
export function isSpaceId(id: unknown): id is SpaceId {
  return typeof id === 'string' && registered.has(id)
}

/** The space `id` names, or BAD_ARGUMENT in one line listing the known ones. */
export function getSpace(id: SpaceId): SearchSpace {
  const space = registered.get(id)
  if (space === undefined) throw new EpsinasError('BAD_ARGUMENT', unknownSpaceMessage(id))
  return space
}

/** "unknown search space 'x' (known: nb201, nb101, nbnlp)". */
export function unknownSpaceMessage(id: unknown): string {
  return `unknown search space '${cutInput(String(id))}' (known: ${spaceIds().join(', ')})`
}
