import type { Graph, Node, Op, Window2d } from './graph.ts'
import { describeEmbeddingInit } from './embedding-table.ts'

/** kh x kw, stride, dilation (only when not 1) and pads [top, left, bottom, right]. */
function describeWindow(window: Window2d): string {
  const { kernel, stride, dilation, pads } = window
  const parts = [`${kernel[0]}x${kernel[1]}`, `s${stride.join(',')}`]
  if (dilation.some((d) => d !== 1)) parts.push(`d${dilation.join(',')}`)
  parts.push(`p${pads.join(',')}`)
  return parts.join(', ')
}

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
      return `embedding(${op.vocabulary} -> ${op.features}, seed ${op.seed}${op.init ? `, ${describeEmbeddingInit(op.init)}` : ''})`
    case 'rows':
      return `rows[${op.start}..${op.start + op.count - 1}]`
    case 'conv':
      return `conv(${describeWindow(op.window)}${op.groups > 1 ? `, g${op.groups}` : ''} -> ${op.outChannels})`
    case 'pool':
      return `pool(${op.mode}, ${describeWindow(op.window)}${op.ceilMode ? ', ceil' : ''}${op.mode === 'avg' && !op.countIncludePad ? ', exclude pad' : ''})`
    case 'hardsigmoid':
      return `hardsigmoid(${op.alpha}, ${op.beta})`
    case 'clip':
      return `clip(${op.min}, ${op.max})`
    case 'scalar':
      return op.scalarFirst ? `scalar(${op.value} ${op.fn} x)` : `scalar(x ${op.fn} ${op.value})`
    case 'pad':
      return `pad(${op.pads.join(',')})`
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
