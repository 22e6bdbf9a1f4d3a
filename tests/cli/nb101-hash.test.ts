import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb101Hash } from '../../src/main/core/spaces/nb101/index.ts'
import { epsinas, tempDir } from './helpers.ts'

const FAST = ['--space', 'nb101', '--batch', '8', '--workers', '1', '--no-progress']
// Vertex 2 feeds nothing: pruned to input -> conv1x1 -> output.
const PRUNABLE = '{"matrix": [[0,1,1,0],[0,0,0,1],[0,0,0,0],[0,0,0,0]], "ops": ["input","conv1x1-bn-relu","maxpool3x3","output"]}'
const PRUNED = '{"matrix":[[0,1,0],[0,0,1],[0,0,0]],"ops":["input","conv1x1-bn-relu","output"]}'
const CHAIN = '{"matrix": [[0,1,0],[0,0,1],[0,0,0]], "ops": ["input","conv3x3-bn-relu","output"]}'

/** Issue 11 item 8: NB101 score files carry the module hash, and `arch` is always the pruned spec. */
describe('epsinas score --space nb101 output', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('CSV and JSON rows have the module hash beside the pruned spec', () => {
    const archs = join(dir, 'specs.jsonl')
    writeFileSync(archs, `${PRUNABLE}\n${CHAIN}\n`)
    const db = join(dir, 'cache.db')
    const csv = join(dir, 'scores.csv')
    const json = join(dir, 'scores.json')
    for (const out of [csv, json]) {
      const run = epsinas(['score', '--archs', archs, ...FAST, '--db', db, '--out', out])
      expect(run.status, run.stderr).toBe(0)
    }
    const expected = [
      { arch: PRUNED, hash: nb101Hash(PRUNABLE) },
      { arch: JSON.stringify(JSON.parse(CHAIN)), hash: nb101Hash(CHAIN) },
    ]
    const rows = parse(readFileSync(csv, 'utf8'), { columns: true }) as Record<string, string>[]
    expect(rows.map((r) => ({ arch: r.arch, hash: r.hash }))).toEqual(expected)
    const scores = (JSON.parse(readFileSync(json, 'utf8')) as { scores: Array<{ arch: string; hash: string }> }).scores
    expect(scores.map((s) => ({ arch: s.arch, hash: s.hash }))).toEqual(expected)
  })
})
