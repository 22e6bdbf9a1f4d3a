import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getSpace } from '../../src/main/core/spaces/registry.ts'
import { SMALL_MODELS, writeModels } from '../user-spaces/helpers.ts'
import { epsinas, tempDir } from './helpers.ts'

interface SearchJson {
  archs: number
  variants: Array<{ name: string; curve: { median: number[] }; final: { median: number; q25: number; q75: number } }>
}

/** A CSV field: quoted (NB-NLP archs are JSON with commas and quotes). */
function csvField(text: string): string {
  return `"${text.replaceAll('"', '""')}"`
}

/** The final column of a variant's row: "median [q25, q75]". */
function finalOf(stdout: string, variant: string): string | undefined {
  return stdout.split('\n').find((line) => line.startsWith(`${variant}  `))?.split(/\s{2,}/)[1]
}

// NB101 specs in Suite-Zero's key form (matrix row-major, then NASLib op indices: 0 input, 1 output,
// 2 maxpool3x3, 3 conv1x1, 4 conv3x3) and ours. ISOMORPH is FOUR_B with its two branches swapped:
// the same module hash, so the same model.
const NB101 = [
  { key: '(0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 4, 1)', spec: '{"matrix": [[0,1,0],[0,0,1],[0,0,0]], "ops": ["input","conv3x3-bn-relu","output"]}', accuracy: 90, synflow: 4 },
  { key: '(0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 3, 1)', spec: '{"matrix": [[0,1,0],[0,0,1],[0,0,0]], "ops": ["input","conv1x1-bn-relu","output"]}', accuracy: 88, synflow: 3 },
  { key: '(0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 2, 1)', spec: '{"matrix": [[0,1,0],[0,0,1],[0,0,0]], "ops": ["input","maxpool3x3","output"]}', accuracy: 80, synflow: 1 },
  { key: '(0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 4, 3, 1)', spec: '{"matrix": [[0,1,1,0],[0,0,0,1],[0,0,0,1],[0,0,0,0]], "ops": ["input","conv3x3-bn-relu","conv1x1-bn-relu","output"]}', accuracy: 93, synflow: 2 },
]
const ISOMORPH = '{"matrix": [[0,1,1,0],[0,0,0,1],[0,0,0,1],[0,0,0,0]], "ops": ["input","conv1x1-bn-relu","conv3x3-bn-relu","output"]}'

/** Issue 16 section 1: `epsinas search` on every space, each with its own mutation (tests/search/mutation.test.ts). */
describe('epsinas search beyond NB201', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  const readJson = (path: string): SearchJson => JSON.parse(readFileSync(path, 'utf8')) as SearchJson

  test('NB101 over installed Suite-Zero accuracies: its keys\' specs or the --archs ones, isomorphic specs one model; a proxy warm-up and evolution', () => {
    const home = join(dir, 'nb101-home')
    const db = join(dir, 'nb101.db')
    const file = join(dir, 'zc_nasbench101.json')
    writeFileSync(file, JSON.stringify({ cifar10: Object.fromEntries(NB101.map((m) => [m.key, { synflow: { score: m.synflow, time: 0.1 }, val_accuracy: m.accuracy }])) }))
    expect(epsinas(['data', 'import', 'zc-nasbench101', file, '--copy'], { EPSINAS_HOME: home }).stderr).toBe('')
    expect(epsinas(['data', 'convert', 'zc-nasbench101', '--db', db, '--no-progress'], { EPSINAS_HOME: home }).status).toBe(0)
    const search = (args: readonly string[]) => epsinas(['search', '--space', 'nb101', '--db', db, '--no-progress', ...args])

    // Without the NB101 benchmark, the specs of the installed Suite-Zero keys are the space.
    const keys = search(['--algorithm', 'random', '--warmup', 'synflow', '--budget', '1', '--repeats', '2'])
    expect(keys.stderr).toBe('')
    expect(keys.stdout.split('\n')[0]).toMatch(/^4 archs with installed nb101 cifar10 accuracies; /)
    expect(finalOf(keys.stdout, 'random + warm-up synflow')).toBe('90.00 [90.00, 90.00]')

    const archs = join(dir, 'specs.jsonl')
    writeFileSync(archs, `${[...NB101.map((m) => m.spec), ISOMORPH].join('\n')}\n`)
    const json = join(dir, 'nb101.json')
    const run = search(['--archs', archs, '--algorithm', 'random,evolution', '--warmup', 'none,synflow', '--budget', '80', '--repeats', '3', '--json', json])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout.split('\n')[0]).toMatch(/^4 archs with installed nb101 cifar10 accuracies; curve: item zc-nasbench101 .*validation split/)
    expect(finalOf(run.stdout, 'evolution')).toBe('93.00 [93.00, 93.00]')
    const result = readJson(json)
    expect(result.archs).toBe(4)
    // synflow ranks the 90% spec first: the warm-up trains it first.
    expect(result.variants.find((v) => v.name === 'random + warm-up synflow')?.curve.median[0]).toBe(90)
    expect(result.variants.find((v) => v.name === 'evolution + warm-up synflow')?.curve.median[0]).toBe(90)
  })

  test('NB-NLP over an accuracies file (negated losses) with an epsilon warm-up scored through the cache', () => {
    // Small layers keep the networks fast; the recepies are the space's own samples.
    const nbnlp = getSpace('nbnlp')
    const recepies = nbnlp.sample(4, 5).map((arch) => nbnlp.normalize(JSON.stringify({ ...JSON.parse(arch), emsize: 16, nhid: 16, nlayers: 1 })))
    const losses = [5.2, 4.9, 5.6, 5.0]
    const acc = join(dir, 'nlp-acc.csv')
    writeFileSync(acc, `arch,accuracy\n${recepies.map((arch, i) => `${csvField(arch)},${-losses[i]}`).join('\n')}\n`)
    const json = join(dir, 'nlp.json')
    const db = join(dir, 'nlp.db')
    const run = epsinas(['search', '--space', 'nbnlp', '--accuracies', acc, '--algorithm', 'random,evolution', '--warmup', 'none,epsilon', '--budget', '70', '--repeats', '1', '--batch', '4', '--workers', '1', '--no-progress', '--db', db, '--json', json])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.split('\n')[0]).toBe(`4 archs with nbnlp ptb accuracies; curve: ${acc}; parents by: ${acc}`)
    expect(run.stderr).toMatch(/4 architectures: 4 scored now/)
    const result = readJson(json)
    for (const variant of result.variants) expect(variant.final.median).toBe(-4.9)
    for (const variant of result.variants) for (const value of variant.curve.median) expect(losses.map((loss) => -loss)).toContain(value)
  })

  test('an imported space over an accuracies file of its arch names (a uniform mutation); without one, a one-line error', () => {
    const env = { EPSINAS_HOME: join(dir, 'user-home') }
    expect(epsinas(['space', 'import', 'tiny', writeModels(join(dir, 'models'), SMALL_MODELS)], env).status).toBe(0)
    const acc = join(dir, 'tiny-acc.csv')
    writeFileSync(acc, 'arch,accuracy\nnet-a,50\nnet-b,70\nnet-c,60\n')
    const db = join(dir, 'tiny.db')
    const none = epsinas(['search', '--space', 'tiny', '--db', db, '--no-progress'], env)
    expect(none.status).toBe(2)
    expect(none.stderr).toBe('epsinas: no installed accuracies for the tiny space; pass --accuracies FILE\n')
    const json = join(dir, 'tiny.json')
    const run = epsinas(['search', '--space', 'tiny', '--accuracies', acc, '--warmup', 'none,epsilon', '--budget', '70', '--repeats', '3', '--batch', '4', '--workers', '1', '--no-progress', '--db', db, '--json', json], env)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.split('\n')[0]).toBe(`3 archs with tiny custom accuracies; curve: ${acc}; parents by: ${acc}`)
    expect(finalOf(run.stdout, 'evolution')).toBe('70.00 [70.00, 70.00]')
    expect(readJson(json).variants.map((v) => v.name)).toEqual(['evolution', 'evolution + warm-up epsilon'])
  })
})
