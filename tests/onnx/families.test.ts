import { describe, expect, test } from 'vitest'
import type { Op } from '../../src/main/core/ir/graph.ts'
import { familyModel, familyModels, ONNX_FAMILIES, type OnnxFamily } from '../../src/main/onnx/families/index.ts'
import { loadOnnxNetwork } from '../../src/main/onnx/index.ts'

/** IR ops and ONNX op counts over 30 models of a family (the agreement test's seed). */
function survey(family: OnnxFamily): { ops: Op[]; onnx: Set<string> } {
  const ops: Op[] = []
  const onnx = new Set<string>()
  familyModels(family, 30, 12).forEach((bytes, i) => {
    const network = loadOnnxNetwork(bytes, `${family}-${i}.onnx`)
    ops.push(...network.build(2).nodes.map((n) => n.op))
    for (const type of Object.keys(network.opCounts)) onnx.add(type)
  })
  return { ops, onnx }
}

describe('ONNX family generators', () => {
  test('should be reproducible: the same family, seed and index give the same bytes; other indices other models', () => {
    for (const family of ONNX_FAMILIES) {
      expect(Buffer.from(familyModel(family, 7, 3)).equals(Buffer.from(familyModel(family, 7, 3)))).toBe(true)
      const distinct = new Set(familyModels(family, 30, 7).map((b) => Buffer.from(b).toString('base64')))
      expect(distinct.size, family).toBe(30)
    }
  })

  test('plain: every activation, both BN forms, pooling variants, rectangular/asymmetric/auto-padded convs', () => {
    const { ops, onnx } = survey('plain')
    const kinds = new Set(ops.map((op) => op.kind))
    for (const kind of ['relu', 'clip', 'leakyrelu', 'sigmoid', 'tanh', 'hardsigmoid', 'hardswish', 'maxpool', 'avgpool', 'pool', 'pad', 'sub', 'mul', 'conv', 'conv2d']) expect(kinds, kind).toContain(kind)
    expect(ops.some((op) => op.kind === 'pool' && op.ceilMode)).toBe(true)
    const averages = ops.flatMap((op) => (op.kind === 'avgpool' || (op.kind === 'pool' && op.mode === 'avg') ? [op.countIncludePad] : []))
    expect(new Set(averages)).toEqual(new Set([true, false]))
    expect(ops.some((op) => op.kind === 'conv' && op.window.kernel[0] !== op.window.kernel[1])).toBe(true)
    expect(ops.some((op) => op.kind === 'conv' && op.window.pads[0] !== op.window.pads[2])).toBe(true)
    expect(onnx).toContain('BatchNormalization')
  })

  test('mobilenet: depthwise convs, ReLU6 as Clip, residual Add, channel Split + Concat', () => {
    const { ops } = survey('mobilenet')
    expect(ops.some((op) => op.kind === 'conv' && op.groups > 1 && op.groups === op.outChannels)).toBe(true)
    const kinds = new Set(ops.map((op) => op.kind))
    for (const kind of ['clip', 'add', 'channelslice', 'concat', 'hardswish']) expect(kinds, kind).toContain(kind)
  })

  test('darts: separable (depthwise + pointwise) and dilated convs, pooling branches, node sums and Concat', () => {
    const { ops } = survey('darts')
    expect(ops.some((op) => op.kind === 'conv' && op.window.dilation[0] === 2 && op.groups === op.outChannels)).toBe(true)
    expect(ops.some((op) => op.kind === 'conv' && op.window.kernel[0] === 5 && op.groups > 1)).toBe(true)
    const kinds = new Set(ops.map((op) => op.kind))
    for (const kind of ['maxpool', 'avgpool', 'add', 'concat']) expect(kinds, kind).toContain(kind)
  })

  test('heads: GAP + Flatten + Gemm, ReduceMean + Gemm, Squeeze, x.view(x.size(0), -1) + MatMul, GlobalMaxPool, MLP with BN1d and Dropout', () => {
    const { onnx } = survey('heads')
    for (const type of ['GlobalAveragePool', 'Flatten', 'Gemm', 'ReduceMean', 'Squeeze', 'Shape', 'Gather', 'Unsqueeze', 'Reshape', 'MatMul', 'GlobalMaxPool', 'Dropout', 'Slice', 'Sub', 'Div']) {
      expect(onnx, type).toContain(type)
    }
  })
})
