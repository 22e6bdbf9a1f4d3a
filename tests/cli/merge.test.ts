import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parseJobSpec } from '../../src/main/jobs/job-spec.ts'
import { openStore } from '../../src/main/store/index.ts'
import { epsinas, tempDir } from './helpers.ts'
import { scoresOf } from './cache-scores.ts'

const FAST = ['--batch', '4', '--workers', '1', '--no-progress']
/** Two archs that build one network (scored once, the second shared) and a sample around them. */
const ARCHS = [
  '|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|',
  '|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|',
  '|skip_connect~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|nor_conv_3x3~0|none~1|skip_connect~2|',
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
]

describe('epsinas merge (issue 14, section 2)', () => {
  let dir: string
  let cleanup: () => void
  let whole: string
  let shards: string[]
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    const archs = join(dir, 'archs.txt')
    writeFileSync(archs, `${ARCHS.join('\n')}\n`)
    const selection = ['--archs', archs, ...FAST]
    whole = join(dir, 'whole.db')
    expect(epsinas(['score', ...selection, '--db', whole]).status).toBe(0)
    shards = [0, 1, 2].map((index) => {
      const db = join(dir, `shard-${index}.db`)
      expect(epsinas(['score', ...selection, '--shard', `${index}/3`, '--db', db]).status).toBe(0)
      return db
    })
  })
  afterAll(() => cleanup())

  test('the merged shards equal the single-machine run, jobs keep their provenance, and a second merge changes nothing', () => {
    const out = join(dir, 'merged.db')
    const run = epsinas(['merge', out, ...shards])
    expect(run.stderr).toMatch(/merged 3 files into .*merged\.db: 4 new scores/)
    expect(run.stderr).toMatch(/all 3 shards done \(4 archs\)/)
    expect(run.status).toBe(0)
    expect(scoresOf(out)).toEqual(scoresOf(whole))
    // The shared arch names its representative, as on one machine.
    expect(scoresOf(out).filter((row) => row.includes(ARCHS[0])).length).toBe(2)

    const store = openStore(out, { readOnly: true })
    const jobs = store.jobs.list().map((job) => ({ spec: parseJobSpec(job.id, job.spec), archs: store.jobs.archs(job.id), state: job.state }))
    store.close()
    expect(jobs.map((job) => job.spec.mergedFrom).sort()).toEqual([...shards].sort())
    expect(jobs.flatMap((job) => job.archs).sort()).toEqual([...ARCHS].sort())

    const again = epsinas(['merge', out, ...shards])
    expect(again.status).toBe(0)
    expect(again.stderr).toContain('0 new scores')
    expect(scoresOf(out)).toEqual(scoresOf(whole))
    const after = openStore(out, { readOnly: true })
    expect(after.jobs.list()).toHaveLength(3)
    after.close()
  })

  test('a partial set is merged and says which shards are missing; the rest completes it', () => {
    const out = join(dir, 'partial.db')
    const run = epsinas(['merge', out, shards[0], shards[2]])
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(/epsinas: job [0-9a-f]{12} \(4 archs in 3 shards\) is incomplete: 2 of 3 shards done; shard 1 missing\n$/)
    const rest = epsinas(['merge', out, shards[1]])
    expect(rest.status).toBe(0)
    expect(rest.stderr).toContain('all 3 shards done')
    expect(scoresOf(out)).toEqual(scoresOf(whole))
  })

  test('the same key with a different value is a conflict: exit status 2, one line naming both files, the output unchanged', () => {
    // A cache that scored one of the archs differently (as another engine build might).
    const other = join(dir, 'other.db')
    const scored = shards.findIndex((shard) => scoresOf(shard).length > 0)
    const source = openStore(shards[scored], { readOnly: true })
    const [config] = source.listConfigs()
    const [score] = source.scoresFor(config.id)
    source.close()
    const store = openStore(other)
    store.putMany(store.configId(config), [{ ...score, epsilon: (score.epsilon ?? 0.5) * 2 + 1, nanReason: null }])
    store.close()

    const out = join(dir, 'conflict.db')
    const unrelated = shards.find((_, index) => index !== scored) as string
    expect(epsinas(['merge', out, unrelated]).status).not.toBe(2)
    const before = readFileSync(out)
    const run = epsinas(['merge', out, shards[scored], other])
    expect(run.status).toBe(2)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).toContain(`merge refused, nothing written: 1 score with the same key but different values; first: ${score.arch}`)
    expect(run.stderr).toContain(`in ${shards[scored]} but`)
    expect(run.stderr).toContain(`in ${other}`)
    expect(readFileSync(out).equals(before)).toBe(true)

    // Into a new file: nothing is left behind.
    const fresh = join(dir, 'fresh.db')
    expect(epsinas(['merge', fresh, shards[scored], other]).status).toBe(2)
    expect(existsSync(fresh)).toBe(false)
  })

  test.each([
    ['a text file', 'scores.csv', (path: string) => writeFileSync(path, 'arch,epsilon\n'), /is not an epsinas cache file \(not a SQLite database\); nothing was merged/],
    [
      "another application's SQLite database",
      'notes.sqlite',
      (path: string) => {
        const db = new Database(path)
        db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)')
        db.close()
      },
      /is not an epsinas cache file \(a SQLite database of another application\); nothing was merged/,
    ],
    ['a missing file', 'missing.db', () => {}, /shard .*missing\.db does not exist/],
  ])('refuses %s with a one-line error, the output unchanged', (_, name, write, message) => {
    const bad = join(dir, name)
    write(bad)
    const out = join(dir, `out-${name}.db`)
    copyFileSync(whole, out)
    const before = readFileSync(out)
    const run = epsinas(['merge', out, shards[0], bad])
    expect(run.status).toBe(2)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).toMatch(message)
    expect(readFileSync(out).equals(before)).toBe(true)
  })
})
