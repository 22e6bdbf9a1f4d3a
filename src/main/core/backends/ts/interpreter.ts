import { EpsinasError } from '../../../../shared/errors.ts'
import type { Graph, Node } from '../../ir/graph.ts'
import { elementCount, isImportedOp } from '../../ir/graph.ts'
import * as k from './kernels.ts'
import * as r from './recurrent.ts'
import { runImported } from './imported.ts'
import type { FloatArray, Tensor } from './kernels.ts'
import { BufferPool, type Precision } from './pool.ts'
import { TS_KERNELS, wasmKernels, type KernelSet } from '../wasm/kernels.ts'
import type { WasmHeap } from '../wasm/heap.ts'

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

  // With the wasm kernels, an embedding read only by row slices is never materialised (below).
  const deferred = pool.heap ? deferredEmbeddings(graph) : new Set<number>()

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
  // Every buffer handed to the pool must be its own: the caller's input never is, nor a kept lookup slice.
  const owned = (data: FloatArray): boolean => data !== input && !keptSlices.has(data)
  // The wasm kernels read their operands in the heap: the input goes there once (when it is used).
  const inputData = (): FloatArray => (pool.heap && !inHeap(input) ? copyInto(alloc(input.length), input) : input)
  try {
    const useUp = (i: number): void => {
      if (--remainingUses[i] > 0) return
      const dead = values[i]
      values[i] = undefined
      // A deferred embedding holds no buffer of its own: its token ids stay alive until it dies.
      if (deferred.has(i)) graph.nodes[i].inputs.forEach(useUp)
      else if (dead && owned(dead.data)) release(dead.data)
    }
    for (const node of graph.nodes) {
      if (remainingUses[node.id] === 0) continue
      if (deferred.has(node.id)) {
        // Stands for the embedding: its value is the token ids, and each row slice gathers its own rows.
        values[node.id] = values[node.inputs[0]]
        continue
      }
      const source = node.inputs[0]
      values[node.id] =
        node.op.kind === 'input'
          ? { shape: inputNode.shape, data: inputData() }
          : node.op.kind === 'rows' && deferred.has(source)
            ? keptEmbeddedRows(pool.heap, graph, graph.nodes[source], values, node.op.start, node.op.count, w, alloc, release, kernels)
            : runNode(graph, node, values, w, alloc, kernels)
      node.inputs.forEach(useUp)
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

/**
 * Embeddings whose every consumer is a `rows` slice (NB-NLP: the [steps * batch, emsize] table
 * lookup, cut into one slice per step). Rows start..start+count of embedding(ids) are
 * embedding(ids[start..start+count)): the same copied table values, so each slice is gathered from
 * the table directly and the whole lookup (28 MB at the benchmark's size) is never written, nor
 * copied again slice by slice.
 */
function deferredEmbeddings(graph: Graph): Set<number> {
  if (!graph.nodes.some((node) => node.op.kind === 'embedding')) return new Set()
  const consumers = new Map<number, Node[]>()
  for (const node of graph.nodes) for (const i of node.inputs) consumers.set(i, [...(consumers.get(i) ?? []), node])
  const deferred = new Set<number>()
  for (const node of graph.nodes) {
    const readers = consumers.get(node.id) ?? []
    if (node.op.kind === 'embedding' && node.id !== graph.output && readers.length > 0 && readers.every((reader) => reader.op.kind === 'rows')) deferred.add(node.id)
  }
  return deferred
}

/** Rows start..start+count of a deferred embedding: the embedding op itself, run on those rows' token ids. */
function embeddedRows(graph: Graph, embedding: Node, values: (Tensor | undefined)[], start: number, count: number, w: number, alloc: k.Allocate, kernels: KernelSet): Tensor {
  const ids = values[embedding.id] as Tensor
  const width = ids.shape[1]
  const slice: Tensor = { shape: [count, width], data: ids.data.subarray(start * width, (start + count) * width) }
  // runNode reads the op's operand from `values`: hand it the slice for this one call.
  const tokens = embedding.inputs[0]
  const saved = values[tokens]
  values[tokens] = slice
  try {
    return runNode(graph, embedding, values, w, alloc, kernels)
  } finally {
    values[tokens] = saved
  }
}

/**
 * Lookup slices kept in the heap across passes, per heap: both weights of an arch and every recepie of
 * a job look up the same ids in the same table, so each step's slice is gathered once per thread. A
 * slice is reused only for the same op (vocabulary, features, seed, distribution), the same rows and
 * the same ids, compared value by value; kernels never write their operands, and the pool never
 * hands a kept slice out, so it stays as gathered.
 */
interface KeptSlice {
  ids: Float32Array
  data: Float32Array
}
const keptByHeap = new WeakMap<WasmHeap, Map<string, KeptSlice>>()
const keptSlices = new WeakSet<FloatArray>()
/** Up to 64 MiB of slices per thread (the benchmark's lookup is 28 MB); past it, slices are gathered per pass. */
const MAX_KEPT_BYTES = 64 * 1024 * 1024

function keptEmbeddedRows(
  heap: WasmHeap | null,
  graph: Graph,
  embedding: Node,
  values: (Tensor | undefined)[],
  start: number,
  count: number,
  w: number,
  alloc: k.Allocate,
  release: (buffer: FloatArray) => void,
  kernels: KernelSet,
): Tensor {
  const ids = values[embedding.id] as Tensor
  const idSlice = ids.data.subarray(start * ids.shape[1], (start + count) * ids.shape[1])
  let kept = heap ? keptByHeap.get(heap) : undefined
  if (heap && !kept) keptByHeap.set(heap, (kept = new Map()))
  const key = `${JSON.stringify(embedding.op)}@${start}+${count}`
  const known = kept?.get(key)
  if (known && known.ids.length === idSlice.length && known.ids.every((id, i) => id === idSlice[i])) {
    return { shape: [count, known.data.length / count], data: known.data }
  }
  const fresh = embeddedRows(graph, embedding, values, start, count, w, alloc, kernels)
  if (!heap || !kept || known) return fresh
  const bytes = fresh.data.byteLength
  const keptBytes = [...kept.values()].reduce((sum, slice) => sum + slice.data.byteLength, 0)
  const offset = keptBytes + bytes <= MAX_KEPT_BYTES ? heap.alloc(bytes) : null
  if (offset === null) return fresh
  const data = heap.f32(offset, fresh.data.length)
  data.set(fresh.data)
  release(fresh.data)
  keptSlices.add(data)
  kept.set(key, { ids: Float32Array.from(idSlice), data })
  return { shape: fresh.shape, data }
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
      return kernels.multilinear(inputs, node.inputs.map((i) => graph.nodes[i].channelMultiplicity), w, op.outFeatures, alloc)
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
      return r.embedding(x, op.vocabulary, op.features, op.seed, alloc, op.init)
    case 'input':
      throw new EpsinasError('INTERNAL', 'second input node')
  }
}
