import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openStore } from '../../src/main/store/index.ts'
import { openBenchmarkStore } from '../../src/main/store/benchmarks.ts'
import { nb101Hash } from '../../src/main/core/spaces/nb101/index.ts'
import { epsinas, tempDir } from './helpers.ts'

// Small batches keep each spec at tens of milliseconds; the code path is the one of batch 256.
const FAST = ['--space', 'nb101', '--batch', '8', '--workers', '2', '--no-progress']

const INCEPTION = '{"matrix": [[0,1,1,1,0,1,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,1,0,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]], "ops": ["input","conv1x1-bn-relu","conv3x3-bn-relu","conv3x3-bn-relu","conv3x3-bn-relu","maxpool3x3","output"]}'
// Vertex 2 feeds nothing: pruned to input -> conv1x1 -> output.
const PRUNABLE = '{"matrix": [[0,1,1,0],[0,0,0,1],[0,0,0,0],[0,0,0,0]], "ops": ["input","conv1x1-bn-relu","maxpool3x3","output"]}'
const PRUNED = '{"matrix":[[0,1,0],[0,0,1],[0,0,0]],"ops":["input","conv1x1-bn-relu","output"]}'

describe('epsinas score --space nb101', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('scores a seeded sample of specs at the NB101 default pair, cached under space nb101', () => {
    const db = join(dir, 'sample.db')
    const out = join(dir, 'sample.csv')
    const first = epsinas(['score', '--limit', '5', '--seed', '1', ...FAST, '--db', db, '--out', out])
    expect(first.stderr).toContain('5 architectures: 5 scored now')
    expect(first.status).toBe(0)
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[]
    expect(rows).toHaveLength(5)
    for (const row of rows) {
      expect(JSON.parse(row.arch)).toMatchObject({ matrix: expect.any(Array), ops: expect.any(Array) })
      expect(row).toMatchObject({ space: 'nb101', dataset: 'cifar10', input: 'grey', batch_size: '8', w_low: '0.0001', w_high: '10', engine: 'collapsed/ts@1', source: 'computed' })
      expect(row.epsilon === '' ? row.nan_reason : Number(row.epsilon) >= 0).toBeTruthy()
    }
    const store = openStore(db)
    try {
      expect(store.listConfigs().map((c) => c.space)).toEqual(['nb101'])
    } finally {
      store.close()
    }

    const second = epsinas(['score', '--limit', '5', '--seed', '1', ...FAST, '--db', db])
    expect(second.status).toBe(0)
    expect(second.stderr).toContain('5 from the cache')
  })

  test('reads one JSON spec per line, prunes each and scores it as given', () => {
    const archs = join(dir, 'specs.jsonl')
    writeFileSync(archs, `# NB101 specs\n${INCEPTION}\n\n${PRUNABLE}\n`)
    const out = join(dir, 'specs.json')
    const run = epsinas(['score', '--archs', archs, ...FAST, '--db', join(dir, 'specs.db'), '--out', out])
    expect(run.status).toBe(0)
    const json = JSON.parse(readFileSync(out, 'utf8')) as { scores: Array<{ arch: string }> }
    expect(json.scores.map((s) => s.arch)).toEqual([JSON.stringify(JSON.parse(INCEPTION)), PRUNED])
  })

  test.each([
    ['an unknown op', '{"matrix": [[0,1,0],[0,0,1],[0,0,0]], "ops": ["input","conv5x5","output"]}', /specs\.bad line 3: invalid NAS-Bench-101 spec: ops\[1\] is "conv5x5"; expected one of conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3/],
    ['a disconnected graph', '{"matrix": [[0,0,0],[0,0,1],[0,0,0]], "ops": ["input","maxpool3x3","output"]}', /line 3: invalid NAS-Bench-101 spec: the input is not connected to the output \(no path from vertex 0 to vertex 2\)/],
    ['a lower-triangular edge', '{"matrix": [[0,1],[1,0]], "ops": ["input","output"]}', /line 3: invalid NAS-Bench-101 spec: matrix\[1\]\[0\] is 1: the matrix must be upper triangular/],
    ['broken JSON', '{"matrix": [[0,1],[0,0]], "ops": ["input","output"', /line 3: invalid NAS-Bench-101 spec: not valid JSON/],
  ])('a spec file with %s is rejected with its line number and nothing is cached', (_, line, message) => {
    const archs = join(dir, 'specs.bad')
    writeFileSync(archs, `${INCEPTION}\n\n${line}\n`)
    const db = join(dir, 'bad.db')
    const run = epsinas(['score', '--archs', archs, ...FAST, '--db', db])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(existsSync(db)).toBe(false)
  })

  test.each([
    [['--all'], /every NAS-Bench-101 graph \(423,624\) comes from the benchmark data, which is not installed in .*never\.db: run epsinas data download nb101-only108 .*; or use --limit N --seed S/],
    [[], /every NAS-Bench-101 graph \(423,624\) comes from the benchmark data, which is not installed/],
    [['--limit', '2', '--dataset', 'cifar100'], /search space nb101 is defined on cifar10 only \(got --dataset cifar100\)/],
    [['--limit', '2', '--dataset', 'ImageNet16-120'], /search space nb101 is defined on cifar10 only \(got --dataset ImageNet16-120\)/],
    [['--space', 'nb999'], /Allowed choices are nb201, nb101/],
  ])('bad arguments %j exit 2 with a clear message and no database', (args, message) => {
    const db = join(dir, 'never.db')
    const run = epsinas(['score', ...FAST, ...args, '--db', db])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(existsSync(db)).toBe(false)
  })

  describe('module hashes, resolved from the installed benchmark tables', () => {
    // Two modules written into a real cache file's nb101_models table, as `epsinas data convert`
    // leaves them (row-major '0'/'1' matrix, comma-separated ops).
    const HASH_INCEPTION = '28cfc7874f6d200472e1a9dcd8650aa0'
    const HASH_OTHER = '00005c142e6f48ac74fdcf73e3439874'
    const OTHER = '{"matrix":[[0,1,0,0,1,1,0],[0,0,1,0,0,0,0],[0,0,0,1,0,0,1],[0,0,0,0,0,1,0],[0,0,0,0,0,1,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]],"ops":["input","conv3x3-bn-relu","maxpool3x3","conv3x3-bn-relu","conv3x3-bn-relu","conv1x1-bn-relu","output"]}'
    let db: string
    beforeAll(() => {
      db = join(dir, 'installed.db')
      const store = openBenchmarkStore(db)
      try {
        const insert = store.db.prepare('INSERT INTO nb101_models (hash, position, matrix, ops, params, runs) VALUES (?, ?, ?, ?, ?, 3)')
        ;[[HASH_OTHER, OTHER, 8555530], [HASH_INCEPTION, INCEPTION, 2694282]].forEach(([hash, text, params], position) => {
          const spec = JSON.parse(String(text)) as { matrix: number[][]; ops: string[] }
          insert.run(hash, position, spec.matrix.flat().join(''), spec.ops.join(','), params)
        })
      } finally {
        store.close()
      }
    })

    test('scores a hash as the spec it names, with our hash of that spec equal to the benchmark key', () => {
      const archs = join(dir, 'hashes.txt')
      writeFileSync(archs, `${HASH_INCEPTION}\n${HASH_OTHER.toUpperCase()}\n`)
      const out = join(dir, 'hashes.json')
      const run = epsinas(['score', '--archs', archs, ...FAST, '--db', db, '--out', out])
      expect(run.stderr).toContain('2 architectures: 2 scored now')
      expect(run.status).toBe(0)
      const json = JSON.parse(readFileSync(out, 'utf8')) as { scores: Array<{ arch: string }> }
      const scored = json.scores.map((s) => s.arch)
      expect(scored).toEqual([JSON.stringify(JSON.parse(INCEPTION)), OTHER])
      expect(scored.map((spec) => nb101Hash(spec))).toEqual([HASH_INCEPTION, HASH_OTHER])
    })

    test('--all scores every installed module, in the benchmark order', () => {
      const out = join(dir, 'all.json')
      const run = epsinas(['score', '--all', ...FAST, '--db', db, '--out', out])
      expect(run.stderr).toContain('scoring 2 architectures')
      expect(run.status).toBe(0)
      const json = JSON.parse(readFileSync(out, 'utf8')) as { scores: Array<{ arch: string }> }
      expect(json.scores.map((s) => s.arch)).toEqual([OTHER, JSON.stringify(JSON.parse(INCEPTION))])
    })

    test('a hash that is not installed is rejected with its line number and scores nothing', () => {
      const archs = join(dir, 'unknown-hash.txt')
      writeFileSync(archs, `${HASH_INCEPTION}\nffffffffffffffffffffffffffffffff\n`)
      const fresh = join(dir, 'unknown-hash.db')
      const run = epsinas(['score', '--archs', archs, ...FAST, '--db', fresh])
      expect(run.status).toBe(2)
      // The message names the line, the hash, the cache and what to install (wording: benchmarks/arch-ids.ts).
      expect(run.stderr).toMatch(/unknown-hash\.txt line 1: .*28cfc7874f6d200472e1a9dcd8650aa0.*unknown-hash\.db.*nb101-only108/)
      expect(run.stderr.trim().split('\n')).toHaveLength(1)
      const store = openStore(fresh)
      try {
        expect(store.countScores()).toBe(0)
      } finally {
        store.close()
      }
    })
  })
})
