import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tinyOnnxModel } from '../../src/main/onnx/write.ts'
import { epsinas, tempDir } from '../cli/helpers.ts'

/** The four newer proxies through `epsinas proxies` on an imported ONNX space (a real child process, a real cache). */
describe('epsinas proxies: grasp, zen, swap and meco on an imported space', () => {
  let dir: string
  let cleanup: () => void
  let env: NodeJS.ProcessEnv
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    env = { EPSINAS_HOME: join(dir, 'home') }
    const models = join(dir, 'models')
    mkdirSync(models)
    writeFileSync(join(models, 'narrow.onnx'), tinyOnnxModel({ width: 3, depth: 2, imageSize: 8 }))
    writeFileSync(join(models, 'wide.onnx'), tinyOnnxModel({ width: 6, depth: 2, imageSize: 8 }))
    expect(epsinas(['space', 'import', 'mine', models], env).status).toBe(0)
  })
  afterAll(() => cleanup())

  it('writes a finite value per model and proxy, swap a count of at most 2^4 patterns for 4 images', () => {
    const result = epsinas(['proxies', '--space', 'mine', '--dataset', 'custom', '--proxies', 'grasp,zen,swap,meco', '--batch', '4', '--db', join(dir, 'cache.db'), '--out', join(dir, 'a.csv'), '--no-progress'], env)
    expect(result.status).toBe(0)
    // None of the four has a known difference from its reference to note.
    expect(result.stderr.match(/^note: .*$/gm)).toBeNull()
    const [header, ...lines] = readFileSync(join(dir, 'a.csv'), 'utf8').trim().split('\n')
    expect(header).toBe('arch,grasp,zen,swap,meco')
    expect(lines.map((line) => line.split(',')[0])).toEqual(['narrow', 'wide'])
    for (const line of lines) {
      const [, grasp, zen, swap, meco] = line.split(',').map(Number)
      for (const value of [grasp, zen, swap, meco]) expect(Number.isFinite(value)).toBe(true)
      expect(Number.isInteger(swap) && swap >= 1 && swap <= 16).toBe(true)
    }
  })
})
