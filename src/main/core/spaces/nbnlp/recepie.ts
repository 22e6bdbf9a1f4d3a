import { cutInput, EpsinasError, quoteInput } from '../../../../shared/errors.ts'

/**
 * The NAS-Bench-NLP recurrent cell description ("recepie", the benchmark's spelling): a JSON object
 * of named nodes `{"op": ..., "input": [...]}` over the cell inputs `x` and `h_prev_<k>`, producing
 * `h_new_0 .. h_new_<n-1>` (custom_rnn.py of fmsnew/nas-bench-nlp-release, also in the epsinas
 * reference). Parsing checks everything the reference cell would trip over at run time, or
 * silently get wrong, and says which node is at fault.
 */

/** Ops of a recepie node. */
export const RECEPIE_OPS = [
  'linear',
  'blend',
  'elementwise_sum',
  'elementwise_prod',
  'activation_tanh',
  'activation_sigm',
  'activation_leaky_relu',
] as const

export type RecepieOp = (typeof RECEPIE_OPS)[number]

/** One computed node of a cell. */
export interface RecepieNode {
  readonly name: string
  readonly op: RecepieOp
  /** Names of the operands, in order (order matters: blend, and the float rounding of sums). */
  readonly inputs: readonly string[]
}

/** A validated cell: nodes in a topological order (names sorted among the ready ones), outputs known. */
export interface Recepie {
  readonly nodes: readonly RecepieNode[]
  /** n: the cell reads h_prev_0 .. h_prev_<n-1> and writes h_new_0 .. h_new_<n-1>. */
  readonly hiddenTupleSize: number
}

const HIDDEN_INPUT = /^h_prev_(\d+)$/
const HIDDEN_OUTPUT = /^h_new_(\d+)$/

/**
 * How many operands each op takes. The reference's elementwise fold over a third operand uses an
 * undefined variable (custom_rnn.py), so more than two operands is rejected rather than guessed.
 */
function arityProblem(op: RecepieOp, count: number): string | null {
  switch (op) {
    case 'linear':
      return count >= 1 ? null : 'at least 1'
    case 'blend':
      return count === 3 ? null : 'exactly 3 (gate, a, b: gate * a + (1 - gate) * b)'
    case 'elementwise_sum':
    case 'elementwise_prod':
      return count === 2 ? null : 'exactly 2'
    default:
      return count === 1 ? null : 'exactly 1'
  }
}

function bad(message: string): never {
  throw new EpsinasError('BAD_ARCH', `recepie: ${message}`)
}

/** `source` itself, or the value of its JSON text when it is a string (training logs nest recepies as text). */
export function jsonValue(source: unknown, fail: (message: string) => never): unknown {
  if (typeof source !== 'string') return source
  try {
    return JSON.parse(source)
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`)
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Parses and validates a recepie given as a JSON object or as JSON text (training logs store it as a
 * string inside the JSON). Throws BAD_ARCH naming the node and the problem.
 */
export function parseRecepie(source: unknown): Recepie {
  const value = jsonValue(source, bad)
  if (!isPlainObject(value)) bad('expected a JSON object of named nodes {"op": ..., "input": [...]}')
  const names = Object.keys(value)
  if (names.length === 0) bad('no nodes')

  const raw: RecepieNode[] = names.map((name) => {
    if (name === 'x' || HIDDEN_INPUT.test(name)) bad(`node '${cutInput(name)}' has the name of a cell input`)
    const spec = value[name]
    if (!isPlainObject(spec)) bad(`node '${cutInput(name)}' must be an object {"op": ..., "input": [...]}`)
    const op = spec.op
    if (typeof op !== 'string' || !(RECEPIE_OPS as readonly string[]).includes(op)) {
      bad(`node '${cutInput(name)}' has unknown op ${quoteInput(op)} (expected one of ${RECEPIE_OPS.join(', ')})`)
    }
    const inputs = spec.input
    if (!Array.isArray(inputs) || !inputs.every((i): i is string => typeof i === 'string')) {
      bad(`node '${cutInput(name)}' must have "input": a list of node names`)
    }
    const arity = arityProblem(op as RecepieOp, inputs.length)
    if (arity) bad(`node '${cutInput(name)}' (${op}) takes ${arity} input(s), got ${inputs.length}`)
    return { name, op: op as RecepieOp, inputs: [...inputs] }
  })

  // Outputs: the reference returns h_new_0 .. h_new_<n-1> with n = 1 + the largest index present.
  const outputIndices = names.map((name) => HIDDEN_OUTPUT.exec(name)).filter((m) => m !== null).map((m) => Number(m[1]))
  if (outputIndices.length === 0) bad('no output node h_new_0')
  const hiddenTupleSize = Math.max(...outputIndices) + 1
  for (let k = 0; k < hiddenTupleSize; k++) {
    if (!Object.hasOwn(value, `h_new_${k}`)) bad(`missing output node h_new_${k} (the cell has h_new_${hiddenTupleSize - 1}, so it needs every h_new_k below it)`)
  }

  const defined = new Set(names)
  for (const node of raw) {
    for (const input of node.inputs) {
      if (defined.has(input) || input === 'x') continue
      const hidden = HIDDEN_INPUT.exec(input)
      if (hidden) {
        if (Number(hidden[1]) >= hiddenTupleSize) {
          bad(`node '${cutInput(node.name)}' reads ${cutInput(input)}, but the cell only carries h_prev_0 .. h_prev_${hiddenTupleSize - 1} (one per h_new_k)`)
        }
        continue
      }
      bad(`node '${cutInput(node.name)}' reads '${cutInput(input)}', which is neither a node of the cell nor a cell input (x, h_prev_<k>)`)
    }
  }
  return { nodes: topologicalOrder(raw), hiddenTupleSize }
}

/** Kahn's algorithm; a cycle is reported with the nodes on it. */
function topologicalOrder(nodes: readonly RecepieNode[]): RecepieNode[] {
  const byName = new Map(nodes.map((node) => [node.name, node]))
  const pending = new Map(nodes.map((node) => [node.name, new Set(node.inputs.filter((i) => byName.has(i)))]))
  const order: RecepieNode[] = []
  while (pending.size > 0) {
    const ready = [...pending].filter(([, deps]) => deps.size === 0).map(([name]) => name).sort()
    if (ready.length === 0) bad(`cycle among nodes ${cutInput(describeCycle(pending))}`)
    for (const name of ready) {
      pending.delete(name)
      order.push(byName.get(name) as RecepieNode)
      for (const deps of pending.values()) deps.delete(name)
    }
  }
  return order
}

/** One cycle through the unresolved nodes, e.g. `a -> b -> a`. */
function describeCycle(pending: ReadonlyMap<string, ReadonlySet<string>>): string {
  let at = [...pending.keys()].sort()[0]
  const seen: string[] = []
  while (!seen.includes(at)) {
    seen.push(at)
    at = [...(pending.get(at) ?? [])].sort()[0]
  }
  const cycle = seen.slice(seen.indexOf(at))
  // Edges point from an input to its consumer: list the cycle in data-flow order.
  return [...cycle.reverse(), cycle[0]].join(' -> ')
}

/** The canonical JSON of a recepie: nodes sorted by name, operand order kept (it matters). */
export function formatRecepie(recepie: Recepie): Record<string, { op: RecepieOp; input: string[] }> {
  const out: Record<string, { op: RecepieOp; input: string[] }> = {}
  for (const node of [...recepie.nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    out[node.name] = { op: node.op, input: [...node.inputs] }
  }
  return out
}
