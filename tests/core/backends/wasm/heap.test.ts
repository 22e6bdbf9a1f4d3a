import { describe, expect, test } from 'vitest'
import { runGraphTs } from '../../../../src/main/core/backends/ts/interpreter.ts'
import { BufferPool } from '../../../../src/main/core/backends/ts/pool.ts'
import { createWasmHeap, kernelChoice, type WasmHeap } from '../../../../src/main/core/backends/wasm/heap.ts'
import { GraphBuilder } from '../../../../src/main/core/ir/builder.ts'

function newHeap(): WasmHeap {
  const heap = createWasmHeap()
  if (!heap) throw new Error('this Node has no WebAssembly SIMD: the wasm kernels cannot run')
  return heap
}

describe('the wasm heap', () => {
  test('blocks are 16-byte aligned, reused after free, and everything given back leaves nothing in use', () => {
    const heap = newHeap()
    const a = heap.alloc(100) as number
    const b = heap.alloc(4) as number
    const c = heap.alloc(64) as number
    expect([a % 16, b % 16, c % 16]).toEqual([0, 0, 0])
    expect(new Set([a, b, c]).size).toBe(3)
    heap.free(b, 4)
    expect(heap.alloc(16)).toBe(b) // first fit in the hole
    heap.free(b, 16)
    heap.free(a, 100)
    heap.free(c, 64)
    expect(heap.usedBytes).toBe(0)
    expect(heap.alloc(200)).toBe(a) // the coalesced space is used again from the start
  })

  test('growing the memory keeps the views already handed out', () => {
    const heap = newHeap()
    const offset = heap.alloc(16) as number
    const view = heap.f32(offset, 4)
    view.set([1, -2, 3.5, 2 ** -149])
    expect(heap.alloc(64 * 1024 * 1024)).not.toBeNull() // grows the memory by 64 MiB
    expect(Array.from(view)).toEqual([1, -2, 3.5, 2 ** -149])
    expect(heap.offsetOf(view)).toBe(offset)
    expect(heap.offsetOf(new Float32Array(4))).toBeNull()
  })

  test('a block beyond the maximum is refused with null, not an exception', () => {
    expect(newHeap().alloc(3 * 1024 ** 3)).toBeNull()
  })
})

describe('the kernel switch', () => {
  test('EPSINAS_KERNELS picks wasm (default) or ts; anything else is a one-line BAD_ARGUMENT', () => {
    expect(kernelChoice({})).toBe('wasm')
    expect(kernelChoice({ EPSINAS_KERNELS: 'ts' })).toBe('ts')
    expect(kernelChoice({ EPSINAS_KERNELS: 'wasm' })).toBe('wasm')
    expect(() => kernelChoice({ EPSINAS_KERNELS: 'simd' })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', message: 'EPSINAS_KERNELS must be wasm or ts, not "simd"' }))
  })

  test('a pool without a heap hands out plain arrays; a float64 pool never uses the heap', () => {
    expect(new BufferPool({ heap: null }).take(8).buffer).toBeInstanceOf(ArrayBuffer)
    const heap = newHeap()
    expect(heap.offsetOf(new BufferPool({ heap }).take(8))).not.toBeNull()
    expect(new BufferPool({ precision: 'float64', heap }).heap).toBeNull()
  })

  test('runGraphTs on a heap pool returns a plain array and gives every block back to the pool', () => {
    const b = new GraphBuilder()
    const x = b.input([2, 1, 4, 4])
    const conv = b.add({ kind: 'conv2d', outChannels: 1, kernel: 3, stride: 1, pad: 1 }, [x], 'conv')
    const y = b.add({ kind: 'relu' }, [b.add({ kind: 'batchnorm', eps: 1e-5 }, [conv], 'bn')], 'relu')
    const graph = b.build(b.add({ kind: 'add' }, [y, x], 'sum'))
    const heap = newHeap()
    const pool = new BufferPool({ heap, maxBytes: 0 }) // keeps nothing idle: every block returns to the heap
    const input = Float32Array.from({ length: 32 }, (_, i) => (i % 7) - 3)
    const output = runGraphTs(graph, input, 0.5, pool)
    expect(output.buffer).toBeInstanceOf(ArrayBuffer)
    expect(heap.usedBytes).toBe(0)
    expect(Array.from(output)).toEqual(Array.from(runGraphTs(graph, input, 0.5, new BufferPool({ heap: null }))))
  })

  test('a network that fails half-way gives its heap blocks back; one that never reads its input copies nothing', () => {
    const b = new GraphBuilder()
    const tokens = b.input([4, 1])
    const embedded = b.add({ kind: 'embedding', vocabulary: 10, features: 3, seed: 1 }, [b.add({ kind: 'relu' }, [tokens], 'relu')], 'embed')
    const graph = b.build(embedded)
    const heap = newHeap()
    const pool = new BufferPool({ heap, maxBytes: 0 })
    expect(() => runGraphTs(graph, Float32Array.from([1, 2, 99, 3]), 1, pool)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }))
    expect(heap.usedBytes).toBe(0)
    const constant = new GraphBuilder()
    constant.input([2, 1, 2, 2])
    const filled = constant.build(constant.add({ kind: 'fillweight', shape: [2, 3] }, [], 'w'))
    runGraphTs(filled, new Float32Array(8), 0.5, pool)
    expect(heap.usedBytes).toBe(0)
  })
})
