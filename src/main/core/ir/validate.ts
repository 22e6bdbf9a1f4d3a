import { EpsinasError } from '../../../shared/errors.ts'
import type { Graph } from './graph.ts'
import { inferShape } from './shapes.ts'

/**
 * Checks that a graph is well formed: topological order, one input, shapes and multiplicities
 * consistent with what each op infers. Run before and after every pass; throws INTERNAL on a
 * broken graph because a broken graph is always a bug of ours, never user input.
 */
export function validateGraph(graph: Graph): void {
  const problems: string[] = []
  graph.nodes.forEach((node, index) => {
    if (node.id !== index) problems.push(`node ${index} has id ${node.id}`)
    for (const input of node.inputs) {
      if (!(input >= 0 && input < index)) problems.push(`${node.label}: input ${input} is not an earlier node`)
    }
    if (node.channelMultiplicity.length !== (node.shape[1] ?? 0)) {
      problems.push(`${node.label}: ${node.channelMultiplicity.length} multiplicities for ${node.shape[1]} channels`)
    }
    if (!positiveIntegers(node.channelMultiplicity)) {
      problems.push(`${node.label}: multiplicities must be positive integers`)
    }
    if (node.op.kind === 'input') {
      if (index !== graph.input) problems.push(`${node.label}: second input node`)
      return
    }
    if (problems.length > 0) return
    try {
      const inferred = inferShape(node.op, node.inputs.map((i) => graph.nodes[i]))
      if (inferred.shape.join() !== node.shape.join()) {
        problems.push(`${node.label}: shape [${node.shape}] but the op gives [${inferred.shape}]`)
      }
    } catch (error) {
      problems.push(`${node.label}: ${(error as Error).message}`)
    }
  })
  if (!graph.nodes[graph.input] || graph.nodes[graph.input].op.kind !== 'input') problems.push('input is not an input node')
  if (!graph.nodes[graph.output]) problems.push(`output ${graph.output} does not exist`)
  if (problems.length > 0) throw new EpsinasError('INTERNAL', `invalid graph: ${problems.join('; ')}`)
}

/** Frozen multiplicity arrays already checked: they cannot change, and graphs share them (shapes.ts). */
const checkedFrozen = new WeakSet<readonly number[]>()

function positiveIntegers(values: readonly number[]): boolean {
  if (checkedFrozen.has(values)) return true
  for (let i = 0; i < values.length; i++) if (!Number.isInteger(values[i]) || values[i] < 1) return false
  if (Object.isFrozen(values)) checkedFrozen.add(values)
  return true
}
