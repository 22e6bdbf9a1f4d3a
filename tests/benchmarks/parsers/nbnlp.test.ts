import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { importNbNlpLogs, parseNbNlpLog } from '../../../src/main/benchmarks/parsers/nbnlp.ts'
import { listBenchmarkImports, nbNlpModels } from '../../../src/main/store/benchmarks.ts'
import { countRows, expectRejects, FIXTURES, freshStore, useTempDir } from './helpers.ts'

const tmp = useTempDir('nbnlp')
const DIR = join(FIXTURES, 'nbnlp')
interface Expected {
  runs: Record<string, { test: number | null; epochs: number; status: string; recepie_id: number }>
  models: Array<{ recepie: string; runs: number; finite: number; mean: number | null; min: number | null; max: number | null }>
}
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Expected

describe('parseNbNlpLog', () => {
  test.each(Object.keys(expected.runs))('reads %s as Python does, bare NaN included', (name) => {
    const run = parseNbNlpLog(readFileSync(join(DIR, 'real', name), 'utf8'))
    const want = expected.runs[name]
    expect(run.finalTestLoss).toBe(want.test)
    expect(run.epochsDone).toBe(want.epochs)
    expect(run.status).toBe(want.status)
    expect(run.recepieId).toBe(want.recepie_id)
    expect(run.dataset).toBe('wikitext-2')
    expect(JSON.parse(run.hyper)).toMatchObject({ bptt: 70, emsize: 400, nhid: 600, epochs: 50 })
  })
})

describe('importNbNlpLogs', () => {
  test('groups runs by recepie with NaN-omitting mean / min / max, as epsinas does', async () => {
    const store = freshStore(tmp())
    try {
      const path = join(tmp(), 'logs.zip')
      copyFileSync(join(DIR, 'logs.zip'), path)
      const result = await importNbNlpLogs(store, path, undefined, { collection: 'wikitext-2' })
      expect(result).toEqual({ benchmark: 'nbnlp:wikitext-2', items: 6, records: 6 })
      const models = nbNlpModels(store, 'wikitext-2', 'wikitext-2')
      expect(models).toHaveLength(expected.models.length)
      for (const want of expected.models) {
        const got = models.find((m) => JSON.stringify(JSON.parse(m.recepie)) === JSON.stringify(JSON.parse(want.recepie)))
        expect(got, want.recepie.slice(0, 60)).toBeDefined()
        expect(got?.runs).toBe(want.runs)
        expect(got?.finiteRuns).toBe(want.finite)
        expect(got?.testLoss?.mean ?? null).toBe(want.mean)
        expect(got?.testLoss?.min ?? null).toBe(want.min)
        expect(got?.testLoss?.max ?? null).toBe(want.max)
        if (want.mean !== null) expect(got?.testPerplexity).toBeCloseTo(Math.exp(want.mean), 10)
      }
      expect(models.some((m) => m.runs === 3)).toBe(true)
      expect(listBenchmarkImports(store)[0]).toMatchObject({ benchmark: 'nbnlp:wikitext-2', items: 6 })
    } finally {
      store.close()
    }
  })

  test('reads a folder of logs; the default collection is the file or folder name', async () => {
    const store = freshStore(tmp())
    try {
      const result = await importNbNlpLogs(store, join(DIR, 'real'))
      expect(result.benchmark).toBe('nbnlp:real')
      expect(countRows(store, 'nbnlp_runs')).toBe(6)
    } finally {
      store.close()
    }
  })

  test.each<[string, () => string, RegExp]>([
    ['a malformed log', () => join(DIR, 'malformed.zip'), /entry 2 \(log_stats_model_9_x_1\.json\): not JSON/],
    ['a name climbing out with ..', () => join(DIR, 'traversal.zip'), /invalid relative path|central directory entry 0/],
    ['a symbolic link', () => join(DIR, 'symlink.zip'), /entry 0 \(link\.json\): a symbolic link/],
    ['a corrupt member', () => corrupt(), /CRC-32 mismatch|invalid|corrupt/i],
    ['a truncated archive', () => truncated(), /not a readable zip archive/],
  ])('refuses %s and writes nothing', async (_name, path, pattern) => {
    const store = freshStore(tmp())
    try {
      const file = path()
      const message = await expectRejects(importNbNlpLogs(store, file), 'BAD_FILE', pattern)
      expect(message).toContain(file)
      expect(countRows(store, 'nbnlp_runs')).toBe(0)
      expect(countRows(store, 'nbnlp_models')).toBe(0)
    } finally {
      store.close()
    }
  })
})

/** The fixture zip with one byte of the first member's compressed data flipped. */
function corrupt(): string {
  const bytes = readFileSync(join(DIR, 'logs.zip'))
  const nameLength = bytes.readUInt16LE(26)
  const extraLength = bytes.readUInt16LE(28)
  bytes[30 + nameLength + extraLength + 100] ^= 0x5a
  const path = join(tmp(), 'corrupt.zip')
  writeFileSync(path, bytes)
  return path
}

function truncated(): string {
  const path = join(tmp(), 'truncated.zip')
  writeFileSync(path, readFileSync(join(DIR, 'logs.zip')).subarray(0, 5000))
  return path
}
