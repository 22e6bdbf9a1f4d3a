import type { Graph, Node, Op } from './graph.ts'

function describeOp(op: Op): string {
  switch (op.kind) {
    case 'conv2d':
      return `conv2d(${op.kernel}x${op.kernel}, s${op.stride}, p${op.pad} -> ${op.outChannels})`
    case 'avgpool':
      return `avgpool(${op.kernel}x${op.kernel}, s${op.stride}, p${op.pad}${op.countIncludePad ? '' : ', exclude pad'})`
    case 'maxpool':
      return `maxpool(${op.kernel}x${op.kernel}, s${op.stride}, p${op.pad})`
    case 'channelslice':
      return `channelslice[${op.start}..${op.start + op.size - 1}]`
    case 'linear':
      return `linear(-> ${op.outFeatures})`
    case 'regroup':
      return `regroup[${op.sources.join(',')}]`
    case 'batchnorm':
      return 'batchnorm'
    case 'multilinear':
      return `multilinear(-> ${op.outFeatures}, bias w)`
    case 'leakyrelu':
      return `leakyrelu(${op.slope})`
    case 'fillweight':
      return `fillweight[${op.shape.join('x')}]`
    case 'embedding':
      return `embedding(${op.vocabulary} -> ${op.features}, seed ${op.seed})`
    case 'rows':
      return `rows[${op.start}..${op.start + op.count - 1}]`
    default:
      return op.kind
  }
}

function multiplicityText(node: Node): string {
  const m = node.channelMultiplicity
  return m.every((x) => x === 1) ? '' : ` x{${m.join(',')}}`
}

/** One line per node: id, label, op, inputs, shape and (when collapsed) channel multiplicities. */
export function printGraph(graph: Graph): string {
  return graph.nodes
    .map((node) => {
      const inputs = node.inputs.length > 0 ? `(${node.inputs.map((i) => `%${i}`).join(', ')})` : ''
      const mark = node.id === graph.output ? '  <- output' : ''
      return `%${node.id} ${describeOp(node.op)}${inputs} [${node.shape.join('x')}]${multiplicityText(node)}  ${node.label}${mark}`
    })
    .join('\n')
}
