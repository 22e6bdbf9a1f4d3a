import type { Graph } from '../ir/graph.ts'
import { provablyFinite } from '../ir/bound.ts'
import { getSpace, type NetworkForm } from '../spaces/registry.ts'
import type { DatasetId, SpaceId } from '../../../shared/types.ts'

export type { NetworkForm } from '../spaces/registry.ts'

/** What fixes the network of one architecture, apart from the weights. */
export interface NetworkSpec {
  space: SpaceId
  dataset: DatasetId
  batchSize: number
}

/** Throws BAD_ARGUMENT for an unknown space, or unless `dataset` is one the space is defined on (NB101: cifar10 only). */
export function checkSpaceDataset(space: SpaceId, dataset: DatasetId): void {
  getSpace(space).checkDataset(dataset)
}

/** The full-width network of one architecture. Throws BAD_ARCH for a malformed arch. */
export function buildNetwork(arch: string, spec: NetworkSpec, form: NetworkForm): Graph {
  return getSpace(spec.space).buildNetwork(arch, { dataset: spec.dataset, batchSize: spec.batchSize, form })
}

/** The arch in its normal written form (the cache key), or BAD_ARCH. */
export function normalizeArch(space: SpaceId, arch: string): string {
  return getSpace(space).normalize(arch)
}

/**
 * The canonical id under which `arch` may share its score with other archs, or null when sharing
 * is not provably exact: the canonical form drops `x * 0` terms, which equal 0 only for finite x,
 * so it is used only when the literal network provably stays finite at every weight given.
 * Spaces without a canonical form (NB101, NB-NLP) share nothing: every arch is scored as given.
 */
export function shareableCanonicalKey(arch: string, spec: NetworkSpec, weights: readonly number[], inputBound: number): string | null {
  const space = getSpace(spec.space)
  if (!space.hasCanonicalForm) return null
  const literal = buildNetwork(arch, spec, 'literal')
  if (!weights.every((w) => provablyFinite(literal, w, inputBound))) return null
  return space.canonicalKey(arch)
}
