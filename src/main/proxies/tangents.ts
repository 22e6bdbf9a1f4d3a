import type { Tensor } from '@tensorflow/tfjs-core'
import type { Graph, Node } from '../core/ir/graph.ts'
import type { TfjsRuntime } from '../core/backends/tfjs/runtime.ts'
import type { ForwardOptions, LayerTensors } from './network.ts'
import { withTangent } from './tangent-rules.ts'

type Tf = TfjsRuntime['tf']

/**
 * Forward-mode derivatives (Jacobian-vector products) of the proxies' network: the output and its
 * derivative along a direction in the conv/linear weights, d/dt f(theta + t v) at t = 0, computed
 * beside the forward pass with ordinary tfjs ops. grasp needs the Hessian-gradient product Hg =
 * grad of (g . grad L); g . grad L is the derivative of L along g, a JVP, so Hg is the first-order
 * gradient of a JVP: reverse over forward, with no gradient of a gradient (which tfjs cannot take
 * through its convolution and pooling gradients, and which keeps every op of the first backward
 * pass on the tape: twice the memory tfjs-wasm's 4 GiB holds on a full NB201 network at batch 32).
 *
 * Tangents are null where they are zero (everything upstream of the first weight), which saves the
 * stem's work. Every op of the proxies' networks has a rule (tangent-rules.ts); one without gets a
 * one-line error.
 */

/** A node's output and its tangent (null: zero). */
interface Pair {
  value: Tensor
  tangent: Tensor | null
}

/**
 * The value of `objective(output, its tangent along directions)` and its gradient with respect to
 * every conv/linear weight, as float32 values per layer node. Reverse over forward by segments: the graph is cut
 * wherever one tensor alone is live (between NB201's cells, for instance), a first pass computes
 * (value, tangent) at every cut without a tape, and then each segment, last first, runs again on the
 * tape and backpropagates what the segment after it sent back. Only one segment's tape is held at a
 * time (gradient checkpointing): on a full NB201 network at batch 32 the whole tape does not fit the
 * 4 GiB tfjs-wasm heap. Tensors are freed after their last consumer; every node runs in its own tidy.
 */
export function gradientOfTangentObjective(
  tf: Tf,
  graph: Graph,
  layers: ReadonlyMap<number, LayerTensors>,
  directions: ReadonlyMap<number, Tensor>,
  input: Tensor,
  options: ForwardOptions,
  objective: (output: Tensor, tangent: Tensor | null) => Tensor,
): { objective: number; gradients: Map<number, Float32Array> } {
  const segments = graphSegments(graph)
  const run = (k: number, entry: Pair): Pair => runSegment(tf, graph, segments[k], k === 0 ? graph.input : segments[k - 1][segments[k - 1].length - 1].id, entry, layers, directions, options)
  // Forward, no tape: the (value, tangent) entering each segment.
  const entries: Pair[] = [{ value: input, tangent: null }]
  for (let k = 0; k + 1 < segments.length; k++) {
    const exit = tf.tidy(() => {
      const pair = run(k, entries[k])
      return pair.tangent ? [pair.value, pair.tangent] : [pair.value]
    })
    entries.push({ value: tf.keep(exit[0]), tangent: exit[1] ? tf.keep(exit[1]) : null })
  }
  // Backward, one segment's tape at a time.
  const gradients = new Map<number, Float32Array>()
  let objectiveValue = Number.NaN
  let upstream: Pair | null = null
  for (let k = segments.length - 1; k >= 0; k--) {
    const entry = entries[k]
    const own = segments[k].filter((node) => layers.has(node.id)).map((node) => node.id)
    const from: Tensor[] = [...(k > 0 ? [entry.value] : []), ...(k > 0 && entry.tangent ? [entry.tangent] : []), ...own.map((id) => layers.get(id)!.weight)]
    const sent: Pair | null = upstream
    const result: { value: Tensor; grads: (Tensor | null)[] } = tf.engine().gradients((): Tensor => {
      const exit = run(k, entry)
      if (!sent) return objective(exit.value, exit.tangent)
      const terms: Tensor[] = [tf.sum(tf.mul(exit.value, sent.value))]
      if (exit.tangent && sent.tangent) terms.push(tf.sum(tf.mul(exit.tangent, sent.tangent)))
      return tf.addN(terms)
    }, from, undefined, true)
    if (!sent) objectiveValue = result.value.dataSync()[0]
    result.value.dispose()
    const grads: (Tensor | null)[] = result.grads
    own.forEach((id, j) => {
      const gradient = grads[from.length - own.length + j]
      gradients.set(id, gradient ? (gradient.dataSync() as Float32Array).slice() : new Float32Array(layers.get(id)!.weight.size))
    })
    const next: Pair | null = k > 0 ? { value: grads[0] ?? tf.zerosLike(entry.value), tangent: entry.tangent ? (grads[1] ?? tf.zerosLike(entry.tangent)) : null } : null
    // A gradient can be the very tensor that came in (a segment that passes dy through unchanged): keep what goes on.
    const goesOn = new Set([next?.value, next?.tangent])
    for (const t of [upstream?.value, upstream?.tangent, ...grads]) if (t && !goesOn.has(t)) t.dispose()
    upstream = next
    if (k > 0) {
      entry.value.dispose()
      entry.tangent?.dispose()
    }
  }
  return { objective: objectiveValue, gradients }
}

/**
 * The graph's nodes after its input, cut after every node that is then the only live tensor (no
 * earlier node is read after it): each segment reads only the previous segment's last node.
 */
function graphSegments(graph: Graph): Node[][] {
  const lastUse = new Array<number>(graph.nodes.length).fill(-1)
  graph.nodes.forEach((node, position) => {
    for (const i of node.inputs) lastUse[i] = Math.max(lastUse[i], position)
  })
  lastUse[graph.output] = graph.nodes.length
  const segments: Node[][] = []
  let current: Node[] = []
  let liveUntil = -1
  graph.nodes.forEach((node, position) => {
    if (node.id === graph.input) {
      liveUntil = Math.max(liveUntil, lastUse[node.id])
      return
    }
    current.push(node)
    // A cut: every node before this one is last read at or before it.
    if (liveUntil <= position) {
      segments.push(current)
      current = []
    }
    liveUntil = Math.max(liveUntil, lastUse[node.id])
  })
  if (current.length > 0) segments.push(current)
  return segments
}

/** Runs one segment from its entry node's (value, tangent), freeing what it no longer needs; returns its last node's pair. */
function runSegment(
  tf: Tf,
  graph: Graph,
  segment: readonly Node[],
  entryId: number,
  entry: Pair,
  layers: ReadonlyMap<number, LayerTensors>,
  directions: ReadonlyMap<number, Tensor>,
  options: ForwardOptions,
): Pair {
  const pairs = new Map<number, Pair>([[entryId, entry]])
  const remainingUses = new Map<number, number>()
  for (const node of segment) for (const i of node.inputs) remainingUses.set(i, (remainingUses.get(i) ?? 0) + 1)
  const exitId = segment[segment.length - 1].id
  for (const node of segment) {
    const inputs = node.inputs.map((i) => pairs.get(i)!)
    // One tidy scope per node: what the tape does not save is freed at once, not at the end of the pass.
    const [value, tangent] = tf.tidy(() => {
      const { output, derivative } = withTangent(tf, graph, node, inputs.map((p) => p.value), inputs.map((p) => p.tangent), layers, directions, options)
      // An op may hand back an input itself (an add of one term): a reference of its own, so freeing the input leaves it.
      const own = (t: Tensor): Tensor => (inputs.some((p) => p.value === t || p.tangent === t) ? tf.clone(t) : t)
      return derivative ? [own(output), own(derivative)] : [own(output)]
    })
    pairs.set(node.id, { value, tangent: tangent ?? null })
    // After its last consumer a node's tensors go (the tape keeps its own references to what it needs);
    // the entry belongs to the caller.
    for (const i of node.inputs) {
      const left = remainingUses.get(i)! - 1
      remainingUses.set(i, left)
      if (left > 0 || i === entryId || i === exitId) continue
      const pair = pairs.get(i)!
      pair.value.dispose()
      pair.tangent?.dispose()
      pairs.delete(i)
    }
  }
  return pairs.get(exitId)!
}

/**
 * The derivative of F.cross_entropy(logits, labels) along the logits' tangent: the mean over the
 * batch of -(dz[label] - sum of softmax(z) dz).
 */
export function crossEntropyTangent(tf: Tf, logits: Tensor, tangent: Tensor, labels: Int32Array, classes: number): Tensor {
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), classes)
  const expected = tf.sum(tf.mul(tf.softmax(logits), tangent), 1)
  return tf.neg(tf.mean(tf.sub(tf.sum(tf.mul(oneHot, tangent), 1), expected)))
}
