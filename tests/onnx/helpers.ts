import { expect } from 'vitest'
import type { Op } from '../../src/main/core/ir/graph.ts'
import { loadOnnxNetwork } from '../../src/main/onnx/index.ts'
import { OnnxSketch, type SketchTensor } from '../../src/main/onnx/families/sketch.ts'
import { EpsinasError } from '../../src/shared/errors.ts'

/** The IR ops (input excluded) a model maps to at `batch`. */
export function mappedOps(bytes: Uint8Array, batch = 2): Op[] {
  return loadOnnxNetwork(bytes, 'model.onnx').build(batch).nodes.slice(1).map((n) => n.op)
}

/** Maps a sketch whose body is written by `body` on an input of `channels` x `size` x `size`. */
export function sketchOps(body: (s: OnnxSketch, x: SketchTensor) => SketchTensor, options: { channels?: number; size?: number; opset?: number; batch?: number } = {}): Op[] {
  const s = new OnnxSketch(options.channels ?? 4, options.size ?? 8, options.opset ?? 13)
  return mappedOps(s.encode(body(s, s.input)), options.batch)
}

/** The BAD_FILE message loading `bytes` as `file` throws (fails the test when it loads). */
export function refusal(bytes: Uint8Array, file = 'model.onnx', options?: { allowFoldedBn?: boolean }): string {
  try {
    loadOnnxNetwork(bytes, file, options)
  } catch (error) {
    expect(error).toBeInstanceOf(EpsinasError)
    expect((error as EpsinasError).code).toBe('BAD_FILE')
    const message = (error as Error).message
    expect(message).not.toMatch(/[\r\n]/)
    return message
  }
  throw new Error(`${file} loaded, but a refusal was expected`)
}
