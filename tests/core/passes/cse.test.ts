import { describe, expect, test } from 'vitest'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { printGraph } from '../../../src/main/core/ir/index.ts'
import { collapseGraph, collapseInput } from '../../../src/main/core/passes/collapse.ts'
import { eliminateCommonSubexpressions } from '../../../src/main/core/passes/cse.ts'
import { buildNb201Network } from '../../../src/main/core/spaces/nb201/index.ts'
import { greySource } from '../../../src/main/data/index.ts'

// Node 0 feeds three conv edges and two none edges: one ReLU and one `x * 0` suffice.
const ARCH = '|nor_conv_3x3~0|+|nor_conv_1x1~0|none~1|+|nor_conv_3x3~0|none~1|skip_connect~2|'

describe('eliminateCommonSubexpressions', () => {
  const network = buildNb201Network(ARCH, { batchSize: 4, imageSize: 8, classes: 10, cellsPerStage: 1, form: 'literal' })
  const collapsed = collapseGraph(network, { inputPartition: [3] })
  const merged = eliminateCommonSubexpressions(collapsed)
  const kinds = (text: string, kind: string): number => text.split('\n').filter((line) => line.includes(` ${kind}`)).length

  test('should merge the repeated ReLU of a node and its repeated conv edges', () => {
    expect(merged.nodes.length).toBeLessThan(collapsed.nodes.length)
    // Cell 0: relu(x) was computed for each of three conv edges; conv3x3(x) twice.
    const cellRelus = (g: typeof merged): number => g.nodes.filter((n) => n.op.kind === 'relu' && n.label.startsWith('cell0.node')).length
    expect(cellRelus(collapsed)).toBeGreaterThan(cellRelus(merged))
    expect(kinds(printGraph(merged), 'conv2d')).toBeLessThan(kinds(printGraph(collapsed), 'conv2d'))
  })

  test('should change no bit of the output', () => {
    const batch = greySource.load([4, 3, 8, 8], 0) as { data: Float32Array; shape: readonly [number, number, number, number] }
    const input = collapseInput(batch.data, batch.shape, [3])
    for (const w of [1e-7, 1e-3, 1, 10]) {
      expect(runGraphTs(merged, input, w)).toEqual(runGraphTs(collapsed, input, w))
    }
  })

  test('should be idempotent', () => {
    expect(printGraph(eliminateCommonSubexpressions(merged))).toBe(printGraph(merged))
  })
})
