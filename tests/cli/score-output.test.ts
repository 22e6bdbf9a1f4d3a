/**
 * The score file at the end of a job (cli/score-output.ts): written a bounded number of lines at a
 * time and from one read of the job's rows (each read makes every row as an object), with the bytes
 * the one-string writer gave: the CSV line by line, the JSON exactly as JSON.stringify(file, null, 1).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SCORE_FILE_LINES_PER_WRITE, scoreFileChunks, writeScores } from '../../src/main/cli/score-output.ts'
import { registerSpace, unregisterSpace } from '../../src/main/core/spaces/registry.ts'
import type { JobSpec } from '../../src/main/jobs/job-spec.ts'
import type { ScorePairsSummary, ScoreRow } from '../../src/main/services/scoring.ts'
import { TOY_SPACE_ID, toySpace } from '../core/spaces/toy-space.ts'

const REQUEST: JobSpec = { kind: 'score', space: TOY_SPACE_ID, dataset: 'cifar10', input: 'normal', inputSeed: 1, batchSize: 4, engine: 'collapsed', backend: 'auto', pairs: [[1e-3, 1]] }
const ARCHS = toySpace.enumerate() ?? []

/** 2,500 rows (more than two writes) over the toy space's 14 archs: NaN rows, a shared row, -0. */
function rowAt(i: number): ScoreRow {
  const arch = ARCHS[i % ARCHS.length]
  if (i % 7 === 3) return { arch, epsilon: null, nanReason: 'outputs-constant', ms: 1.25, source: 'computed', canonical: null }
  if (i % 11 === 5) return { arch, epsilon: 0.5 + i / 1e4, nanReason: null, ms: 0, source: 'shared', canonical: ARCHS[0] }
  return { arch, epsilon: i === 0 ? -0 : Math.sin(i) / 3, nanReason: null, ms: i / 7, source: i % 2 ? 'cached' : 'computed', canonical: null }
}

/** A summary whose rows are made on each read, as services/scoring.ts makes them, counting the reads. */
function summaryOf(count: number): { summary: ScorePairsSummary; reads: () => number } {
  let reads = 0
  const archs = Array.from({ length: count }, (_, i) => ARCHS[i % ARCHS.length])
  const summary: ScorePairsSummary = {
    engine: 'collapsed',
    input: 'normal',
    backendReason: 'test',
    archs,
    pairs: [
      {
        weights: [1e-3, 1],
        configId: 1,
        get rows(): ScoreRow[] {
          reads++
          return Array.from({ length: count }, (_, i) => rowAt(i))
        },
        computed: 1,
        shared: 2,
        cached: 3,
        nan: 4,
      },
    ],
    failed: [{ arch: 'bad', weights: [1e-3, 1], error: { code: 'BAD_ARCH', message: 'bad, "quoted"' } }],
    cancelled: false,
    wallMs: 12.5,
    heldArchsPeak: 0,
  }
  return { summary, reads: () => reads }
}

describe('the score file', () => {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'score-output-'))
    registerSpace(toySpace)
  })
  afterAll(() => {
    unregisterSpace(TOY_SPACE_ID)
    rmSync(dir, { recursive: true, force: true })
  })

  test('should read the rows once and write the JSON exactly as one JSON.stringify of it', async () => {
    const { summary, reads } = summaryOf(2_500)
    const out = join(dir, 'scores.json')
    await writeScores(out, REQUEST, summary)
    expect(reads()).toBe(1)
    const text = readFileSync(out, 'utf8')
    const file = JSON.parse(text) as { scores: Array<Record<string, unknown>>; failed: unknown[]; summary: Record<string, unknown> }
    expect(text).toBe(`${JSON.stringify(file, null, 1)}\n`)
    expect(file.scores.length).toBe(2_500)
    expect(file.scores[3]).toEqual({ arch: ARCHS[3], epsilon: null, rank: file.scores[3].rank, placed_by: file.scores[3].placed_by, nan_reason: 'outputs-constant', source: 'computed', canonical: null, ms: 1.25 })
    expect(file.summary).toEqual({ total: 2_500, configId: 1, computed: 1, shared: 2, cached: 3, nan: 4, cancelled: false, wallMs: 12.5, engine: 'collapsed', backendReason: 'test', failed: 1 })
  })

  test('should write a job with no rows as the same JSON with an empty score list', async () => {
    const { summary } = summaryOf(0)
    const out = join(dir, 'empty.json')
    await writeScores(out, REQUEST, summary)
    const text = readFileSync(out, 'utf8')
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 1)}\n`)
    expect(text.endsWith(' "scores": []\n}\n')).toBe(true)
  })

  test('should read the rows once and write the CSV with the JSON file\'s ranks, one line per row', async () => {
    const { summary, reads } = summaryOf(2_500)
    await writeScores(join(dir, 'scores.csv'), REQUEST, summary)
    expect(reads()).toBe(1)
    await writeScores(join(dir, 'ranks.json'), REQUEST, summary)
    const scores = (JSON.parse(readFileSync(join(dir, 'ranks.json'), 'utf8')) as { scores: Array<{ rank: number; placed_by: string }> }).scores
    const lines = readFileSync(join(dir, 'scores.csv'), 'utf8').split('\n')
    expect(lines.length).toBe(2_502)
    expect(lines.at(-1)).toBe('')
    expect(lines[0]).toBe('arch,epsilon,rank,placed_by,nan_reason,source,canonical,ms,space,dataset,classes,image_size,input,input_seed,batch_size,w_low,w_high,engine')
    const tail = `${TOY_SPACE_ID},cifar10,10,32,normal,1,4,0.001,1,collapsed`
    expect(lines[1]).toBe(`${ARCHS[0]},0,${scores[0].rank},${scores[0].placed_by},,computed,,0.0,${tail}`)
    expect(lines[4]).toBe(`${ARCHS[3]},,${scores[3].rank},${scores[3].placed_by},outputs-constant,computed,,1.3,${tail}`)
    expect(lines[6]).toBe(`${ARCHS[5]},${0.5 + 5 / 1e4},${scores[5].rank},${scores[5].placed_by},,shared,${ARCHS[0]},0.0,${tail}`)
    expect(lines[2_500]).toBe(`${ARCHS[2_499 % 14]},${Math.sin(2_499) / 3},${scores[2_499].rank},${scores[2_499].placed_by},,cached,,${(2_499 / 7).toFixed(1)},${tail}`)
  })

  test('should join the lines a bounded number at a time, losing and reordering none', () => {
    const lines = Array.from({ length: 2 * SCORE_FILE_LINES_PER_WRITE + 3 }, (_, i) => `${i}\n`)
    const chunks = [...scoreFileChunks(lines)]
    expect(chunks.map((chunk) => chunk.split('\n').length - 1)).toEqual([SCORE_FILE_LINES_PER_WRITE, SCORE_FILE_LINES_PER_WRITE, 3])
    expect(chunks.join('')).toBe(lines.join(''))
    expect([...scoreFileChunks([])]).toEqual([])
  })
})
