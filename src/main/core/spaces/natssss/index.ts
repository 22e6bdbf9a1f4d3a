/** The NATS-Bench size search space: channel arch strings, network builder. */
export {
  NATSSSS_CHANNELS,
  NATSSSS_PLACES,
  NATSSSS_SIZE,
  enumerateNatsSss,
  formatNatsSssArch,
  natsSssArchAt,
  normalizeNatsSssArch,
  parseNatsSssArch,
  type NatsSssArch,
} from './arch.ts'
export { NATSSSS_CELL, buildNatsSssNetwork, type NatsSssNetworkOptions } from './network.ts'
export { natsSssSpace } from './space.ts'
