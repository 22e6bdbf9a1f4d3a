import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { loadTfjs, runGraphTfjs } from '../../../src/main/core/backends/tfjs/index.ts'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { embeddingTable } from '../../../src/main/core/ir/embedding-table.ts'
import { SeededRandom } from '../../../src/main/core/random.ts'
import type { Graph } from '../../../src/main/core/ir/graph.ts'
import { printGraph } from '../../../src/main/core/ir/print.ts'
import { prepareNetwork } from '../../../src/main/core/scoring/index.ts'
import {
  EMBEDDING_SEED,
  NBNLP_EMBEDDINGS,
  buildNbnlpNetwork,
  nbnlpArchWithEmbedding,
  normalizeNbnlpArch,
  parseNbnlpArch,
  randomTokens,
  tokenMinibatch,
} from '../../../src/main/core/spaces/nbnlp/index.ts'
import { LSTM, RNN } from './fixtures.ts'

/**
 * Paper Table 10 (section 3.4): six embedding initialisations. The default, U[0, 1), must stay what
 * it was bit for bit (its cache keys and its table), and every engine must see the same table.
 */

/** sha256 of the default 10,000 x 400 table's float32 bytes and the LSTM arch's key, as they were before variants existed. */
const DEFAULT_TABLE_SHA256 = 'f13e14052122c459022a654efa365f8e108944d1947b0608b79c004c6488e999'
const LSTM_KEY =
  '{"emsize":400,"nhid":600,"nlayers":3,"tied":true,"recepie":{"f":{"op":"linear","input":["x","h_prev_0"]},"f_act":{"op":"activation_sigm","input":["f"]},"h_new_0":{"op":"elementwise_prod","input":["h_new_1_act","o_act"]},"h_new_1":{"op":"elementwise_sum","input":["h_new_1_part1","h_new_1_part2"]},"h_new_1_act":{"op":"activation_tanh","input":["h_new_1"]},"h_new_1_part1":{"op":"elementwise_prod","input":["f_act","h_prev_1"]},"h_new_1_part2":{"op":"elementwise_prod","input":["i_act","j_act"]},"i":{"op":"linear","input":["x","h_prev_0"]},"i_act":{"op":"activation_tanh","input":["i"]},"j":{"op":"linear","input":["x","h_prev_0"]},"j_act":{"op":"activation_sigm","input":["j"]},"o":{"op":"linear","input":["x","h_prev_0"]},"o_act":{"op":"activation_tanh","input":["o"]}}}'

function encoderOf(graph: Graph): Graph {
  const encoder = graph.nodes.find((n) => n.op.kind === 'embedding')
  if (!encoder) throw new Error('no embedding op')
  return { ...graph, output: encoder.id }
}

describe('NB-NLP embedding variants (paper Table 10)', () => {
  test('should keep the default U[0, 1) table and the cache key bit for bit', () => {
    const table = embeddingTable(10_000, 400, EMBEDDING_SEED)
    expect(createHash('sha256').update(Buffer.from(table.buffer, table.byteOffset, table.byteLength)).digest('hex')).toBe(DEFAULT_TABLE_SHA256)
    expect(normalizeNbnlpArch(JSON.stringify(LSTM))).toBe(LSTM_KEY)
    // Naming the default explicitly is the same arch, the same key.
    expect(normalizeNbnlpArch(JSON.stringify({ recepie: LSTM, embedding: 'uniform-pos-1' }))).toBe(LSTM_KEY)
    expect(nbnlpArchWithEmbedding(LSTM_KEY, 'uniform-pos-1')).toBe(LSTM_KEY)
    // The default network's op has no distribution member: its JSON (common-subexpression keys) is unchanged.
    const op = buildNbnlpNetwork(parseNbnlpArch(LSTM), { batchSize: 2, steps: 2 }).nodes.find((n) => n.op.kind === 'embedding')?.op
    expect(op).toEqual({ kind: 'embedding', vocabulary: 10_000, features: 400, seed: EMBEDDING_SEED })
  })

  test('should put a non-default variant in the key, and take it back out', () => {
    const key = nbnlpArchWithEmbedding(LSTM_KEY, 'normal-0.1')
    expect(key).toBe(LSTM_KEY.replace('"tied":true,', '"tied":true,"embedding":"normal-0.1",'))
    expect(normalizeNbnlpArch(key)).toBe(key)
    expect(parseNbnlpArch(key).embedding).toBe('normal-0.1')
    expect(nbnlpArchWithEmbedding(key, 'uniform-pos-1')).toBe(LSTM_KEY)
    expect(() => parseNbnlpArch(JSON.stringify({ recepie: LSTM, embedding: 'gaussian' }))).toThrow(
      /embedding must be one of uniform-pos-0\.1, uniform-pos-1, uniform-centred-0\.1, uniform-centred-1, normal-0\.1, normal-1, got "gaussian"/,
    )
  })

  test('should draw each variant from the same stream: scaled, shifted or normal as the paper lists them', () => {
    const of = (name: string): number[] => Array.from(embeddingTable(50, 8, EMBEDDING_SEED, NBNLP_EMBEDDINGS[name]))
    // The stream's values in float64, before the table's one float32 rounding.
    const stream = (draw: (random: SeededRandom) => number): number[] => {
      const random = new SeededRandom(EMBEDDING_SEED)
      return Array.from({ length: 400 }, () => draw(random))
    }
    const u = stream((random) => random.nextFloat())
    const z = stream((random) => random.nextNormal())
    expect(NBNLP_EMBEDDINGS['uniform-pos-1']).toBeUndefined()
    expect(of('uniform-pos-1')).toEqual(Array.from(embeddingTable(50, 8, EMBEDDING_SEED)))
    expect(of('uniform-pos-1')).toEqual(u.map(Math.fround))
    expect(of('uniform-pos-0.1')).toEqual(u.map((x) => Math.fround(0.1 * x)))
    expect(of('uniform-centred-1')).toEqual(u.map((x) => Math.fround(-1 + 2 * x)))
    expect(of('uniform-centred-0.1')).toEqual(u.map((x) => Math.fround(-0.1 + 0.2 * x)))
    expect(of('normal-1')).toEqual(z.map(Math.fround))
    expect(of('normal-0.1')).toEqual(z.map((x) => Math.fround(0.1 * x)))
    // 4 million draws: mean 0, standard deviation 1 to a few parts in a thousand.
    const big = embeddingTable(10_000, 400, EMBEDDING_SEED, NBNLP_EMBEDDINGS['normal-1'])
    let sum = 0
    let squares = 0
    for (const z of big) {
      sum += z
      squares += z * z
    }
    expect(Math.abs(sum / big.length)).toBeLessThan(3e-3)
    expect(Math.abs(Math.sqrt(squares / big.length) - 1)).toBeLessThan(3e-3)
  })

  test('should build the variant into the op, print it, and feed the same table to the collapsed engine and tfjs', async () => {
    const arch = { ...parseNbnlpArch(RNN), emsize: 6, nhid: 4, nlayers: 1, embedding: 'uniform-centred-1' }
    const network = buildNbnlpNetwork(arch, { batchSize: 3, steps: 4, vocabulary: 40 })
    expect(printGraph(network)).toMatch(/embedding\(40 -> 6, seed 21, uniform\[-1, 1\)\)/)
    const minibatch = tokenMinibatch(randomTokens(4, 3, 7, 40), 'test')
    const table = embeddingTable(40, 6, EMBEDDING_SEED, NBNLP_EMBEDDINGS['uniform-centred-1'])
    const embeddedTs = runGraphTs(encoderOf(network), minibatch.data, 0.1)
    const runtime = await loadTfjs('tfjs-cpu')
    const embeddedTf = runGraphTfjs(runtime, encoderOf(network), minibatch.data, 0.1)
    expect(Array.from(embeddedTf)).toEqual(Array.from(embeddedTs))
    const id = minibatch.data[5]
    expect(Array.from(embeddedTs.subarray(30, 36))).toEqual(Array.from(table.subarray(id * 6, id * 6 + 6)))
    expect(embeddedTs.some((v) => v < 0)).toBe(true)
    // The collapsed rewrite carries the op (and so its table) through unchanged.
    const prepared = prepareNetwork(network, minibatch, 'collapsed')
    const full = runGraphTs(network, minibatch.data, 0.05)
    expect(Array.from(prepared.fullOutput(runGraphTs(prepared.graph, prepared.input, 0.05)))).toEqual(Array.from(full))
  })
})
