import { describe, expect, test } from 'vitest'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { collapseGraph } from '../../../src/main/core/passes/collapse.ts'
import { printGraph } from '../../../src/main/core/ir/print.ts'
import { validateGraph } from '../../../src/main/core/ir/validate.ts'
import { prepareNetwork } from '../../../src/main/core/scoring/index.ts'
import { embeddingTable } from '../../../src/main/core/ir/embedding-table.ts'
import {
  EMBEDDING_SEED,
  buildNbnlpNetwork,
  parseNbnlpArch,
  parseRecepie,
  randomTokens,
  sampleRecepies,
  tokenMinibatch,
  type NbnlpArch,
} from '../../../src/main/core/spaces/nbnlp/index.ts'
import { GRU, LOGGED, LSTM, RNN } from './fixtures.ts'

function arch(recepie: object, sizes: Partial<Omit<NbnlpArch, 'recepie'>> = {}): NbnlpArch {
  return { ...parseNbnlpArch(recepie), ...sizes }
}

describe('NB-NLP network', () => {
  test('should compute the reference RNN cell by hand: bias w, hidden state starting at w, unit 0 step-major', () => {
    // One layer, emsize 2, nhid 3: h_t = tanh(W_x x_t + b + W_h h_{t-1}) with every weight and b = w, h_0 = w.
    const w = 0.3
    const batch = 2
    const steps = 3
    const tokens = Float32Array.from([3, 0, 4, 4, 1, 2])
    const graph = buildNbnlpNetwork(arch(RNN, { emsize: 2, nhid: 3, nlayers: 1, tied: false }), { batchSize: batch, steps, vocabulary: 5 })
    const out = runGraphTs(graph, tokens, w)
    expect(out).toHaveLength(steps * batch)
    const table = embeddingTable(5, 2, EMBEDDING_SEED)
    const wf = Math.fround(w)
    for (let j = 0; j < batch; j++) {
      let h = wf
      for (let t = 0; t < steps; t++) {
        const row = t * batch + j
        const id = tokens[row]
        h = Math.tanh(wf * (table[2 * id] + table[2 * id + 1]) + wf + wf * 3 * h)
        expect(out[row]).toBeCloseTo(h, 6)
      }
    }
  })

  test('should size the layers as AWDRNNModel: nhid, then emsize for the last layer when tied', () => {
    const sizes = (tied: boolean): number[] =>
      buildNbnlpNetwork(arch(LSTM, { emsize: 8, nhid: 12, nlayers: 3, tied }), { batchSize: 2, steps: 2 })
        .nodes.filter((n) => n.op.kind === 'fillweight')
        .map((n) => n.shape[1])
    expect(sizes(true)).toEqual([12, 12, 8])
    expect(sizes(false)).toEqual([12, 12, 12])
  })

  test('should carry every h_new_k to the next step as h_prev_k (a three-state logged cell)', () => {
    const graph = buildNbnlpNetwork(arch(LOGGED, { emsize: 4, nhid: 6, nlayers: 2 }), { batchSize: 2, steps: 3 })
    validateGraph(graph)
    // node_0 = h_prev_0 * h_prev_2: at step 2 it reads step 1's h_new_0 and h_new_2; at step 0 the initial state w.
    const byLabel = (label: string) => graph.nodes.find((n) => n.label === label)
    const inputsOf = (label: string) => byLabel(label)?.inputs.map((i) => graph.nodes[i].label)
    expect(inputsOf('layer1.t2.node_0')).toEqual(['layer1.t1.h_new_0', 'layer1.t1.h_new_2'])
    expect(inputsOf('layer1.t0.node_0')).toEqual(['layer1.h_init', 'layer1.h_init'])
    // Layer 1 reads layer 0's h_new_0 of the same step as its x.
    expect(inputsOf('layer1.t2.h_new_1')).toEqual(['layer1.t2.h_new_0', 'layer0.t2.h_new_0'])
    expect(printGraph(graph)).toMatch(/fillweight\[2x4\] \[2x4\]  layer1\.h_init/)
    expect(graph.nodes[graph.output].shape).toEqual([6, 1])
  })

  test('should drop cell nodes no output depends on', () => {
    const withDead = { ...RNN, dead: { op: 'activation_sigm', input: ['f'] } }
    const a = buildNbnlpNetwork(arch(withDead, { emsize: 4, nhid: 4, nlayers: 1 }), { batchSize: 1, steps: 2 })
    const b = buildNbnlpNetwork(arch(RNN, { emsize: 4, nhid: 4, nlayers: 1 }), { batchSize: 1, steps: 2 })
    expect(a.nodes.length).toBe(b.nodes.length)
  })

  test('should reject an elementwise op mixing x with the hidden state when their sizes differ (PyTorch cannot run it)', () => {
    const mixed = { f: { op: 'linear', input: ['x', 'h_prev_0'] }, g: { op: 'elementwise_prod', input: ['x', 'f'] }, h_new_0: { op: 'activation_tanh', input: ['g'] } }
    expect(() => buildNbnlpNetwork(arch(mixed, { emsize: 4, nhid: 6, nlayers: 2 }), { batchSize: 1, steps: 1 })).toThrow(
      /node 'g' \(elementwise_prod\) in layer 0 combines operands of 4 and 6 features/,
    )
    // Same sizes: the reference runs it, so do we.
    expect(() => buildNbnlpNetwork(arch(mixed, { emsize: 6, nhid: 6, nlayers: 2 }), { batchSize: 1, steps: 1 })).not.toThrow()
    const activationOnX = { h_new_0: { op: 'activation_tanh', input: ['x'] }, f: { op: 'linear', input: ['h_prev_0'] } }
    expect(() => buildNbnlpNetwork(arch(activationOnX, { emsize: 4, nhid: 6 }), { batchSize: 1, steps: 1 })).toThrow(/output h_new_0 has 4 features in layer 0/)
  })

  test('should collapse everything after the first linear to one stored channel, the embedded input staying full width', () => {
    for (const recepie of [LSTM, GRU, ...sampleRecepies(10, 11).map((t) => JSON.parse(t) as object)]) {
      const network = buildNbnlpNetwork(arch(recepie, { emsize: 16, nhid: 24 }), { batchSize: 2, steps: 3 })
      const collapsed = collapseGraph(network, { inputPartition: [1] })
      for (const node of collapsed.nodes) {
        const wide = node.op.kind === 'embedding' || (node.op.kind === 'rows' && node.label.startsWith('x.'))
        expect(node.shape[1], `${node.label}: ${node.op.kind}`).toBe(wide ? 16 : 1)
      }
      const [last] = collapsed.nodes.filter((n) => n.op.kind === 'fillweight').slice(-1)
      expect(last.channelMultiplicity).toEqual([16])
    }
  })

  test('should keep full width where x meets the hidden state elementwise, and stay exact there', () => {
    const mixed = { f: { op: 'linear', input: ['x', 'h_prev_0'] }, g: { op: 'elementwise_prod', input: ['x', 'f'] }, h_new_0: { op: 'activation_tanh', input: ['g'] } }
    const a = arch(mixed, { emsize: 6, nhid: 6, nlayers: 2 })
    const network = buildNbnlpNetwork(a, { batchSize: 2, steps: 3, vocabulary: 50 })
    const minibatch = tokenMinibatch(randomTokens(3, 2, 4, 50), 'test')
    const prepared = prepareNetwork(network, minibatch, 'collapsed')
    expect(prepared.graph.nodes.some((n) => n.op.kind === 'regroup')).toBe(true)
    const full = runGraphTs(network, minibatch.data, 0.05)
    const collapsed = prepared.fullOutput(runGraphTs(prepared.graph, prepared.input, 0.05))
    expect(Array.from(collapsed)).toEqual(Array.from(full))
  })
})

describe('NB-NLP input', () => {
  test('should embed token (t, j) at row t * batch + j of the encoder output with a fixed-seed uniform(0, 1) table', () => {
    const table = embeddingTable(100, 5, EMBEDDING_SEED)
    expect(embeddingTable(100, 5, EMBEDDING_SEED)).toBe(table)
    expect(table.every((v) => v >= 0 && v < 1)).toBe(true)
    expect(new Set(table).size).toBeGreaterThan(490)
    const tokens = randomTokens(4, 3, 9, 100)
    const network = buildNbnlpNetwork(arch(RNN, { emsize: 5, nhid: 4, nlayers: 1 }), { batchSize: 3, steps: 4, vocabulary: 100 })
    const encoder = network.nodes.find((n) => n.op.kind === 'embedding')
    const graph = { ...network, output: encoder?.id ?? -1 }
    const embedded = runGraphTs(graph, tokenMinibatch(tokens, 't').data, 0.1)
    const id = tokens.ids[2 * 3 + 1]
    expect(Array.from(embedded.subarray((2 * 3 + 1) * 5, (2 * 3 + 2) * 5))).toEqual(Array.from(table.subarray(id * 5, id * 5 + 5)))
    expect(() => runGraphTs(network, Float32Array.from(new Array(12).fill(100)), 0.1)).toThrow(/token id 100 is outside the 100-word vocabulary/)
  })

  test('should read the hidden tuple size from the outputs (three states for the logged cell)', () => {
    expect(parseRecepie(LOGGED).hiddenTupleSize).toBe(3)
  })
})
