import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { EpsinasError } from '../../src/shared/errors.ts'
import {
  joinScoresWithAccuracies,
  readAccuraciesFile,
  readScoresFile,
} from '../../src/main/services/score-files.ts'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'epsinas-score-files-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Writes `text` to a fresh file in the temp folder and returns its path. */
async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

/** Awaits `promise`, expecting a BAD_FILE error whose message matches every pattern. */
async function expectBadFile(promise: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(EpsinasError)
  expect((error as EpsinasError).code).toBe('BAD_FILE')
  for (const pattern of patterns) expect((error as EpsinasError).message).toMatch(pattern)
}

describe('readScoresFile', () => {
  describe('for CSV', () => {
    test('reads arch and epsilon, ignoring extra columns, their order and blank lines', async () => {
      const path = await file('a.csv', 'seed,epsilon,arch\n1,0.5,a\n\n1,1e-3,"b,c"\n1,-2,d\n')
      expect(await readScoresFile(path)).toEqual(
        new Map([
          ['a', 0.5],
          ['b,c', 0.001],
          ['d', -2],
        ]),
      )
    })

    test('reads an empty or nan epsilon as a NaN score (null) and inf as Infinity', async () => {
      const path = await file('nan.csv', 'arch,epsilon\na,\nb,nan\nc,NaN\nd,inf\ne,-inf\n')
      const scores = await readScoresFile(path)
      expect([...scores.values()]).toEqual([null, null, null, Infinity, -Infinity])
    })

    test('tolerates a byte-order mark and CRLF line ends', async () => {
      const path = await file('bom.csv', '\uFEFFarch,epsilon\r\na,1\r\n')
      expect(await readScoresFile(path)).toEqual(new Map([['a', 1]]))
      const json = await file('bom.json', '\uFEFF[{"arch":"a","epsilon":1}]')
      expect(await readScoresFile(json)).toEqual(new Map([['a', 1]]))
    })
  })

  describe('for JSON', () => {
    test('reads an array of {arch, epsilon} with null epsilons', async () => {
      const path = await file('a.json', '[{"arch":"a","epsilon":0.25},{"arch":"b","epsilon":null}]')
      expect(await readScoresFile(path)).toEqual(
        new Map([
          ['a', 0.25],
          ['b', null],
        ]),
      )
    })

    test('reads {"scores": [...]}, detected by content even without a .json extension', async () => {
      const path = await file('scores.txt', ' {"scores": [{"arch": "x", "epsilon": 3, "seed": 1}]}')
      expect(await readScoresFile(path)).toEqual(new Map([['x', 3]]))
    })

    test("reads Python's bare NaN and Infinity tokens, but not inside strings", async () => {
      const text = '[{"arch":"NaN","epsilon":NaN},{"arch":"b","epsilon":-Infinity}]'
      const scores = await readScoresFile(await file('py.json', text))
      expect(scores).toEqual(
        new Map([
          ['NaN', null],
          ['b', -Infinity],
        ]),
      )
    })
  })

  describe('with normalizeArch', () => {
    test('keys the map by the normalised arch', async () => {
      const path = await file('norm.csv', 'arch,epsilon\n A|B ,1\n')
      const scores = await readScoresFile(path, { normalizeArch: (s) => s.toLowerCase() })
      expect(scores).toEqual(new Map([['a|b', 1]]))
    })
  })

  describe('should throw BAD_FILE', () => {
    test('for a missing file, naming it', async () => {
      const path = join(dir, 'absent.csv')
      await expectBadFile(readScoresFile(path), /absent\.csv/, /no such file/)
    })

    test('for a missing epsilon column, naming the file and line', async () => {
      const path = await file('nocol.csv', 'arch,score\na,1\n')
      await expectBadFile(readScoresFile(path), /nocol\.csv, line 1/, /missing column "epsilon"/)
    })

    test('for a missing arch column', async () => {
      const path = await file('noarch.csv', 'name,epsilon\na,1\n')
      await expectBadFile(readScoresFile(path), /missing column "arch"/)
    })

    test('for an empty file', async () => {
      await expectBadFile(readScoresFile(await file('empty.csv', '')), /empty\.csv/, /header/)
    })

    test('for a non-numeric epsilon, naming the line', async () => {
      const path = await file('text.csv', 'arch,epsilon\na,1\n\nb,0x10\n')
      await expectBadFile(readScoresFile(path), /text\.csv, line 4/, /"0x10" is not a number/)
    })

    test('for a duplicate arch, naming both lines', async () => {
      const path = await file('dup.csv', 'arch,epsilon\na,1\nb,2\na,3\n')
      await expectBadFile(readScoresFile(path), /dup\.csv, line 4/, /duplicate arch "a"/, /line 2/)
    })

    test('for two archs that normalise to the same key', async () => {
      const path = await file('dupnorm.csv', 'arch,epsilon\nA,1\na,2\n')
      const options = { normalizeArch: (s: string) => s.toLowerCase() }
      await expectBadFile(readScoresFile(path, options), /line 3/, /duplicate arch "a"/)
    })

    test('when normalizeArch rejects an arch', async () => {
      const path = await file('badarch.csv', 'arch,epsilon\nzzz,1\n')
      const options = {
        normalizeArch: (s: string): string => {
          throw new EpsinasError('BAD_ARCH', `unknown op in ${s}`)
        },
      }
      await expectBadFile(readScoresFile(path, options), /line 2/, /unknown op in zzz/)
    })

    test('for invalid JSON', async () => {
      await expectBadFile(readScoresFile(await file('bad.json', '[{"arch":')), /bad\.json/, /JSON/)
    })

    test('for JSON of the wrong shape', async () => {
      await expectBadFile(readScoresFile(await file('shape.json', '{"rows": []}')), /expected an array/)
    })

    test('for a JSON entry without epsilon or with a string epsilon, naming the entry', async () => {
      const missing = await file('noeps.json', '[{"arch":"a","epsilon":1},{"arch":"b"}]')
      await expectBadFile(readScoresFile(missing), /entry 1/, /missing column "epsilon"/)
      const text = await file('streps.json', '[{"arch":"a","epsilon":"1.0"}]')
      await expectBadFile(readScoresFile(text), /entry 0/, /is not a number/)
    })

    test('for a duplicate arch in JSON', async () => {
      const path = await file('dup.json', '[{"arch":"a","epsilon":1},{"arch":"a","epsilon":2}]')
      await expectBadFile(readScoresFile(path), /entry 1/, /duplicate arch "a"/, /entry 0/)
    })
  })
})

describe('readAccuraciesFile', () => {
  test('reads arch and accuracy, keeping a missing accuracy as NaN', async () => {
    const path = await file('acc.csv', 'arch,accuracy,epochs\na,93.5,200\nb,,200\n')
    const accuracies = await readAccuraciesFile(path)
    expect(accuracies.get('a')).toBe(93.5)
    expect(accuracies.get('b')).toBeNaN()
  })

  describe('should throw BAD_FILE', () => {
    test('for a missing accuracy column', async () => {
      const path = await file('noacc.csv', 'arch,epsilon\na,1\n')
      await expectBadFile(readAccuraciesFile(path), /noacc\.csv, line 1/, /missing column "accuracy"/)
    })

    test('for a non-numeric accuracy', async () => {
      const path = await file('textacc.csv', 'arch,accuracy\na,high\n')
      await expectBadFile(readAccuraciesFile(path), /line 2/, /accuracy "high" is not a number/)
    })

    test('for a missing file', async () => {
      await expectBadFile(readAccuraciesFile(join(dir, 'none.csv')), /none\.csv/, /no such file/)
    })
  })
})

describe('joinScoresWithAccuracies', () => {
  test('aligns common archs in score order and counts archs found in one file only', () => {
    const scores = new Map<string, number | null>([
      ['a', 1],
      ['b', null],
      ['c', 3],
      ['only-score', 4],
    ])
    const accuracies = new Map([
      ['c', 30],
      ['only-acc', 50],
      ['a', 10],
      ['b', 20],
    ])
    expect(joinScoresWithAccuracies(scores, accuracies)).toEqual({
      archs: ['a', 'b', 'c'],
      scores: [1, null, 3],
      accuracies: [10, 20, 30],
      onlyInScores: 1,
      onlyInAccuracies: 1,
    })
  })

  test('returns empty arrays when nothing matches', () => {
    const joined = joinScoresWithAccuracies(new Map([['a', 1]]), new Map([['b', 2]]))
    expect(joined.archs).toEqual([])
    expect(joined.onlyInScores).toBe(1)
    expect(joined.onlyInAccuracies).toBe(1)
  })
})
