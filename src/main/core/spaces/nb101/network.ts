import type { Graph } from '../../ir/graph.ts'
import { GraphBuilder, type TensorRef } from '../../ir/builder.ts'
import { EpsinasError } from '../../../../shared/errors.ts'
import { computeVertexChannels } from './channels.ts'
import { type Nb101Spec, parseNb101Spec } from './spec.ts'

/**
 * The NAS-Bench-101 network as the epsinas reference builds it (egracheva/epsinas
 * NAS-Bench-101/nas_101_api/{model,base_ops}.py, a PyTorch port of nasbench's model_builder), op
 * for op and in the same order, because float addition is not associative:
 * - ConvBnRelu = Conv (no bias) -> BatchNorm2d(track_running_stats=False, eps 1e-5) -> ReLU;
 * - stem ConvBnRelu 3x3 (3 -> 128); 3 stacks of 3 cells; MaxPool2d(2, 2) before stacks 2 and 3,
 *   which double the channels; torch.mean over H, W; Linear(channels -> args.num_labels);
 * - a cell: vertex t's input = sum of its inner predecessors (ascending, each truncated to
 *   vertex t's channels) and then, when the input vertex feeds t, a ConvBnRelu 1x1 projection of the
 *   cell input; vertex op conv3x3/conv1x1 = ConvBnRelu, maxpool3x3 = MaxPool2d(3, 1, 1); the output
 *   concatenates the inner vertices that feed it in vertex order, plus the projected cell input when
 *   the input feeds the output (the projection alone when no inner vertex does).
 */

/** BatchNorm epsilon of the reference (PyTorch's default). */
export const NB101_BN_EPS = 1e-5

/**
 * Classifier outputs of the reference: its notebooks set `args.num_labels = 1` (Reproduce.ipynb,
 * Ablations.ipynb). With constant weights every output unit equals the same sum, so ten units would
 * repeat one value ten times; epsilon is the same up to float32 rounding of its means.
 */
export const NB101_REFERENCE_OUTPUTS = 1

/** Macro parameters of the network; the defaults are the benchmark's. */
export interface Nb101NetworkOptions {
  batchSize: number
  /** Input height and width (CIFAR-10: 32). */
  imageSize?: number
  /** Classifier outputs (default NB101_REFERENCE_OUTPUTS; the benchmark trained with 10). */
  classes?: number
  /** Stem output channels, doubled by each later stack (128 in the benchmark; smaller in tests). */
  stemChannels?: number
  stacks?: number
  cellsPerStack?: number
}

function convBnRelu(b: GraphBuilder, x: TensorRef, outChannels: number, kernel: number): TensorRef {
  const conv = b.add({ kind: 'conv2d', outChannels, kernel, stride: 1, pad: (kernel - 1) >> 1 }, [x], 'conv')
  const bn = b.add({ kind: 'batchnorm', eps: NB101_BN_EPS }, [conv], 'bn')
  return b.add({ kind: 'relu' }, [bn], 'relu')
}

function vertexOp(b: GraphBuilder, op: string, x: TensorRef, channels: number): TensorRef {
  switch (op) {
    case 'conv3x3-bn-relu':
      return b.scope('conv3x3', () => convBnRelu(b, x, channels, 3))
    case 'conv1x1-bn-relu':
      return b.scope('conv1x1', () => convBnRelu(b, x, channels, 1))
    case 'maxpool3x3':
      return b.add({ kind: 'maxpool', kernel: 3, stride: 1, pad: 1 }, [x], 'maxpool3x3')
    default:
      throw new EpsinasError('INTERNAL', `no NAS-Bench-101 vertex op ${op}`)
  }
}

/** The reference's Truncate: the first `channels` channels (never more than one is dropped). */
function truncate(b: GraphBuilder, x: TensorRef, channels: number, label: string): TensorRef {
  const have = b.node(x).shape[1]
  if (have === channels) return x
  if (have - channels !== 1) throw new EpsinasError('INTERNAL', `${label}: truncating ${have} channels to ${channels}`)
  return b.add({ kind: 'channelslice', start: 0, size: channels }, [x], label)
}

function sum(b: GraphBuilder, terms: readonly TensorRef[], label: string): TensorRef {
  return terms.length === 1 ? terms[0] : b.add({ kind: 'add' }, terms, label)
}

/** One cell (the reference's `Cell.forward`). */
function cell(b: GraphBuilder, spec: Nb101Spec, x: TensorRef, inChannels: number, outChannels: number): TensorRef {
  const { matrix, ops } = spec
  const last = matrix.length - 1
  const channels = computeVertexChannels(inChannels, outChannels, matrix)
  const project = (to: number, name: string): TensorRef => b.scope(name, () => convBnRelu(b, x, channels[to], 1))
  const tensors: TensorRef[] = [x]
  const outputs: TensorRef[] = []
  for (let t = 1; t < last; t++) {
    const fanIn: TensorRef[] = []
    for (let src = 1; src < t; src++) {
      if (matrix[src][t]) fanIn.push(truncate(b, tensors[src], channels[t], `v${t}.truncate${src}`))
    }
    if (matrix[0][t]) fanIn.push(project(t, `v${t}.project`))
    const input = sum(b, fanIn, `v${t}.sum`)
    tensors.push(b.scope(`v${t}`, () => vertexOp(b, ops[t], input, channels[t])))
    if (matrix[t][last]) outputs.push(tensors[t])
  }
  if (outputs.length === 0) return project(last, 'out.project')
  const concatenated = outputs.length === 1 ? outputs[0] : b.add({ kind: 'concat' }, outputs, 'out.concat')
  if (!matrix[0][last]) return concatenated
  return b.add({ kind: 'add' }, [concatenated, project(last, 'out.project')], 'out.sum')
}

/** Builds the NAS-Bench-101 network of one spec (JSON text or parsed; it is validated and pruned first). */
export function buildNb101Network(arch: string | Nb101Spec, options: Nb101NetworkOptions): Graph {
  const spec = parseNb101Spec(arch)
  const imageSize = options.imageSize ?? 32
  const stacks = options.stacks ?? 3
  const perStack = options.cellsPerStack ?? 3
  let channels = options.stemChannels ?? 128
  if (!Number.isInteger(channels) || channels < spec.ops.length) {
    throw new EpsinasError('BAD_ARGUMENT', `NB101 stem channels must be an integer of at least ${spec.ops.length} for this spec (got ${channels})`)
  }
  const b = new GraphBuilder()
  const input = b.input([options.batchSize, 3, imageSize, imageSize])
  let x = b.scope('stem', () => convBnRelu(b, input, channels, 3))
  let inChannels = channels
  let cellIndex = 0
  for (let stack = 0; stack < stacks; stack++) {
    if (stack > 0) {
      const from = x
      x = b.add({ kind: 'maxpool', kernel: 2, stride: 2, pad: 0 }, [from], `stack${stack}.downsample`)
      channels *= 2
    }
    for (let k = 0; k < perStack; k++) {
      const from = x
      const cellIn = inChannels
      x = b.scope(`cell${cellIndex++}`, () => cell(b, spec, from, cellIn, channels))
      inChannels = channels
    }
  }
  const out = b.scope('head', () => {
    const pooled = b.add({ kind: 'globalavgpool' }, [x], 'pool')
    return b.add({ kind: 'linear', outFeatures: options.classes ?? NB101_REFERENCE_OUTPUTS }, [pooled], 'classifier')
  })
  return b.build(out)
}
