import type { Graph, Op } from '../../ir/graph.ts'
import { GraphBuilder, type TensorRef } from '../../ir/builder.ts'
import { cutInput, EpsinasError } from '../../../../shared/errors.ts'
import type { NbnlpArch } from './arch.ts'
import { EMBEDDING_SEED, NBNLP_EMBEDDINGS, PTB_VOCABULARY } from './embedding.ts'
import type { Recepie, RecepieNode, RecepieOp } from './recepie.ts'

/**
 * The benchmark's AWDRNNModel (model.py, custom_rnn.py) as the epsinas reference scores it
 * (NAS-Bench-NLP/epsinas_utils.py compute_epsinas), unrolled over the time steps into the IR:
 * - eval mode: every dropout (embedding, locked, weight drop) is the identity;
 * - the input is the token batch [steps * batch, 1], row t * batch + j = step t of sequence j,
 *   embedded by a seeded uniform(0, 1) table (the one layer not set to w, metric.md section 1);
 * - nlayers CustomRNN layers; layer i reads the previous layer's h_new_0 at each step; hidden size
 *   nhid, except the last layer's, which is emsize when tied;
 * - every cell parameter, MultiLinear biases included, is w; the hidden state starts filled with w
 *   (init_hidden(batch, weight));
 * - output: raw_output[-1][:, :, 0] flattened, i.e. unit 0 of the last layer's h_new_0 at every step,
 *   step-major ([steps * batch, 1]). The decoder is never reached.
 */
export interface NbnlpNetworkOptions {
  batchSize: number
  /** Time steps (the benchmark's bptt, 70). */
  steps: number
  /** Token ids range over 0 .. vocabulary - 1 (PTB: 10,000). */
  vocabulary?: number
  /** Seed of the embedding table. */
  embeddingSeed?: number
}

/** torch.nn.LeakyReLU's default negative slope. */
export const LEAKY_RELU_SLOPE = 0.01

/** The IR op of a recepie op (linear outputs are hidden-sized). */
function irOp(op: RecepieOp, hidden: number): Op {
  switch (op) {
    case 'linear':
      return { kind: 'multilinear', outFeatures: hidden }
    case 'blend':
      return { kind: 'blend' }
    case 'elementwise_sum':
      return { kind: 'add' }
    case 'elementwise_prod':
      return { kind: 'mul' }
    case 'activation_tanh':
      return { kind: 'tanh' }
    case 'activation_sigm':
      return { kind: 'sigmoid' }
    case 'activation_leaky_relu':
      return { kind: 'leakyrelu', slope: LEAKY_RELU_SLOPE }
  }
}

/** Nodes the outputs depend on (the reference computes dead nodes too, but they change nothing). */
function liveNodes(recepie: Recepie): RecepieNode[] {
  const byName = new Map(recepie.nodes.map((node) => [node.name, node]))
  const live = new Set<string>()
  const stack = Array.from({ length: recepie.hiddenTupleSize }, (_, k) => `h_new_${k}`)
  while (stack.length > 0) {
    const name = stack.pop() as string
    if (live.has(name) || !byName.has(name)) continue
    live.add(name)
    stack.push(...(byName.get(name) as RecepieNode).inputs)
  }
  return recepie.nodes.filter((node) => live.has(node.name))
}

/**
 * Checks the feature count of every node of one layer's cell; throws BAD_ARCH where PyTorch would
 * fail: an elementwise op over operands of different sizes (x has inputSize features, everything
 * else hidden) or an h_new_k that is not hidden-sized (it becomes the next step's h_prev_k).
 */
function checkFeatureSizes(nodes: readonly RecepieNode[], inputSize: number, hidden: number, layer: number): void {
  const sizes = new Map<string, number>([['x', inputSize]])
  const sizeOf = (name: string): number => sizes.get(name) ?? hidden
  for (const node of nodes) {
    if (node.op === 'linear') {
      sizes.set(node.name, hidden)
      continue
    }
    const operandSizes = node.inputs.map(sizeOf)
    if (operandSizes.some((s) => s !== operandSizes[0])) {
      throw new EpsinasError(
        'BAD_ARCH',
        `recepie: node '${cutInput(node.name)}' (${node.op}) in layer ${layer} combines operands of ${operandSizes.join(' and ')} features (x has ${inputSize}, the hidden state ${hidden}); the reference model cannot run it`,
      )
    }
    sizes.set(node.name, operandSizes[0])
  }
  for (const [name, size] of sizes) {
    if (name.startsWith('h_new_') && size !== hidden) {
      throw new EpsinasError('BAD_ARCH', `recepie: output ${cutInput(name)} has ${size} features in layer ${layer}, but the hidden state has ${hidden}`)
    }
  }
}

/** The full-width network of one architecture. Throws BAD_ARCH where the reference model cannot be built or run. */
export function buildNbnlpNetwork(arch: NbnlpArch, options: NbnlpNetworkOptions): Graph {
  const { batchSize, steps } = options
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && Number.isInteger(steps) && steps >= 1)) {
    throw new EpsinasError('BAD_ARGUMENT', `batch size and steps must be positive integers (got ${batchSize}, ${steps})`)
  }
  const nodes = liveNodes(arch.recepie)
  const b = new GraphBuilder()
  const tokens = b.input([steps * batchSize, 1])
  // The default embedding adds no member: its op, and every key derived from it, stays as it was.
  const init = arch.embedding === undefined ? undefined : NBNLP_EMBEDDINGS[arch.embedding]
  const embeddingOp = { kind: 'embedding' as const, vocabulary: options.vocabulary ?? PTB_VOCABULARY, features: arch.emsize, seed: options.embeddingSeed ?? EMBEDDING_SEED }
  const embedded = b.add(init === undefined ? embeddingOp : { ...embeddingOp, init }, [tokens], 'encoder')
  let layerInputs: TensorRef[] = Array.from({ length: steps }, (_, t) => b.add({ kind: 'rows', start: t * batchSize, count: batchSize }, [embedded], `x.t${t}`))
  for (let layer = 0; layer < arch.nlayers; layer++) {
    const inputSize = layer === 0 ? arch.emsize : arch.nhid
    const hidden = layer === arch.nlayers - 1 && arch.tied ? arch.emsize : arch.nhid
    checkFeatureSizes(nodes, inputSize, hidden, layer)
    layerInputs = b.scope(`layer${layer}`, () => buildLayer(b, nodes, arch.recepie.hiddenTupleSize, layerInputs, batchSize, hidden))
  }
  const firstUnits = layerInputs.map((ref, t) => b.add({ kind: 'channelslice', start: 0, size: 1 }, [ref], `out.t${t}`))
  return b.build(b.add({ kind: 'stackrows' }, firstUnits, 'output'))
}

/** One CustomRNN layer over all steps; returns h_new_0 of every step (the layer's raw output). */
function buildLayer(b: GraphBuilder, nodes: readonly RecepieNode[], tupleSize: number, inputs: readonly TensorRef[], batchSize: number, hidden: number): TensorRef[] {
  const initial = b.add({ kind: 'fillweight', shape: [batchSize, hidden] }, [], 'h_init')
  let state: TensorRef[] = new Array<TensorRef>(tupleSize).fill(initial)
  return inputs.map((x, t) =>
    b.scope(`t${t}`, () => {
      const values = new Map<string, TensorRef>([['x', x]])
      state.forEach((ref, k) => values.set(`h_prev_${k}`, ref))
      for (const node of nodes) {
        const operands = node.inputs.map((name) => values.get(name) as TensorRef)
        values.set(node.name, b.add(irOp(node.op, hidden), operands, node.name))
      }
      // h_new_k is always live (liveNodes starts from every output).
      state = state.map((_, k) => values.get(`h_new_${k}`) as TensorRef)
      return state[0]
    }),
  )
}
