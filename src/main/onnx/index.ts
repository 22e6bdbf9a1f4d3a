/**
 * ONNX import: an .onnx file (one architecture, as torch.onnx.export writes it, opsets 11-20) ->
 * the network IR with epsilon's semantics (metric.md section 1). Read with protobufjs against the
 * official onnx.proto (onnx-proto.generated.ts), mapped op by op (op-handlers.ts), validated in
 * full when loaded, so a file that loads builds at every batch size.
 */
import { EpsinasError } from '../../shared/errors.ts'
import type { Graph } from '../core/ir/graph.ts'
import { SUPPORTED_OPS, badFile, mapGraph, modelInput } from './mapper.ts'
import { decodeModelProto, type ModelProtoData } from './proto.ts'

export interface OnnxNetwork {
  /** [channels, height, width] of the model input. */
  inputShape: readonly [number, number, number]
  /** Full-width IR; BAD_ARGUMENT if the batch axis is fixed and differs. */
  build(batchSize: number): Graph
  /** e.g. the folded-BN warning when allowed. */
  warnings: string[]
  /** ONNX op type -> count, for `space show`. */
  opCounts: Record<string, number>
}

/** Every ONNX op type the importer maps. */
export const SUPPORTED_ONNX_OPS: readonly string[] = SUPPORTED_OPS

/** The export call that keeps BatchNormalization nodes (printed when BN was folded). */
export const BN_KEEPING_EXPORT = 'torch.onnx.export(model, x, path, training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False)'

/** Opsets of the default domain the importer reads (attribute and input forms of both eras). */
const MIN_OPSET = 9
const MAX_OPSET = 21

function decode(bytes: Uint8Array, file: string): ModelProtoData {
  let model: ModelProtoData
  try {
    model = decodeModelProto(bytes)
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `${file} is not an ONNX model (cannot decode a ModelProto: ${(error as Error).message}; truncated or another format?)`)
  }
  if (!model.ir_version || !model.graph || !(model.opset_import ?? []).length) {
    const missing = !model.ir_version ? 'no ir_version' : !model.graph ? 'no graph' : 'no opset_import'
    throw new EpsinasError('BAD_FILE', `${file} is not an ONNX model (${missing}; truncated or another format?)`)
  }
  return model
}

/** Handlers read both the attribute and the input forms of ops that moved between opsets. */
function checkOpset(model: ModelProtoData, file: string): void {
  const entry = (model.opset_import ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')
  const version = entry?.version ?? 0
  if (version < MIN_OPSET || version > MAX_OPSET) {
    throw badFile(file, `opset ${version || 'none'} of the default domain; supported: opsets ${MIN_OPSET} to ${MAX_OPSET} (torch.onnx.export opset_version 11 to 20)`)
  }
}

/**
 * Reads and validates an ONNX model: decodes it, finds its one image input, maps every node (a
 * refusal is EpsinasError BAD_FILE, one line naming the file, node, op type and what is supported),
 * and applies the folded-BN rule. `fileName` only appears in messages.
 */
export function loadOnnxNetwork(bytes: Uint8Array, fileName: string, options: { allowFoldedBn?: boolean } = {}): OnnxNetwork {
  const model = decode(bytes, fileName)
  const graph = model.graph as NonNullable<ModelProtoData['graph']>
  checkOpset(model, fileName)
  const input = modelInput(fileName, graph)
  const opCounts: Record<string, number> = {}
  for (const node of graph.node ?? []) {
    const type = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.op_type ?? ''}` : (node.op_type ?? '')
    opCounts[type] = (opCounts[type] ?? 0) + 1
  }
  // One mapping validates the whole model (at batch 2 when the axis is dynamic: any size works).
  const probe = mapGraph(fileName, graph, input, input.fixedBatch ?? 2)
  const warnings: string[] = []
  const { convsWithBias, batchNorms } = probe.facts
  if (convsWithBias > 0 && batchNorms === 0) {
    // epsilon of a network whose BN was folded into its convs is a different number (no batch
    // statistics), so scoring it silently would mislead a weight choice: an error unless allowed.
    const why = `BatchNormalization was probably folded into the convolutions (${convsWithBias} Conv with biases, no BatchNormalization); export with ${BN_KEEPING_EXPORT} to keep it`
    if (!options.allowFoldedBn) throw badFile(fileName, `${why}, or allow folded BN (--allow-folded-bn) to score the network as it is`)
    warnings.push(`${fileName}: ${why}; scored as it is (--allow-folded-bn)`)
  }
  let cached: { batchSize: number; graph: Graph } | null = { batchSize: input.fixedBatch ?? 2, graph: probe.graph }
  return {
    inputShape: input.shape,
    warnings,
    opCounts,
    build(batchSize: number): Graph {
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new EpsinasError('BAD_ARGUMENT', `batch size ${batchSize} is not a positive integer`)
      if (input.fixedBatch !== null && batchSize !== input.fixedBatch) {
        throw new EpsinasError('BAD_ARGUMENT', `${fileName} fixes the batch axis at ${input.fixedBatch}; use --batch ${input.fixedBatch}, or export with dynamic_axes={'input': {0: 'N'}}`)
      }
      if (cached?.batchSize !== batchSize) cached = { batchSize, graph: mapGraph(fileName, graph, input, batchSize).graph }
      return cached.graph
    },
  }
}
