import { EpsinasError, quoteInput } from '../../shared/errors.ts'
import { GraphBuilder } from '../core/ir/builder.ts'
import type { Graph, Node } from '../core/ir/graph.ts'
import { BATCH, constantFromProto, type ConstantScalar } from './constants.ts'
import { NodeContext, NodeRefusal, type MappingFacts, type Value } from './node-context.ts'
import { OP_HANDLERS } from './op-handlers.ts'
import type { GraphProtoData, ValueInfoData } from './proto.ts'

/** Every ONNX op type the importer maps (default domain). */
export const SUPPORTED_OPS: readonly string[] = [...OP_HANDLERS.keys()].sort()

/** The model input as the mapper needs it. */
export interface ModelInput {
  name: string
  /** [channels, height, width] */
  shape: readonly [number, number, number]
  /** The batch size when the file fixes it, else null (a symbolic or absent batch dim). */
  fixedBatch: number | null
}

/** One-line BAD_FILE error about `file`. */
export function badFile(file: string, why: string): EpsinasError {
  return new EpsinasError('BAD_FILE', `${file}: ${why}`.replace(/[\r\n]+/g, ' '))
}

/** Finds the one graph input that is not an initializer and checks it is NCHW with static C, H, W. */
export function modelInput(file: string, graph: GraphProtoData): ModelInput {
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''))
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? ''))
  if (inputs.length !== 1) {
    const names = inputs.map((v) => quoteInput(v.name ?? '')).join(', ')
    throw badFile(file, `the graph has ${inputs.length} inputs besides its initializers (${names || 'none'}); supported: exactly one image input [N, C, H, W]`)
  }
  const input: ValueInfoData = inputs[0]
  const name = input.name ?? ''
  const tensorType = input.type?.tensor_type
  if (!tensorType || (tensorType.elem_type !== undefined && tensorType.elem_type !== 1)) {
    throw badFile(file, `input ${quoteInput(name)} is not a float tensor; supported: one float32 image input [N, C, H, W]`)
  }
  const dims = tensorType.shape?.dim ?? []
  const fixed = dims.map((d) => (d.dim_value !== undefined && d.dim_value > 0 ? d.dim_value : null))
  if (dims.length !== 4 || fixed.slice(1).some((d) => d === null)) {
    const shown = dims.map((d) => d.dim_value ?? d.dim_param ?? '?').join(', ')
    throw badFile(file, `input ${quoteInput(name)} has shape [${shown}]; supported: [N, C, H, W] with fixed C, H, W (the batch axis N may be dynamic)`)
  }
  return { name, shape: [fixed[1] as number, fixed[2] as number, fixed[3] as number], fixedBatch: fixed[0] }
}

/** What mapping a model yields besides the graph. */
export interface MappingResult {
  graph: Graph
  facts: MappingFacts
}

/**
 * Maps the ONNX graph to the IR for one batch size. Static evaluation uses the fixed batch size,
 * or the symbol BATCH when the axis is dynamic, so one successful mapping proves the model maps at
 * every batch size: the batch only ever reaches the IR through the input's shape.
 */
export function mapGraph(file: string, graph: GraphProtoData, input: ModelInput, batchSize: number): MappingResult {
  const builder = new GraphBuilder()
  const values = new Map<string, Value>()
  const facts: MappingFacts = { convsWithBias: 0, batchNorms: 0 }
  for (const tensor of graph.initializer ?? []) values.set(tensor.name ?? '', { kind: 'constant', tensor: constantFromProto(tensor) })
  const inputRef = builder.input([batchSize, ...input.shape])
  values.set(input.name, { kind: 'runtime', ref: inputRef, dims: [...input.shape] })

  const outputNames = (graph.output ?? []).map((o) => o.name ?? '')
  const used = new Set<string>(outputNames)
  for (const node of graph.node ?? []) for (const name of node.input ?? []) if (name) used.add(name)

  const batch: ConstantScalar = input.fixedBatch ?? BATCH
  ;(graph.node ?? []).forEach((node, index) => {
    const opType = node.op_type ?? ''
    const name = node.name || `${opType}#${index}`
    const where = `node ${quoteInput(name)} (${/^[\w.]{1,80}$/.test(opType) ? opType : quoteInput(opType)})`
    const domain = node.domain ?? ''
    const entry = domain === '' || domain === 'ai.onnx' ? OP_HANDLERS.get(opType) : undefined
    if (!entry) {
      const qualified = domain ? `op ${domain}.${opType}` : `op ${opType}`
      throw badFile(file, `${where}: ${qualified} is not supported; supported: ${SUPPORTED_OPS.join(', ')}`)
    }
    const context = new NodeContext(node, name, values, used, builder, batch, facts, entry.supported)
    try {
      entry.handle(context)
    } catch (error) {
      if (error instanceof NodeRefusal) throw badFile(file, `${where}: ${error.why}; supported: ${error.supported ?? entry.supported}`)
      if (error instanceof EpsinasError && error.code === 'INTERNAL') throw badFile(file, `${where}: ${error.message}; supported: ${entry.supported}`)
      throw error
    }
    ;(node.output ?? []).forEach((outputName, k) => {
      const value = context.outputs[k]
      if (outputName && value) values.set(outputName, value)
    })
  })

  if (outputNames.length !== 1) throw badFile(file, `the graph has ${outputNames.length} outputs; supported: exactly one`)
  const output = values.get(outputNames[0])
  if (!output) throw badFile(file, `the graph output ${quoteInput(outputNames[0])} is not produced by any node`)
  if (output.kind !== 'runtime') throw badFile(file, `the graph output ${quoteInput(outputNames[0])} does not depend on the input`)
  return { graph: liveGraph(builder.build(output.ref)), facts }
}

/**
 * The graph without nodes the output does not depend on (Split parts nobody reads, shape side
 * branches): engines then never compute them, and the collapse pass never sees them.
 */
function liveGraph(graph: Graph): Graph {
  const live = new Set<number>([graph.input, graph.output])
  for (let id = graph.output; id >= 0; id--) if (live.has(id)) for (const input of graph.nodes[id].inputs) live.add(input)
  if (live.size === graph.nodes.length) return graph
  const newId = new Map<number, number>()
  const nodes: Node[] = []
  for (const node of graph.nodes) {
    if (!live.has(node.id)) continue
    newId.set(node.id, nodes.length)
    nodes.push({ ...node, id: nodes.length, inputs: node.inputs.map((i) => newId.get(i) as number) })
  }
  return { nodes, input: newId.get(graph.input) as number, output: newId.get(graph.output) as number }
}
