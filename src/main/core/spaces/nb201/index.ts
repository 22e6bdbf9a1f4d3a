/** The NAS-Bench-201 search space: arch strings, canonical form, network builder. */
export {
  NB201_OPS,
  NB201_SIZE,
  enumerateNb201,
  formatNb201Arch,
  nb201ArchAt,
  nb201ArchFromOpIndices,
  normalizeNb201Arch,
  parseNb201Arch,
  type Nb201Cell,
  type Nb201Edge,
  type Nb201Op,
} from './arch.ts'
export { nb201CanonicalKey, type CellExpr } from './canonical.ts'
export { BN_EPS, buildNb201Network, type Nb201NetworkOptions } from './network.ts'
export { nb201Space } from './space.ts'
