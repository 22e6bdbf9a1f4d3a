import { SeededRandom } from '../../random.ts'
import type { EmbeddingInit } from '../../ir/embedding-table.ts'
import type { Minibatch } from '../../../data/minibatch.ts'
import { EpsinasError } from '../../../../shared/errors.ts'

/**
 * The NB-NLP network input: a batch of token ids. The network embeds them itself (the IR's
 * `embedding` op, a seeded uniform(0, 1) table, see ir/embedding-table.ts), so one minibatch serves
 * architectures of every embedding size.
 */

/** Size of the Penn Treebank vocabulary the benchmark's language model was built for (data.Corpus on PTB). */
export const PTB_VOCABULARY = 10_000
/** The reference seeds everything with 21 before it draws the embedding; our table's stream uses 21 too. */
export const EMBEDDING_SEED = 21
/** Sequence length of the scoring batch: the benchmark's bptt (get_batch takes source[0:70]). */
export const NBNLP_STEPS = 70

/**
 * The embedding initialisations of paper section 3.4 (Table 10), by name. `uniform-pos-1`, U[0, 1),
 * is the reference's and the default: undefined, so its networks carry no distribution at all and
 * stay what they were before variants existed (ir/embedding-table.ts).
 */
export const NBNLP_EMBEDDINGS: Readonly<Record<string, EmbeddingInit | undefined>> = {
  'uniform-pos-0.1': { distribution: 'uniform', low: 0, high: 0.1 },
  'uniform-pos-1': undefined,
  'uniform-centred-0.1': { distribution: 'uniform', low: -0.1, high: 0.1 },
  'uniform-centred-1': { distribution: 'uniform', low: -1, high: 1 },
  'normal-0.1': { distribution: 'normal', std: 0.1 },
  'normal-1': { distribution: 'normal', std: 1 },
}

/** The default variant's name: left out of an arch's written form. */
export const DEFAULT_NBNLP_EMBEDDING = 'uniform-pos-1'

/** Token ids `ids[t * batchSize + j]` (step t of sequence j), as the PTB reader's TokenBatch. */
export interface TokenIds {
  readonly ids: Int32Array
  readonly steps: number
  readonly batchSize: number
}

/** Seeded uniform token ids over `vocabulary`, standing in for PTB text when none is installed. */
export function randomTokens(steps: number, batchSize: number, seed: number, vocabulary = PTB_VOCABULARY): TokenIds {
  const random = new SeededRandom(seed)
  const ids = new Int32Array(steps * batchSize)
  for (let k = 0; k < ids.length; k++) ids[k] = random.nextInt(vocabulary)
  return { ids, steps, batchSize }
}

/**
 * Token ids as the network's input: [steps * batch, 1] float32 (ids below 2^24 are exact), carried by
 * the image-batch plumbing as [steps * batch, 1, 1, 1].
 */
export function tokenMinibatch(tokens: TokenIds, descriptor: string): Minibatch {
  return {
    shape: [tokens.steps * tokens.batchSize, 1, 1, 1],
    data: Float32Array.from(tokens.ids),
    channelsIdentical: true,
    descriptor,
  }
}

/**
 * The NB-NLP minibatch of a synthetic configuration: seeded uniform token ids over the PTB
 * vocabulary, NBNLP_STEPS x batchSize. Text has no grey or normal version, so every synthetic input
 * source means these ids (the source name stays part of the cache key); `--input real` reads the
 * installed PTB text instead (data/readers/installed-ptb.ts).
 */
export function syntheticTokenMinibatch(batchSize: number, input: string, seed: number): Minibatch {
  if (input === 'real') throw new EpsinasError('INTERNAL', 'real PTB tokens come from data/readers/installed-ptb.ts')
  return tokenMinibatch(randomTokens(NBNLP_STEPS, batchSize, seed), `tokens:uniform:seed=${seed}`)
}
