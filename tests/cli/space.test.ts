import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { SpaceView } from '../../src/shared/api.ts'
import { SMALL_MODELS, writeModels } from '../user-spaces/helpers.ts'
import { epsinas, tempDir } from './helpers.ts'

describe('epsinas space import | list | show | remove', () => {
  let dir: string
  let cleanup: () => void
  let env: NodeJS.ProcessEnv
  let models: string
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    env = { EPSINAS_HOME: join(dir, 'home') }
    models = writeModels(join(dir, 'archs'), SMALL_MODELS)
  })
  afterAll(() => cleanup())

  test('import copies the folder into the data directory; list shows it beside the built-ins', () => {
    const imported = epsinas(['space', 'import', 'myspace', models], env)
    expect(imported.stderr).toBe('')
    expect(imported.status).toBe(0)
    expect(imported.stdout).toBe(`imported myspace: 3 architectures, input 3x8x8, datasets custom (stored in ${join(dir, 'home', 'spaces', 'myspace')})\n`)
    expect(readdirSync(join(dir, 'home', 'spaces', 'myspace')).filter((f) => f.endsWith('.onnx'))).toHaveLength(3)

    // A new process finds it: the space survives the one that imported it.
    const table = epsinas(['space', 'list'], env)
    expect(table.status).toBe(0)
    const lines = table.stdout.trim().split('\n')
    expect(lines[0].split(/\s+/)).toEqual(['name', 'kind', 'archs', 'input', 'datasets', 'source'])
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 4))).toEqual([
      ['nb201', 'built-in', '15625', '3x32x32'],
      ['nb101', 'built-in', '423624', '3x32x32'],
      ['nbnlp', 'built-in', 'unbounded', 'text'],
      ['natssss', 'built-in', '32768', '3x32x32'],
      ['myspace', 'onnx', '3', '3x8x8'],
    ])
    expect(lines[5]).toMatch(new RegExp(`custom +${models}$`))
    const json = JSON.parse(epsinas(['space', 'list', '--json'], env).stdout) as SpaceView[]
    expect(json.at(-1)).toMatchObject({ id: 'myspace', kind: 'onnx', size: 3, inputShape: [3, 8, 8], datasets: ['custom'], source: models, warnings: [] })
  })

  test('show lists each architecture with its hash prefix, size and op count, then the op totals', () => {
    const shown = epsinas(['space', 'show', 'myspace'], env)
    expect(shown.status).toBe(0)
    const text = shown.stdout
    expect(text).toContain('myspace: myspace (onnx)\narchitectures: 3\ninput: 3x8x8\ndatasets: custom\ndefault weights: 1e-7, 1\n')
    expect(text).toMatch(/\nnet-a +[0-9a-f]{12} +\d+(\.\d)? kB +6\n/)
    // net-b: two Conv-BN-ReLU blocks and the head.
    expect(text).toMatch(/\nnet-b +[0-9a-f]{12} +\d+(\.\d)? kB +9\n/)
    expect(text).toContain('ONNX ops (all architectures): BatchNormalization 4, Conv 4, Relu 4, Flatten 3, Gemm 3, GlobalAveragePool 3\nwarnings: none\n')
    const builtIn = epsinas(['space', 'show', 'nb201'], env)
    expect(builtIn.stdout).toBe('nb201: NAS-Bench-201 (built-in)\narchitectures: 15625\ninput: 3x32x32\ndatasets: cifar10, cifar100, ImageNet16-120\ndefault weights: 1e-7, 1\n')
  })

  test('a corrupt or foreign file is refused in one line (exit 2) and nothing is imported', () => {
    const bad = writeModels(join(dir, 'bad'), { fine: {} })
    writeFileSync(join(bad, 'notes.onnx'), 'PK\u0003\u0004 a zip file, not a model')
    const run = epsinas(['space', 'import', 'badspace', bad], env)
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/^epsinas: notes\.onnx is not an ONNX model \(.*\)\n$/)
    expect(existsSync(join(dir, 'home', 'spaces', 'badspace'))).toBe(false)
    expect(readdirSync(join(dir, 'home', 'spaces'))).toEqual(['myspace'])
    expect(epsinas(['space', 'list'], env).stdout).not.toContain('badspace')
  })

  test('remove refuses built-in and unknown spaces in one line and deletes a user space', () => {
    const builtIn = epsinas(['space', 'remove', 'nb201'], env)
    expect([builtIn.status, builtIn.stderr]).toEqual([2, 'epsinas: nb201 is a built-in search space and cannot be removed\n'])
    const unknown = epsinas(['space', 'remove', 'nothere'], env)
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toBe(`epsinas: no user search space 'nothere' in ${join(dir, 'home', 'spaces')} (see epsinas space list)\n`)
    const importedTwice = epsinas(['space', 'import', 'nb101', models], env)
    expect([importedTwice.status, importedTwice.stderr]).toEqual([2, 'epsinas: nb101 is a built-in search space; choose another name\n'])

    expect(epsinas(['space', 'import', 'doomed', models], env).status).toBe(0)
    const removed = epsinas(['space', 'remove', 'doomed'], env)
    expect([removed.status, removed.stdout]).toEqual([0, 'removed search space doomed\n'])
    expect(existsSync(join(dir, 'home', 'spaces', 'doomed'))).toBe(false)
    expect(epsinas(['space', 'list'], env).stdout).not.toContain('doomed')
  })

  test('a broken space folder is skipped with one warning line; every command still runs', () => {
    const home = join(dir, 'broken-home')
    mkdirSync(join(home, 'spaces', 'broken'), { recursive: true })
    writeFileSync(join(home, 'spaces', 'broken', 'space.json'), '{"format": 1, "name": "broken", "kind": "onnx"}')
    const run = epsinas(['space', 'list'], { EPSINAS_HOME: home })
    expect(run.status).toBe(0)
    expect(run.stderr).toMatch(/^epsinas: warning: search space folder .*broken skipped: .*space\.json: source must be a non-empty string.*\n$/)
    expect(run.stdout).not.toContain('broken')
  })
})
