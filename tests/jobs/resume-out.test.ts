import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { epsinas, tempDir } from '../cli/helpers.ts'
import { distinctArchs, killLeftoverScores, startHeldScore, waitUntilScoring, writeArchsFile } from './helpers.ts'

const ARCHS = distinctArchs(8)

describe('resuming a score job started with --out', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => {
    killLeftoverScores()
    cleanup()
  })

  test('writes the original --out file, with every architecture, wherever the resume runs from', async () => {
    const db = join(dir, 'out.db')
    const archs = writeArchsFile(join(dir, 'archs.txt'), ARCHS)
    // A relative --out, given in `dir`; the resume below runs from another directory.
    const run = startHeldScore(['--archs', archs, '--out', 'scores.csv', '--batch', '8', '--workers', '2', '--no-progress', '--db', db], ARCHS[0], { cwd: dir })
    const jobId = await waitUntilScoring(run, db, 3)
    run.child.kill('SIGKILL')
    expect((await run.exit).signal).toBe('SIGKILL')
    const out = join(dir, 'scores.csv')
    expect(existsSync(out)).toBe(false)

    const resumed = epsinas(['jobs', 'resume', jobId, '--no-progress', '--db', db])
    expect(resumed.status).toBe(0)
    expect(resumed.stderr).toContain(`scores written to ${out}`)
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n')
    expect(lines[0]).toMatch(/^arch,epsilon,/)
    expect(lines.slice(1).map((line) => line.split(',')[0]).sort()).toEqual([...ARCHS].sort())
  })

  test('checks the stored --out before any work: a folder gone since the start is refused, nothing scored', async () => {
    const db = join(dir, 'gone.db')
    const folder = join(dir, 'results')
    mkdirSync(folder)
    const archs = writeArchsFile(join(dir, 'archs-gone.txt'), ARCHS)
    const run = startHeldScore(['--archs', archs, '--out', join(folder, 'scores.csv'), '--batch', '8', '--workers', '2', '--no-progress', '--db', db], ARCHS[0])
    const jobId = await waitUntilScoring(run, db, 3)
    run.child.kill('SIGKILL')
    await run.exit
    rmSync(folder, { recursive: true })
    const before = epsinas(['jobs', 'show', jobId, '--db', db]).stdout

    const resumed = epsinas(['jobs', 'resume', jobId, '--no-progress', '--db', db])
    expect(resumed.status).toBe(2)
    expect(resumed.stderr.trim().split('\n')).toHaveLength(1)
    expect(resumed.stderr).toContain(`--out ${join(folder, 'scores.csv')}: the folder ${folder} does not exist`)
    expect(epsinas(['jobs', 'show', jobId, '--db', db]).stdout).toBe(before)
  })
})
