import { defineSpace } from '../search-space.ts'
import { formatNbnlpArch, normalizeNbnlpArch, parseNbnlpArch, withNbnlpEmbedding } from './arch.ts'
import { NBNLP_STEPS } from './embedding.ts'
import { buildNbnlpNetwork } from './network.ts'
import { sampleRecepies } from './sample.ts'
import { nbnlpParameterCount } from './parameters.ts'
import { nbnlpMutationTokens } from './mutation-tokens.ts'

/** NAS-Bench-NLP: recurrent-cell recepies with their hyper-parameters, on Penn Treebank; unbounded. */
export const nbnlpSpace = defineSpace({
  id: 'nbnlp',
  title: 'NAS-Bench-NLP',
  datasets: ['ptb'],
  // Paper Table 8.
  defaultWeights: [1e-5, 1e-3],
  size: null,
  writtenForm: 'recepie JSON',
  parse: (text) => parseNbnlpArch(text),
  format: formatNbnlpArch,
  sample: (count, seed) => sampleRecepies(count, seed).map(normalizeNbnlpArch),
  // No canonical form yet: every recepie is scored as given.
  // Hyper-parameters travel in the arch (each training log has its own); the sequence is the benchmark's bptt.
  buildNetwork: (arch, { batchSize }) => buildNbnlpNetwork(arch, { batchSize, steps: NBNLP_STEPS }),
  parameterCount: (arch) => nbnlpParameterCount(arch),
  mutationTokens: nbnlpMutationTokens,
  // The one space whose networks embed their input (paper Table 10's variants).
  withEmbedding: withNbnlpEmbedding,
})
