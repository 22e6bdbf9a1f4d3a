import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { selectArchs } from '../../src/main/cli/arch-selection.ts'
import { NB201_SIZE } from '../../src/main/core/spaces/nb201/index.ts'
import { EpsinasError } from '../../src/shared/errors.ts'
import { epsinas, tempDir } from './helpers.ts'

const FAST = ['--batch', '4', '--workers', '1', '--no-progress']
const ARCH = '|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|'
const OTHER = '|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|'

const { dir, cleanup } = tempDir()
afterAll(cleanup)

async function rejection(promise: Promise<unknown>): Promise<EpsinasError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(EpsinasError)
    return error as EpsinasError
  }
  throw new Error('expected a rejection')
}

describe('--limit above the size of the space (item 12)', () => {
  test('is refused before anything is sampled, naming the size', async () => {
    const error = await rejection(selectArchs('nb201', { kind: 'sample', limit: NB201_SIZE + 1, seed: 0 }))
    expect(error.code).toBe('BAD_ARGUMENT')
    expect(error.message).toMatch(/15,626.*15,625/)
    await expect(selectArchs('nb201', { kind: 'sample', limit: NB201_SIZE, seed: 0 })).resolves.toHaveLength(NB201_SIZE)
  })

  test('through the CLI: exit 2, one line, no cache created', () => {
    const db = join(dir, 'limit.db')
    const run = epsinas(['score', '--limit', '20000', ...FAST, '--db', db])
    expect(run.status).toBe(2)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).toMatch(/20,000/)
    expect(existsSync(db)).toBe(false)
  })
})

describe('duplicate lines in --archs (item 14)', () => {
  test('are scored once, with a note, so the total and done agree', async () => {
    const file = join(dir, 'dups.txt')
    // The second and fourth lines repeat the first: the same string, and the same arch spelt with spaces.
    writeFileSync(file, `${ARCH}\n${ARCH}\n${OTHER}\n ${ARCH} \n`)
    const notes: string[] = []
    expect(await selectArchs('nb201', { kind: 'file', path: file, db: join(dir, 'unused.db') }, (note) => notes.push(note))).toEqual([ARCH, OTHER])
    expect(notes).toEqual([expect.stringMatching(/dups\.txt: 2 duplicate architectures skipped; 2 remain/)])
    expect(await selectArchs('nb201', { kind: 'list', archs: [OTHER, OTHER] })).toEqual([OTHER])
  })

  test('through the CLI: the job reports done 2/2, not 2/3', () => {
    const file = join(dir, 'dups-cli.txt')
    writeFileSync(file, `${ARCH}\n${OTHER}\n${ARCH}\n`)
    const db = join(dir, 'dups.db')
    const run = epsinas(['score', '--archs', file, ...FAST, '--db', db])
    expect(run.stderr).toMatch(/note: .*dups-cli\.txt: 1 duplicate architecture skipped; 2 remain/)
    expect(run.status).toBe(0)
    const list = epsinas(['jobs', 'list', '--db', db])
    expect(list.stdout).toMatch(/\bdone\s+2\/2\b/)
  })
})

describe('output files are checked before any work (item 10)', () => {
  const missing = (name: string): string => join(dir, 'no-such-folder', name)
  const folder = (): string => {
    const path = join(dir, 'a-folder')
    mkdirSync(path, { recursive: true })
    return path
  }

  test.each([
    ['score --out into a missing folder', (db: string) => ['score', '--limit', '1', ...FAST, '--db', db, '--out', missing('s.csv')], /--out .*no-such-folder/],
    ['score --out onto a folder', (db: string) => ['score', '--limit', '1', ...FAST, '--db', db, '--out', folder()], /--out .*a-folder.* is a folder/],
    ['sweep --out into a missing folder', (db: string) => ['sweep', '--sample', '2', '--exponents', '-1..0', ...FAST, '--db', db, '--out', missing('w.csv')], /--out .*no-such-folder/],
    ['select-weights --json onto a folder', (db: string) => ['select-weights', '--sample', '2', '--exponents', '-1..0', '--bootstrap', '0', ...FAST, '--db', db, '--json', folder()], /--json .*is a folder/],
  ])('%s: exit 2, one line, no cache created', (_name, args, message) => {
    const db = join(dir, `out-${_name.replaceAll(/\W+/g, '-')}.db`)
    const run = epsinas(args(db))
    expect(run.stderr).toMatch(message)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.status).toBe(2)
    expect(existsSync(db)).toBe(false)
  })

  test('stats --json into a missing folder: refused before the statistics are printed', () => {
    const scores = join(dir, 'scores.csv')
    const accuracies = join(dir, 'accuracies.csv')
    writeFileSync(scores, `arch,epsilon\n${ARCH},1\n${OTHER},2\n`)
    writeFileSync(accuracies, `arch,accuracy\n${ARCH},10\n${OTHER},20\n`)
    const run = epsinas(['stats', '--scores', scores, '--accuracies', accuracies, '--json', missing('stats.json')])
    expect(run.stderr).toMatch(/--json .*no-such-folder/)
    expect(run.stdout).toBe('')
    expect(run.status).toBe(2)
  })
})
