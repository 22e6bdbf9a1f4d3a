/** From an architecture and a configuration to an epsilon score, on either engine. */
export { ENGINE_VERSION, checkEngineRequest, engineKey, type EngineChoice } from './engine.ts'
export { buildNetwork, checkSpaceDataset, normalizeArch, shareableCanonicalKey, type NetworkForm, type NetworkSpec } from './network.ts'
export { prepareNetwork, scorePrepared, type ForwardRunner, type PreparedNetwork } from './score.ts'
