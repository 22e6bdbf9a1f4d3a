import type { Graph } from '../ir/graph.ts'
import { provablyFinite } from '../ir/bound.ts'
import { buildNb201Network, nb201CanonicalKey, normalizeNb201Arch } from '../spaces/nb201/index.ts'
import { NB101_REFERENCE_OUTPUTS, buildNb101Network, normalizeNb101Arch } from '../spaces/nb101/index.ts'
import { NBNLP_STEPS, buildNbnlpNetwork, normalizeNbnlpArch, parseNbnlpArch } from '../spaces/nbnlp/index.ts'
import { DATASETS, SPACE_DATASETS, type DatasetId, type SpaceId } from '../../../shared/types.ts'
import { EpsinasError } from '../../../shared/errors.ts'

/** What fixes the network of one architecture, apart from the weights. */
export interface NetworkSpec {
  space: SpaceId
  dataset: DatasetId
  batchSize: number
}

/** `literal`: the reference network op for op; `pruned`: its canonical form (see canonical.ts). */
export type NetworkForm = 'literal' | 'pruned'

/** Throws BAD_ARGUMENT unless `dataset` is one the space is defined on (NB101: cifar10 only). */
export function checkSpaceDataset(space: SpaceId, dataset: DatasetId): void {
  const allowed = SPACE_DATASETS[space]
  if (!allowed) throw new EpsinasError('BAD_ARGUMENT', `unknown search space '${String(space)}'`)
  if (!allowed.includes(dataset)) {
    throw new EpsinasError('BAD_ARGUMENT', `search space ${space} is defined on ${allowed.join(', ')} only (got --dataset ${dataset})`)
  }
}

/** The full-width network of one architecture. Throws BAD_ARCH for a malformed arch. */
export function buildNetwork(arch: string, spec: NetworkSpec, form: NetworkForm): Graph {
  switch (spec.space) {
    case 'nb201': {
      const { classes, imageSize } = DATASETS[spec.dataset]
      return buildNb201Network(arch, { batchSize: spec.batchSize, imageSize, classes, form })
    }
    case 'nb101': {
      // NB101 has no pruned form beyond the spec pruning every spec goes through.
      checkSpaceDataset(spec.space, spec.dataset)
      const { imageSize } = DATASETS[spec.dataset]
      return buildNb101Network(arch, { batchSize: spec.batchSize, imageSize, classes: NB101_REFERENCE_OUTPUTS })
    }
    case 'nbnlp':
      // Hyper-parameters travel in the arch (each training log has its own); the sequence is the benchmark's bptt.
      checkSpaceDataset(spec.space, spec.dataset)
      return buildNbnlpNetwork(parseNbnlpArch(arch), { batchSize: spec.batchSize, steps: NBNLP_STEPS })
    default:
      throw new EpsinasError('BAD_ARGUMENT', `unknown search space '${String(spec.space)}'`)
  }
}

/** The arch in its normal written form (the cache key), or BAD_ARCH. */
export function normalizeArch(space: SpaceId, arch: string): string {
  switch (space) {
    case 'nb201':
      return normalizeNb201Arch(arch)
    case 'nb101':
      return normalizeNb101Arch(arch)
    case 'nbnlp':
      return normalizeNbnlpArch(arch)
    default:
      throw new EpsinasError('BAD_ARGUMENT', `unknown search space '${String(space)}'`)
  }
}

/**
 * The canonical id under which `arch` may share its score with other archs, or null when sharing
 * is not provably exact: the canonical form drops `x * 0` terms, which equal 0 only for finite x,
 * so it is used only when the literal network provably stays finite at every weight given.
 */
export function shareableCanonicalKey(arch: string, spec: NetworkSpec, weights: readonly number[], inputBound: number): string | null {
  // Isomorphic NB101 specs share a module hash but not their scores (vertex order decides which
  // vertices get the extra channel), so NB101 shares nothing: every spec is scored as given.
  // NB-NLP has no canonical form yet: every recepie is scored as given.
  if (spec.space === 'nb101' || spec.space === 'nbnlp') return null
  const literal = buildNetwork(arch, spec, 'literal')
  if (!weights.every((w) => provablyFinite(literal, w, inputBound))) return null
  switch (spec.space) {
    case 'nb201':
      return nb201CanonicalKey(arch)
    default:
      return null
  }
}
