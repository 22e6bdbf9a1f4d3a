/** The NAS-Bench-NLP search space: recepies (parse, validate, format), architectures with hyper-parameters, network builder, input embedding, sampler. */
export { RECEPIE_OPS, formatRecepie, parseRecepie, type Recepie, type RecepieNode, type RecepieOp } from './recepie.ts'
export { NBNLP_DEFAULTS, formatNbnlpArch, nbnlpArchWithEmbedding, normalizeNbnlpArch, parseNbnlpArch, type NbnlpArch } from './arch.ts'
export { LEAKY_RELU_SLOPE, buildNbnlpNetwork, type NbnlpNetworkOptions } from './network.ts'
export { DEFAULT_NBNLP_EMBEDDING, EMBEDDING_SEED, NBNLP_EMBEDDINGS, NBNLP_STEPS, PTB_VOCABULARY, randomTokens, syntheticTokenMinibatch, tokenMinibatch, type TokenIds } from './embedding.ts'
export { randomRecepie, sampleRecepies } from './sample.ts'
export { nbnlpSpace } from './space.ts'
