/** The NAS-Bench-101 search space: model specs (validate, prune, format), module hash, network builder, sampler. */
export {
  NB101_MAX_EDGES,
  NB101_MAX_VERTICES,
  NB101_OPS,
  NB101_SIZE,
  edgeCount,
  formatNb101Spec,
  normalizeNb101Arch,
  parseNb101Spec,
  type Nb101Label,
  type Nb101Op,
  type Nb101Spec,
} from './spec.ts'
export { hashModule, nb101Hash } from './hash.ts'
export { md5Hex } from '../../md5.ts'
export { computeVertexChannels } from './channels.ts'
export { NB101_BN_EPS, NB101_REFERENCE_OUTPUTS, buildNb101Network, type Nb101NetworkOptions } from './network.ts'
export { randomNb101Spec, sampleNb101Specs } from './sample.ts'
export { nb101Space } from './space.ts'
