import { EpsinasError } from '../../../../shared/errors.ts'
import type { Graph, Node } from '../../ir/graph.ts'
import { elementCount, isImportedOp } from '../../ir/graph.ts'
import * as k from './kernels.ts'
import * as r from './recurrent.ts'
import { runImported } from './imported.ts'
import type { FloatArray, Tensor } from './kernels.ts'
import { BufferPool, type Precision } from './pool.ts'
import { TS_KERNELS, wasmKernels, type KernelSet } from '../wasm/kernels.ts'

/**
 * Runs a graph on the typed-array kernels, node by node, releasing each intermediate as soon as its
 * last consumer has run so memory stays at a few live tensors. Works at any width: this is both the
 * plain reference interpreter and the executor of collapsed graphs.
 *
 * Every tensor is stored in the pool's precision: float32 (the default, and the metric's arithmetic),
 * or float64 with a `new BufferPool({ precision: 'float64' })`, which exists only so tests can show
 * what float64 storage would change (engine.md "Float fidelity"); then the output is a Float64Array.
 *
 * Where the pool's buffers live in a WebAssembly heap (the default, see ../wasm/heap.ts: the switch
 * EPSINAS_KERNELS), the hot ops run on the wasm kernels, bit-identical to the TS ones; the input is
 * copied into the heap first and the output copied out of it, so callers keep plain arrays.
 */
export function runGraphTs(graph: Graph, input: Float32Array, weight: number, pool?: BufferPool<'float32'>): Float32Array
export function runGraphTs(graph: Graph, input: FloatArray, weight: number, pool: BufferPool<'float64'>): Float64Array
export function runGraphTs(graph: Graph, input: FloatArray, weight: number, pool: BufferPool<Precision> = new BufferPool()): FloatArray {
  const inputNode = graph.nodes[graph.input]
  if (input.length !== elementCount(inputNode.shape)) {
    throw new EpsinasError('INTERNAL', `input has ${input.length} values, the graph expects ${elementCount(inputNode.shape)}`)
  }
  // float32 constant, as torch.nn.init.constant_ stores it.
  const w = Math.fround(weight)
  const remainingUses = new Array<number>(graph.nodes.length).fill(0)
  for (const node of graph.nodes) for (const i of node.inputs) remainingUses[i]++
  remainingUses[graph.output]++

  const values: (Tensor | undefined)[] = new Array(graph.nodes.length)
  // Every buffer taken in this run and not yet given back: on an error they all go back to the pool.
  const taken = new Set<FloatArray>()
  const alloc = (length: number): FloatArray => {
    const buffer = pool.take(length)
    taken.add(buffer)
    return buffer
  }
  const release = (buffer: FloatArray): void => {
    taken.delete(buffer)
    pool.give(buffer)
  }
  const kernels = pool.heap ? wasmKernels(pool.heap) : TS_KERNELS
  const inHeap = (data: FloatArray): boolean => pool.heap?.offsetOf(data) != null
  // Every buffer handed to the pool must be its own: the caller's input never is.
  const owned = (data: FloatArray): boolean => data !== input
  // The wasm kernels read their operands in the heap: the input goes there once (when it is used).
  const inputData = (): FloatArray => (pool.heap && !inHeap(input) ? copyInto(alloc(input.length), input) : input)
  try {
    for (const node of graph.nodes) {
      if (remainingUses[node.id] === 0) continue
      values[node.id] = node.op.kind === 'input' ? { shape: inputNode.shape, data: inputData() } : runNode(graph, node, values, w, alloc, kernels)
      for (const i of node.inputs) {
        if (--remainingUses[i] === 0) {
          const dead = values[i]
          values[i] = undefined
          if (dead && owned(dead.data)) release(dead.data)
        }
      }
    }
  } catch (error) {
    // Heap blocks are not garbage-collected: a failing network gives back what it holds.
    for (const buffer of taken) pool.give(buffer)
    throw error
  }
  const output = values[graph.output]
  if (!output) throw new EpsinasError('INTERNAL', 'graph output was not computed')
  if (!pool.heap || !inHeap(output.data)) return output.data
  // Heap blocks are recycled: the caller gets a plain copy and the block goes back to the pool.
  const result = output.data.slice()
  if (owned(output.data)) release(output.data)
  return result
}

function copyInto<T extends FloatArray>(target: T, source: FloatArray): T {
  target.set(source)
  return target
}

function runNode(graph: Graph, node: Node, values: (Tensor | undefined)[], w: number, alloc: k.Allocate, kernels: KernelSet): Tensor {
  const inputs = node.inputs.map((i) => values[i] as Tensor)
  const x = inputs[0]
  const inputMultiplicity = (): readonly number[] => graph.nodes[node.inputs[0]].channelMultiplicity
  const op = node.op
  if (isImportedOp(op)) return runImported(op, inputs, inputMultiplicity(), node.shape, w, alloc)
  switch (op.kind) {
    case 'conv2d':
      return kernels.conv2d(x, inputMultiplicity(), w, node.shape, op.kernel, op.stride, op.pad, alloc)
    case 'batchnorm':
      return kernels.batchnorm(x, w, op.eps, alloc)
    case 'relu':
      return kernels.relu(x, alloc)
    case 'avgpool':
      return kernels.avgpool(x, node.shape, op.kernel, op.stride, op.pad, op.countIncludePad, alloc)
    case 'zero':
      return kernels.zero(x, alloc)
    case 'add':
      return kernels.add(inputs, alloc)
    case 'globalavgpool':
      return kernels.globalavgpool(x, alloc)
    case 'linear':
      return k.linear(x, inputMultiplicity(), w, op.outFeatures, alloc)
    case 'regroup':
      return k.regroup(x, op.sources, alloc)
    case 'maxpool':
      return kernels.maxpool(x, node.shape, op.kernel, op.stride, op.pad, alloc)
    case 'concat':
      return k.concat(inputs, alloc)
    case 'channelslice':
      return k.channelslice(x, op.start, op.size, alloc)
    case 'multilinear':
      return r.multilinear(inputs, node.inputs.map((i) => graph.nodes[i].channelMultiplicity), w, op.outFeatures, alloc)
    case 'sigmoid':
      return r.sigmoid(x, alloc)
    case 'tanh':
      return r.tanh(x, alloc)
    case 'leakyrelu':
      return r.leakyrelu(x, op.slope, alloc)
    case 'mul':
      return r.mul(inputs, alloc)
    case 'blend':
      return r.blend(inputs[0], inputs[1], inputs[2], alloc)
    case 'fillweight':
      return r.fillweight(node.shape, w, alloc)
    case 'rows':
      return r.rows(x, op.start, op.count, alloc)
    case 'stackrows':
      return r.stackrows(inputs, alloc)
    case 'embedding':
      return r.embedding(x, op.vocabulary, op.features, op.seed, alloc)
    case 'input':
      throw new EpsinasError('INTERNAL', 'second input node')
  }
}
