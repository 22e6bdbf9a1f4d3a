import type { Graph, ImportedOp, Node } from '../ir/graph.ts'
import { GraphBuilder, type TensorRef } from '../ir/builder.ts'
import { validateGraph } from '../ir/validate.ts'

/**
 * The width-collapse rewrite (engine.md). Under epsilon's initialisation every conv/linear weight is
 * the same constant, so all output channels of a conv/linear are identical. We track, for every
 * tensor of the original graph, a partition of its channels into contiguous groups of identical
 * channels, and rewrite the graph so that it stores one channel per group with the group size as
 * its multiplicity. Each op kind has one rule below; each rule states the identity it relies on.
 * An op without a rule is run at full width (every group of size 1): never guessed.
 */

/** Sizes of consecutive groups of identical channels; sums to the original channel count. */
type Partition = readonly number[]

/** Options of the rewrite. */
export interface CollapseOptions {
  /** Partition of the input channels, e.g. [3] when the three input planes are identical (grey input). */
  inputPartition?: Partition
}

interface Mapped {
  ref: TensorRef
  partition: Partition
}

function singletons(channels: number): Partition {
  return new Array<number>(channels).fill(1)
}

function boundaries(partition: Partition): number[] {
  const out: number[] = []
  let at = 0
  for (const size of partition) out.push((at += size))
  return out
}

/** Coarsest partition finer than all of `partitions` (union of group boundaries). */
function refine(partitions: readonly Partition[]): Partition {
  const cuts = [...new Set(partitions.flatMap(boundaries))].sort((a, b) => a - b)
  return cuts.map((cut, i) => cut - (i === 0 ? 0 : cuts[i - 1]))
}

function samePartition(a: Partition, b: Partition): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** Rewrites `from` (grouped by `partition`) into the finer `target` with a regroup node: each new group reads the old group containing it. */
function regroupTo(b: GraphBuilder, mapped: Mapped, target: Partition, label: string): TensorRef {
  if (samePartition(mapped.partition, target)) return mapped.ref
  const oldCuts = boundaries(mapped.partition)
  let start = 0
  const sources = target.map((size) => {
    const source = oldCuts.findIndex((cut) => cut > start)
    start += size
    return source
  })
  return b.add({ kind: 'regroup', sources }, [mapped.ref], `${label}.regroup`, target)
}

/** Returns the collapsed graph: same computation, one stored channel per group of identical channels. */
export function collapseGraph(graph: Graph, options: CollapseOptions = {}): Graph {
  validateGraph(graph)
  const b = new GraphBuilder()
  const mapped: Mapped[] = []
  const get = (id: number): Mapped => mapped[id]

  for (const node of graph.nodes) {
    mapped[node.id] = rewriteNode(b, node, get, options)
  }
  const result = b.build(get(graph.output).ref)
  validateGraph(result)
  return result
}

function rewriteNode(b: GraphBuilder, node: Node, get: (id: number) => Mapped, options: CollapseOptions): Mapped {
  const op = node.op
  switch (op.kind) {
    case 'input': {
      // The caller tells us which input planes are identical; otherwise assume all distinct.
      const partition = options.inputPartition ?? singletons(node.shape[1])
      const shape = [node.shape[0], partition.length, ...node.shape.slice(2)]
      return { ref: b.input(shape, partition), partition }
    }
    case 'conv2d':
    case 'linear': {
      // Constant weight w: every output channel is w * sum over all input channels of the window,
      // i.e. sum over groups of (w * group size) * window(group): one group of all output channels.
      const outChannels = op.kind === 'conv2d' ? op.outChannels : op.outFeatures
      const collapsedOp = op.kind === 'conv2d' ? { ...op, outChannels: 1 } : { ...op, outFeatures: 1 }
      return { ref: b.add(collapsedOp, [get(node.inputs[0]).ref], node.label, [outChannels]), partition: [outChannels] }
    }
    case 'batchnorm':
    case 'relu':
    case 'avgpool':
    case 'maxpool':
    case 'zero':
    case 'globalavgpool':
    // NB-NLP: activations act per element; `rows` selects samples, never channels.
    case 'sigmoid':
    case 'tanh':
    case 'leakyrelu':
    case 'rows':
    // Imported ops acting per element or per channel plane: f(x)[c] = f(x[c]) (hardsigmoid, hardswish,
    // clip, scalar per element; pool, pad, spatialmean per plane, never mixing channels).
    case 'hardsigmoid':
    case 'hardswish':
    case 'clip':
    case 'scalar':
    case 'pool':
    case 'pad':
    case 'spatialmean': {
      // Per-channel ops (BN statistics are per channel, so identical channels keep identical statistics;
      // a pooling window never mixes channels).
      const input = get(node.inputs[0])
      return { ref: b.add(op, [input.ref], node.label, input.partition), partition: input.partition }
    }
    case 'add':
    // NB-NLP: product and blend are elementwise too; stacking rows keeps channel c in channel c.
    case 'mul':
    case 'blend':
    case 'stackrows':
    // (a - b)[c] = a[c] - b[c].
    case 'sub': {
      // Elementwise: channel c of the sum is the sum of channel c of each operand; on the common
      // refinement of the operands' partitions each group is still identical.
      const inputs = node.inputs.map(get)
      const partition = refine(inputs.map((m) => m.partition))
      const refs = inputs.map((m, i) => regroupTo(b, m, partition, `${node.label}.operand${i}`))
      return { ref: b.add(op, refs, node.label, partition), partition }
    }
    case 'concat': {
      // concat(A, B) channel c is A's channel c for c < C_A, else B's channel c - C_A: the groups of
      // the result are A's groups followed by B's, each with its multiplicity.
      const inputs = node.inputs.map(get)
      const partition = inputs.flatMap((m) => m.partition)
      return { ref: b.add(op, inputs.map((m) => m.ref), node.label, partition), partition }
    }
    case 'channelslice':
      return sliceRule(b, node, op, get(node.inputs[0]))
    case 'multilinear': {
      // NB-NLP MultiLinear, weights and bias all w: every output feature is
      // w + sum over inputs and their groups of (w * group size) * value, one group of all outputs.
      // This is what collapses a recurrent cell: the embedding's distinct features meet a linear
      // first, and from there on every tensor is one group.
      const refs = node.inputs.map((id) => get(id).ref)
      return { ref: b.add({ ...op, outFeatures: 1 }, refs, node.label, [op.outFeatures]), partition: [op.outFeatures] }
    }
    case 'embedding': {
      // A random table mixes nothing uniformly: every output feature is its own group (full width).
      const input = get(node.inputs[0])
      return { ref: b.add(op, [input.ref], node.label), partition: singletons(op.features) }
    }
    case 'fillweight': {
      // Every element is w: one group of all channels.
      const channels = op.shape[1]
      return { ref: b.add({ kind: 'fillweight', shape: [op.shape[0], 1] }, [], node.label, [channels]), partition: [channels] }
    }
    case 'flatten': {
      // With H*W = 1, feature c of the flattened tensor is channel c: the groups stay groups. With
      // more pixels the features of identical channels are not consecutive: full width.
      const input = get(node.inputs[0])
      const channels = input.partition.reduce((x, y) => x + y, 0)
      if (node.shape[1] !== channels) return fullWidth(b, node, get)
      return { ref: b.add(op, [input.ref], node.label, input.partition), partition: input.partition }
    }
    case 'conv':
      return convRule(b, node, op, get(node.inputs[0]))
    default:
      return fullWidth(b, node, get)
  }
}

/** No rule: expand every operand to full width and run the op as is. */
function fullWidth(b: GraphBuilder, node: Node, get: (id: number) => Mapped): Mapped {
  const refs = node.inputs.map((id, i) => {
    const input = get(id)
    return regroupTo(b, input, singletons(input.partition.reduce((x, y) => x + y, 0)), `${node.label}.operand${i}`)
  })
  const ref = b.add(node.op, refs, node.label)
  return { ref, partition: singletons(node.shape[1] ?? 1) }
}

/**
 * slice[start, start+size) of a grouped tensor: a subset of a group of identical channels is still a
 * group of identical channels, so the result keeps every group that meets the range, each cut to
 * its overlap with the range (the partition refined at the range's ends, outer parts dropped).
 */
function sliceRule(b: GraphBuilder, node: Node, op: { start: number; size: number }, input: Mapped): Mapped {
  const end = op.start + op.size
  const kept: number[] = []
  const partition: number[] = []
  let at = 0
  input.partition.forEach((size, group) => {
    const overlap = Math.min(at + size, end) - Math.max(at, op.start)
    if (overlap > 0) {
      kept.push(group)
      partition.push(overlap)
    }
    at += size
  })
  // Kept groups are consecutive stored channels.
  const sliced = { kind: 'channelslice' as const, start: kept[0], size: kept.length }
  return { ref: b.add(sliced, [input.ref], node.label, partition), partition }
}

/** The input planes to feed a collapsed graph: the first channel of each group of a full-width NCHW batch. */
export function collapseInput(full: Float32Array, shape: readonly number[], partition: Partition): Float32Array {
  const [n, c, h, w] = shape
  const plane = h * w
  const firsts = boundaries(partition).map((cut, i) => cut - partition[i])
  if (firsts.length > 0 && boundaries(partition)[firsts.length - 1] !== c) throw new Error('partition does not cover the input channels')
  const out = new Float32Array(n * firsts.length * plane)
  for (let i = 0; i < n; i++) {
    firsts.forEach((channel, g) => {
      out.set(full.subarray((i * c + channel) * plane, (i * c + channel + 1) * plane), (i * firsts.length + g) * plane)
    })
  }
  return out
}

/** Expands a collapsed [N, groups] output back to [N, channels] by repeating each group. */
export function expandOutput(data: Float32Array, shape: readonly number[], multiplicity: readonly number[]): Float32Array {
  const [n, groups] = shape
  const width = multiplicity.reduce((a, b) => a + b, 0)
  const out = new Float32Array(n * width)
  for (let i = 0; i < n; i++) {
    let at = i * width
    for (let g = 0; g < groups; g++) {
      out.fill(data[i * groups + g], at, at + multiplicity[g])
      at += multiplicity[g]
    }
  }
  return out
}

/** One piece of the slice of input channels a conv group reads: `count` channels of stored group `group`. */
interface SlicePiece {
  group: number
  count: number
}

function sameSlice(a: readonly SlicePiece[], b: readonly SlicePiece[]): boolean {
  return a.length === b.length && a.every((piece, i) => piece.group === b[i].group && piece.count === b[i].count)
}

/**
 * Grouped conv (groups = G, I = C/G input and P = outChannels/G output channels per conv group).
 * Output channel o of conv group g is w * sum over original channels c of g's slice of window(x_c)
 * = w * sum over stored groups s meeting the slice of (overlap count) * window(stored s). So
 * (1) the P outputs of a conv group are identical, and (2) two conv groups whose slices meet the
 * same stored groups with the same counts are identical. Consecutive conv groups with equal slices
 * become one output group (P times the run length), computed once: the collapsed conv has one
 * group per run, reading a regrouped input that holds, per run, the stored groups its slice meets
 * with the overlap counts as multiplicities. groups = 1 is the conv2d rule (one run: all outputs
 * one group, reading the input as it is); depthwise on a grey input is one run as well.
 *
 * A grouped conv needs the same number of stored channels in every group: a shorter run's slice
 * has a piece of count k > 1 split into pieces of count k - 1 and 1 (same sum, w*(k-1)*s + w*1*s
 * instead of w*k*s: equal up to float64 rounding before the one float32 rounding).
 */
function convRule(b: GraphBuilder, node: Node, op: Extract<ImportedOp, { kind: 'conv' }>, input: Mapped): Mapped {
  const channels = input.partition.reduce((x, y) => x + y, 0)
  const perGroup = channels / op.groups
  const outPerGroup = op.outChannels / op.groups
  const starts = boundaries(input.partition).map((cut, i) => cut - input.partition[i])
  const sliceOf = (g: number): SlicePiece[] => {
    const [from, to] = [g * perGroup, (g + 1) * perGroup]
    const pieces: SlicePiece[] = []
    input.partition.forEach((size, group) => {
      const count = Math.min(starts[group] + size, to) - Math.max(starts[group], from)
      if (count > 0) pieces.push({ group, count })
    })
    return pieces
  }
  const runs: { slice: SlicePiece[]; length: number }[] = []
  for (let g = 0; g < op.groups; g++) {
    const slice = sliceOf(g)
    const last = runs[runs.length - 1]
    if (last && sameSlice(last.slice, slice)) last.length++
    else runs.push({ slice, length: 1 })
  }
  const width = Math.max(...runs.map((run) => run.slice.length))
  for (const run of runs) {
    while (run.slice.length < width) {
      // Some piece has count > 1: the slice has perGroup >= width channels in fewer pieces.
      const at = run.slice.findIndex((piece) => piece.count > 1)
      const piece = run.slice[at]
      run.slice.splice(at, 1, { group: piece.group, count: piece.count - 1 }, { group: piece.group, count: 1 })
    }
  }
  const sources = runs.flatMap((run) => run.slice.map((piece) => piece.group))
  const multiplicity = runs.flatMap((run) => run.slice.map((piece) => piece.count))
  const asStored = sources.length === input.partition.length && sources.every((s, i) => s === i) && samePartition(multiplicity, input.partition)
  const convInput = asStored ? input.ref : b.add({ kind: 'regroup', sources }, [input.ref], `${node.label}.slices`, multiplicity)
  const partition = runs.map((run) => run.length * outPerGroup)
  const collapsed = { kind: 'conv' as const, outChannels: runs.length, groups: runs.length, window: op.window }
  return { ref: b.add(collapsed, [convInput], node.label, partition), partition }
}
