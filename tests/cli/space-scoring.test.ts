import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tinyOnnxModel } from '../../src/main/onnx/write.ts'
import { SMALL_MODELS, writeModels } from '../user-spaces/helpers.ts'
import { epsinas, tempDir } from './helpers.ts'

// One worker and tiny batches: each command is mostly process start; the code path is batch 256's.
const FAST = ['--batch', '4', '--workers', '1', '--no-progress']

/** 16 x 16 RGB models: the space is defined on ImageNet16-120, its first (default) dataset. */
const IN16_MODELS = {
  m1: { width: 4, depth: 1, imageSize: 16 },
  m2: { width: 6, depth: 2, imageSize: 16 },
  m3: { width: 3, depth: 3, imageSize: 16 },
  m4: { width: 5, depth: 2, imageSize: 16 },
}

describe('score, sweep, select-weights, stats and jobs on an imported space', () => {
  let dir: string
  let cleanup: () => void
  let env: NodeJS.ProcessEnv
  let models: string
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    env = { EPSINAS_HOME: join(dir, 'home') }
    models = writeModels(join(dir, 'archs'), IN16_MODELS)
    expect(epsinas(['space', 'import', 'flow', models], env).status).toBe(0)
  })
  afterAll(() => cleanup())

  const scoreRows = (out: string): Array<Record<string, string>> => parse(readFileSync(out, 'utf8'), { columns: true }) as Array<Record<string, string>>

  test('score: the dataset defaults to the space first one; a file changed after scoring is scored again, never read from the cache', () => {
    const out = join(dir, 'scores.csv')
    const first = epsinas(['score', '--space', 'flow', ...FAST, '--out', out], env)
    expect(first.status).toBe(0)
    expect(first.stderr).toContain('4 architectures: 4 scored now')
    const rows = scoreRows(out)
    expect(rows.map((r) => [r.arch, r.source])).toEqual([['m1', 'computed'], ['m2', 'computed'], ['m3', 'computed'], ['m4', 'computed']])
    expect(rows[0]).toMatchObject({ space: 'flow', dataset: 'ImageNet16-120', classes: '120', image_size: '16', input: 'grey', batch_size: '4' })

    writeFileSync(join(models, 'm2.onnx'), tinyOnnxModel({ width: 6, depth: 3, imageSize: 16 }))
    expect(epsinas(['space', 'import', 'flow', models], env).status).toBe(0)
    const again = epsinas(['score', '--space', 'flow', ...FAST, '--out', out], env)
    expect(again.status).toBe(0)
    const rescored = scoreRows(out)
    expect(rescored.map((r) => [r.arch, r.source])).toEqual([['m1', 'cached'], ['m2', 'computed'], ['m3', 'cached'], ['m4', 'cached']])
    expect(rescored[1].epsilon).not.toBe(rows[1].epsilon)
    expect(rescored.filter((_, i) => i !== 1).map((r) => r.epsilon)).toEqual(rows.filter((_, i) => i !== 1).map((r) => r.epsilon))

    // Arch files name the file stems (the .onnx name is taken too).
    const archs = join(dir, 'two.txt')
    writeFileSync(archs, 'm3\nm1.onnx\n')
    const picked = epsinas(['score', '--space', 'flow', '--archs', archs, ...FAST, '--out', join(dir, 'two.csv')], env)
    expect(picked.status).toBe(0)
    expect(scoreRows(join(dir, 'two.csv')).map((r) => [r.arch, r.source])).toEqual([['m3', 'cached'], ['m1', 'cached']])
    writeFileSync(archs, 'm9\n')
    const unknown = epsinas(['score', '--space', 'flow', '--archs', archs, ...FAST], env)
    expect([unknown.status, unknown.stderr]).toEqual([2, `epsinas: ${archs} line 1: 'm9' is not an architecture of search space flow (its architectures: m1, m2, m3, m4)\n`])
  })

  test('sweep and select-weights take every arch of the space (--all); stats joins accuracies by file stem', () => {
    const sweep = epsinas(['sweep', '--space', 'flow', '--all', '--exponents', '-2..0', ...FAST], env)
    expect(sweep.status).toBe(0)
    expect(sweep.stderr).toContain('sweeping 4 architectures x 3 weight pairs')
    expect(sweep.stdout.trim().split('\n').slice(1).map((line) => line.trim().split(/\s+/).slice(2, 4))).toEqual([['4', '0'], ['4', '0'], ['4', '0']])

    const json = join(dir, 'choice.json')
    const select = epsinas(['select-weights', '--space', 'flow', '--all', '--exponents', '-3..0', '--bootstrap', '10', ...FAST, '--json', json], env)
    expect(select.status).toBe(0)
    expect(select.stdout).toMatch(/^Chosen weights \[1e-?\d, 1e-?\d\] \(0\.0% NaN\) on 4 sampled architectures/)
    const answer = JSON.parse(readFileSync(json, 'utf8')) as { sample_size: number; considered: unknown[] }
    expect(answer.sample_size).toBe(4)
    expect(answer.considered.length).toBeGreaterThan(0)
    // Asking a sample larger than the space says how to take all of it.
    const tooMany = epsinas(['sweep', '--space', 'flow', '--sample', '9', ...FAST], env)
    expect([tooMany.status, tooMany.stderr]).toEqual([2, 'epsinas: cannot sample 9 of the 4 architectures of flow: ask for at most 4, or for all of them (--all)\n'])

    const scores = join(dir, 'scores.csv')
    const accuracies = join(dir, 'acc.csv')
    writeFileSync(accuracies, 'arch,accuracy\nm1,61.5\nm2,70.25\nm3.onnx,55\nm4,66\n')
    const stats = epsinas(['stats', '--space', 'flow', '--scores', scores, '--accuracies', accuracies], env)
    expect(stats.stderr).toBe('')
    expect(stats.status).toBe(0)
    expect(stats.stdout).toMatch(/^coverage: 4 scored, 0 NaN, 4 joined with accuracies\narchitectures used \(n\) +4\n/)
    expect(stats.stdout).toMatch(/\nSpearman rho +-?\d\.\d{3} +95% CI \[-?\d\.\d{3}, -?\d\.\d{3}\]\n/)
  })

  test('--input real is refused for a space on the custom dataset, and so is a dataset the space is not on', () => {
    expect(epsinas(['space', 'import', 'tiny', writeModels(join(dir, 'tiny'), SMALL_MODELS)], env).status).toBe(0)
    const real = epsinas(['score', '--space', 'tiny', '--input', 'real', ...FAST], env)
    expect(real.status).toBe(2)
    expect(real.stderr).toBe(
      "epsinas: --input real reads a dataset's training images, and the custom dataset of an imported space (a model input no image dataset has) has none: use --input grey, normal, uniform or uniform-pos\n",
    )
    const other = epsinas(['score', '--space', 'tiny', '--dataset', 'cifar10', ...FAST], env)
    expect([other.status, other.stderr]).toEqual([2, 'epsinas: search space tiny is defined on custom only (got --dataset cifar10)\n'])
    const scored = epsinas(['score', '--space', 'tiny', '--input', 'uniform', ...FAST, '--out', join(dir, 'tiny.csv')], env)
    expect(scored.status).toBe(0)
    expect(scoreRows(join(dir, 'tiny.csv'))[0]).toMatchObject({ dataset: 'custom', classes: '0', image_size: '8', input: 'uniform' })
  })

  test('a job of a removed space fails on resume with one line saying how to bring the space back', () => {
    // A worker killed on m2 leaves the job failed, so it can be resumed.
    const failed = epsinas(['score', '--space', 'flow', '--input', 'normal', ...FAST], { ...env, EPSINAS_FAULT_KILL_WORKER: 'm2' })
    expect(failed.status).toBe(1)
    const jobId = /job (j[0-9a-f]+)/.exec(failed.stderr)?.[1] as string
    expect(epsinas(['space', 'remove', 'flow'], env).status).toBe(0)
    const resumed = epsinas(['jobs', 'resume', jobId, '--no-progress'], env)
    expect(resumed.status).toBe(2)
    expect(resumed.stderr).toBe("epsinas: search space 'flow' is not installed (a user space removed with epsinas space remove, or never imported here): import it again with epsinas space import flow PATH\n")
    expect(epsinas(['jobs', 'show', jobId], env).stdout).toContain('failed')
  })
})
