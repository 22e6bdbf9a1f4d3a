import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { normalizeArch } from '../../src/main/core/scoring/index.ts'
import { readAccuraciesFile, readScoresFile } from '../../src/main/services/score-files.ts'
import { EpsinasError, QUOTED_INPUT_LIMIT, quoteInput } from '../../src/shared/errors.ts'
import { epsinas, tempDir } from '../cli/helpers.ts'

/*
 * A malformed line of megabytes must not come back whole in the error: every message that quotes
 * user input quotes at most its first QUOTED_INPUT_LIMIT characters plus its length.
 */

const HUGE = 3_000_000
const { dir, cleanup } = tempDir()
afterAll(cleanup)

/** The one-line message of the error `fn` throws (sync or async). */
async function messageOf(fn: () => unknown): Promise<string> {
  try {
    await fn()
  } catch (error) {
    expect(error).toBeInstanceOf(EpsinasError)
    return (error as EpsinasError).message
  }
  throw new Error('expected an error')
}

/** Short, one line, and saying how long the quoted input was. */
function expectCut(message: string, length: number): void {
  expect(message.length).toBeLessThan(600)
  expect(message).not.toContain('\n')
  expect(message).toContain(`(${length.toLocaleString('en-US')} characters)`)
}

describe('quoteInput', () => {
  test('quotes short input whole and cuts long input to its head and length', () => {
    expect(quoteInput('abc')).toBe('"abc"')
    expect(quoteInput('a"\nb')).toBe('"a\\"\\nb"')
    expect(quoteInput(['x', 1])).toBe('["x",1]')
    expect(quoteInput('y'.repeat(100))).toBe(`"${'y'.repeat(QUOTED_INPUT_LIMIT)}"... (100 characters)`)
  })
})

describe('arch parsers cut a huge malformed input', () => {
  test('nb201: a whole line of garbage and a huge op', async () => {
    expectCut(await messageOf(() => normalizeArch('nb201', 'x'.repeat(HUGE))), HUGE)
    const op = 'a'.repeat(HUGE)
    const message = await messageOf(() => normalizeArch('nb201', `|${op}~0|+|none~0|none~1|+|none~0|none~1|none~2|`))
    expect(message).toMatch(/unknown op/)
    expectCut(message, HUGE)
  })

  test('nb101: a huge op label and a huge unknown key', async () => {
    const op = 'c'.repeat(HUGE)
    expectCut(await messageOf(() => normalizeArch('nb101', JSON.stringify({ matrix: [[0, 1], [0, 0]], ops: ['input', op] }))), HUGE)
    const key = 'k'.repeat(HUGE)
    expectCut(await messageOf(() => normalizeArch('nb101', JSON.stringify({ matrix: [[0, 1], [0, 0]], ops: ['input', 'output'], [key]: 1 }))), HUGE)
  })

  test('nbnlp: a huge unknown op and a huge node name', async () => {
    const op = 'o'.repeat(HUGE)
    expectCut(await messageOf(() => normalizeArch('nbnlp', JSON.stringify({ h_new_0: { op, input: ['x'] } }))), HUGE)
    const name = 'n'.repeat(HUGE)
    expectCut(await messageOf(() => normalizeArch('nbnlp', JSON.stringify({ h_new_0: { op: 'linear', input: [name] } }))), HUGE)
  })
})

describe('score and accuracy files cut a huge malformed cell', () => {
  test('a huge number cell, a huge bad arch and a huge duplicate arch', async () => {
    const normalize = (arch: string): string => normalizeArch('nb201', arch)
    const cell = '9'.repeat(10) + 'z'.repeat(HUGE - 10)
    const badNumber = join(dir, 'bad-number.csv')
    writeFileSync(badNumber, `arch,accuracy\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,${cell}\n`)
    expectCut(await messageOf(() => readAccuraciesFile(badNumber, { normalizeArch: normalize })), HUGE)

    const badArch = join(dir, 'bad-arch.csv')
    writeFileSync(badArch, `arch,epsilon\n${'q'.repeat(HUGE)},1\n`)
    const message = await messageOf(() => readScoresFile(badArch, { normalizeArch: normalize }))
    expectCut(message, HUGE)

    // csv-parse itself quotes the field with a stray quote in its message.
    const strayQuote = join(dir, 'stray-quote.csv')
    writeFileSync(strayQuote, `arch,epsilon\n${'s'.repeat(HUGE)}"x,1\n`)
    const csvMessage = await messageOf(() => readScoresFile(strayQuote))
    expect(csvMessage).toMatch(/not a valid CSV file: Invalid Opening Quote/)
    expect(csvMessage.length).toBeLessThan(600)

    const duplicate = join(dir, 'duplicate.csv')
    writeFileSync(duplicate, `arch,epsilon\n${'d'.repeat(HUGE)},1\n${'d'.repeat(HUGE)},2\n`)
    expectCut(await messageOf(() => readScoresFile(duplicate)), HUGE)
  })
})

test('epsinas score --archs with a malformed 3 MB line: one short line on stderr, exit 2', () => {
  const archs = join(dir, 'huge-line.txt')
  writeFileSync(archs, `|none~0|+|none~0|none~1|+|none~0|none~1|none~2|\n${'|'.repeat(HUGE)}\n`)
  const run = epsinas(['score', '--archs', archs, '--db', join(dir, 'never.db'), '--no-progress'])
  expect(run.status).toBe(2)
  expect(run.stderr).toMatch(/huge-line\.txt line 2: /)
  expect(run.stderr.trim().split('\n')).toHaveLength(1)
  expectCut(run.stderr.trim(), HUGE)
})
