import { describe, expect, test } from 'vitest'
import { runGraphTs } from '../../../../src/main/core/backends/ts/interpreter.ts'
import { BufferPool } from '../../../../src/main/core/backends/ts/pool.ts'
import { GraphBuilder } from '../../../../src/main/core/ir/builder.ts'
import type { Graph } from '../../../../src/main/core/ir/graph.ts'
import { createWasmHeap } from '../../../../src/main/core/backends/wasm/heap.ts'
import { describeDifference } from './helpers.ts'

/**
 * On the wasm kernels, an embedding read only by row slices is gathered slice by slice from the
 * table instead of being written whole and copied again, and the slices are kept across passes
 * (interpreter.ts deferredEmbeddings, keptEmbeddedRows). The
 * TS kernels run the plain order: both must give the same bits, the same errors, and give every
 * heap block back.
 */
const heap = createWasmHeap()
const tsPool = new BufferPool({ heap: null })
const wasmPool = new BufferPool({ heap })

/** ids [steps * batch, 1] -> embedding -> one slice per step -> (optionally also a multilinear of the whole lookup) -> stacked. */
function lookupGraph(steps: number, batch: number, alsoWhole: boolean): Graph {
  const b = new GraphBuilder()
  const ids = b.input([steps * batch, 1])
  const embedded = b.add({ kind: 'embedding', vocabulary: 50, features: 7, seed: 3 }, [ids], 'encoder')
  const slices = Array.from({ length: steps }, (_, t) => b.add({ kind: 'multilinear', outFeatures: 2 }, [b.add({ kind: 'rows', start: t * batch, count: batch }, [embedded], `x${t}`)], `l${t}`))
  if (alsoWhole) slices.push(b.add({ kind: 'multilinear', outFeatures: 2 }, [embedded], 'whole'))
  return b.build(b.add({ kind: 'stackrows' }, slices, 'out'))
}

describe('embedding read through row slices', () => {
  test('the same bits as the whole lookup, deferred or not, and every heap block given back', () => {
    expect(heap).not.toBeNull()
    const ids = Float32Array.from({ length: 5 * 3 }, (_, i) => (i * 17) % 50)
    for (const alsoWhole of [false, true]) {
      const graph = lookupGraph(5, 3, alsoWhole)
      const before = heap?.usedBytes
      for (const w of [Math.fround(1e-5), 1]) {
        expect(describeDifference(runGraphTs(graph, ids, w, tsPool), runGraphTs(graph, ids, w, wasmPool)), `alsoWhole ${alsoWhole} at ${w}`).toBe('identical')
      }
      // Blocks go back to the pool (kept for reuse), none is lost: a second run takes no new heap.
      const after = heap?.usedBytes
      runGraphTs(graph, ids, 1, wasmPool)
      expect(heap?.usedBytes).toBe(after)
      expect(after).toBeGreaterThanOrEqual(before ?? 0)
    }
  })

  test('slices kept across passes are served only for the same ids: other ids are looked up again', () => {
    const graph = lookupGraph(4, 3, false)
    const first = Float32Array.from({ length: 12 }, (_, i) => (i * 7) % 50)
    const second = Float32Array.from(first, (id, i) => (i === 7 ? (id + 1) % 50 : id))
    for (const ids of [first, second, first, second]) {
      for (const w of [Math.fround(1e-5), 1]) {
        expect(describeDifference(runGraphTs(graph, ids, w, tsPool), runGraphTs(graph, ids, w, wasmPool)), `ids ${ids.join(',')} at ${w}`).toBe('identical')
      }
    }
  })

  test('a token id outside the vocabulary is the same one-line error', () => {
    const graph = lookupGraph(4, 2, false)
    const ids = Float32Array.from([1, 2, 3, 4, 60, 5, 70, 6])
    for (const pool of [tsPool, wasmPool]) expect(() => runGraphTs(graph, ids, 1, pool)).toThrow(/^token id 60 is outside the 50-word vocabulary$/)
  })
})
