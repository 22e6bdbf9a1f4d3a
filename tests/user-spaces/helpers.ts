import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tinyOnnxModel, type TinyOnnxOptions } from '../../src/main/onnx/write.ts'

/** Writes `<dir>/<id>.onnx` for each model (the project's own ONNX writer: no Python) and returns `dir`. */
export function writeModels(dir: string, models: Readonly<Record<string, TinyOnnxOptions>>): string {
  mkdirSync(dir, { recursive: true })
  for (const [id, options] of Object.entries(models)) writeFileSync(join(dir, `${id}.onnx`), tinyOnnxModel(options))
  return dir
}

/** Three small distinct architectures on 8 x 8 inputs (no image dataset has that size: 'custom'). */
export const SMALL_MODELS: Readonly<Record<string, TinyOnnxOptions>> = {
  'net-a': { width: 4, depth: 1, imageSize: 8 },
  'net-b': { width: 6, depth: 2, imageSize: 8 },
  'net-c': { width: 5, depth: 1, imageSize: 8 },
}
