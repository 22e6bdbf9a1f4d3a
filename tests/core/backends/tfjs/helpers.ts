import { expect } from 'vitest'
import type { TfjsBackendId } from '../../../../src/main/core/backends/tfjs/index.ts'
import { GraphBuilder } from '../../../../src/main/core/ir/builder.ts'
import type { Graph, Op } from '../../../../src/main/core/ir/graph.ts'

/** Backends that load on any machine (no native packages): every op test runs on each. */
export const PORTABLE_BACKENDS: readonly TfjsBackendId[] = ['tfjs-wasm', 'tfjs-cpu']

/** A graph of one op applied to the input, built with GraphBuilder. */
export function oneOp(op: Op, inputShape: readonly number[], inputMultiplicity?: readonly number[]): Graph {
  const b = new GraphBuilder()
  const x = b.input(inputShape, inputMultiplicity)
  return b.build(b.add(op, [x], op.kind))
}

/** Exact float32 equality, element by element, with NaN equal to NaN (and 0 equal to -0). */
export function expectExact(actual: Float32Array, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length)
  expected.forEach((e, i) => {
    const a = actual[i]
    if (Number.isNaN(e)) expect(a, `index ${i}`).toBeNaN()
    // `+ 0` turns -0 into 0: toBe compares with Object.is.
    else expect(a + 0, `index ${i}`).toBe(Math.fround(e) + 0)
  })
}

/** |a - e| <= rel * max(|a|, |e|) element by element; NaN only matches NaN. */
export function expectRelClose(actual: Float32Array, expected: ArrayLike<number>, rel: number): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]
    const e = expected[i]
    if (Number.isNaN(e) || Number.isNaN(a)) {
      expect(Number.isNaN(a), `index ${i}: ${a} vs ${e}`).toBe(Number.isNaN(e))
      continue
    }
    expect(Math.abs(a - e), `index ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(rel * Math.max(Math.abs(a), Math.abs(e)))
  }
}

/** A reproducible input in [-1, 1] (no dependency on the input-source module). */
export function wavyInput(length: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => Math.sin(i * 0.37) * Math.cos(i * 0.011))
}

/** A small graph that uses every op kind once or more: for leak and cross-backend checks. */
export function everyOpGraph(): Graph {
  const b = new GraphBuilder()
  const x = b.input([2, 3, 5, 5])
  const conv = b.add({ kind: 'conv2d', outChannels: 4, kernel: 3, stride: 1, pad: 1 }, [x], 'conv')
  const bn = b.add({ kind: 'batchnorm', eps: 1e-5 }, [conv], 'bn')
  const relu = b.add({ kind: 'relu' }, [bn], 'relu')
  const pool = b.add({ kind: 'avgpool', kernel: 3, stride: 1, pad: 1, countIncludePad: false }, [relu], 'pool3')
  const none = b.add({ kind: 'zero' }, [x], 'none')
  const shortcut = b.add({ kind: 'conv2d', outChannels: 4, kernel: 1, stride: 1, pad: 0 }, [none], 'conv1x1')
  const sum = b.add({ kind: 'add' }, [relu, pool, shortcut], 'sum')
  const reduced = b.add({ kind: 'avgpool', kernel: 2, stride: 2, pad: 0, countIncludePad: true }, [sum], 'pool2')
  const picked = b.add({ kind: 'regroup', sources: [0, 1, 1, 3] }, [reduced], 'regroup')
  const gap = b.add({ kind: 'globalavgpool' }, [picked], 'gap')
  const flatBn = b.add({ kind: 'batchnorm', eps: 1e-5 }, [gap], 'bn1d')
  const fc = b.add({ kind: 'linear', outFeatures: 5 }, [flatBn], 'fc')
  return b.build(b.add({ kind: 'regroup', sources: [4, 0] }, [fc], 'pick'))
}
