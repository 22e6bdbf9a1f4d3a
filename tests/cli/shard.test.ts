import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getSpace } from '../../src/main/core/spaces/registry.ts'
import { archsOfShard, jobIdentity, parseShardNumber, shardOfArch } from '../../src/main/jobs/shard.ts'
import { parseJobSpec } from '../../src/main/jobs/job-spec.ts'
import { openStore } from '../../src/main/store/index.ts'
import { epsinas, tempDir } from './helpers.ts'

const FAST = ['--batch', '4', '--workers', '1', '--no-progress']
const BIN = join(import.meta.dirname, '../../bin/epsinas.mjs')

/** The archs and the shard part of the spec of every job in a cache. */
function jobsIn(db: string): Array<{ archs: string[]; state: string; shard: ReturnType<typeof parseJobSpec>['shard'] }> {
  const store = openStore(db, { readOnly: true })
  try {
    return store.jobs.list().map((job) => ({ archs: store.jobs.archs(job.id), state: job.state, shard: parseJobSpec(job.id, job.spec).shard }))
  } finally {
    store.close()
  }
}

describe('shards of a job (issue 14, section 2)', () => {
  const nb201 = getSpace('nb201')
  const all = nb201.enumerate() as string[]

  test('every NB201 arch is in exactly one of 8 shards, whatever the order, with the archs of one network together', () => {
    const shards = Array.from({ length: 8 }, (_, index) => archsOfShard('nb201', all, { index, count: 8 }))
    expect(shards.reduce((sum, s) => sum + s.length, 0)).toBe(15_625)
    expect(new Set(shards.flat()).size).toBe(15_625)
    // Reversed input: the same shards, each in the order of its input.
    const reversed = [...all].reverse()
    shards.forEach((shard, index) => expect(archsOfShard('nb201', reversed, { index, count: 8 })).toEqual([...shard].reverse()))
    // Archs with one canonical network (computed once on one machine) never straddle two shards.
    const shardOfKey = new Map<string, number>()
    for (const arch of all) {
      const key = nb201.canonicalKey(arch) as string
      const shard = shardOfArch('nb201', arch, 8)
      expect(shardOfKey.get(key) ?? shard).toBe(shard)
      shardOfKey.set(key, shard)
    }
    // 6,399 distinct networks: each shard gets an eighth of them, give or take 10%.
    const networks = Array.from({ length: 8 }, (_, i) => [...shardOfKey.values()].filter((s) => s === i).length)
    for (const n of networks) expect(Math.abs(n - 6399 / 8)).toBeLessThan(80)
  })

  test("a whole job's identity is its settings and its set of archs, whatever their order", () => {
    const settings = { space: 'nb201', batchSize: 4, pairs: [[1e-7, 1]] }
    const sample = all.slice(0, 50)
    expect(jobIdentity(settings, sample)).toBe(jobIdentity(settings, [...sample].reverse()))
    expect(jobIdentity(settings, sample)).not.toBe(jobIdentity(settings, all.slice(1, 51)))
    expect(jobIdentity(settings, sample)).not.toBe(jobIdentity({ ...settings, batchSize: 8 }, sample))
  })

  test('I/N is parsed strictly', () => {
    expect(parseShardNumber('3/8')).toEqual({ index: 3, count: 8 })
    expect(parseShardNumber(' 0 / 1 ')).toEqual({ index: 0, count: 1 })
    for (const bad of ['8/8', '1', '-1/2', 'a/b', '1/0', '1/2/3', '']) {
      expect(() => parseShardNumber(bad)).toThrow(/--shard takes I\/N, shard I of N counted from 0 \(0 <= I < N/)
    }
  })

  describe('epsinas score --shard', () => {
    let dir: string
    let cleanup: () => void
    beforeAll(() => ({ dir, cleanup } = tempDir()))
    afterAll(() => cleanup())

    test('the shards of a sample are its archs, each once, each shard naming the whole job', () => {
      const whole = join(dir, 'whole.db')
      expect(epsinas(['score', '--limit', '30', '--seed', '3', ...FAST, '--db', whole]).status).toBe(0)
      const [job] = jobsIn(whole)
      const parts = [0, 1, 2].map((index) => {
        const db = join(dir, `shard-${index}.db`)
        const run = epsinas(['score', '--limit', '30', '--seed', '3', ...FAST, '--shard', `${index}/3`, '--db', db])
        expect(run.stderr).toMatch(new RegExp(`scoring \\d+ architectures \\(shard ${index}/3 of 30\\)`))
        expect(run.status).toBe(0)
        const jobs = jobsIn(db)
        expect(jobs).toHaveLength(1)
        expect(jobs[0]).toMatchObject({ state: 'done', shard: { index, count: 3, archs: 30 } })
        return jobs[0]
      })
      expect(parts.flatMap((p) => p.archs).sort()).toEqual([...job.archs].sort())
      expect(new Set(parts.map((p) => p.shard?.of)).size).toBe(1)
      expect(job.shard).toBeUndefined()
    })

    test.each([['8/8'], ['2'], ['-1/4'], ['x/4']])('--shard %s: a one-line error, exit status 2, nothing created', (value) => {
      const db = join(dir, 'bad.db')
      const run = epsinas(['score', '--limit', '3', ...FAST, '--shard', value, '--db', db])
      expect(run.status).toBe(2)
      expect(run.stderr.trim().split('\n')).toHaveLength(1)
      expect(run.stderr).toContain(`--shard takes I/N, shard I of N counted from 0 (0 <= I < N, e.g. 0/8 ... 7/8); got '${value}'`)
      expect(existsSync(db)).toBe(false)
    })

    test('a shard killed mid-run and run again resumes its job and keeps every score', async () => {
      const db = join(dir, 'killed.db')
      // Batch 64: a few hundred ms per arch, so the kill lands while the shard is working.
      const args = ['score', '--limit', '40', '--seed', '9', '--batch', '64', '--workers', '1', '--no-progress', '--shard', '0/2', '--db', db]
      const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' })
      const exited = new Promise((resolve) => child.once('exit', resolve))
      // Wait for the first stored score (state, not time), then kill without warning.
      for (;;) {
        if (existsSync(db) && scoresReadable(db) > 0) break
        if (child.exitCode !== null) throw new Error('the shard finished before it could be killed; give it more work')
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      child.kill('SIGKILL')
      await exited
      const before = scoresIn(db)
      const [killed] = jobsIn(db)
      expect(killed.state).toBe('running')
      expect(before).toBeLessThan(killed.archs.length)

      const again = epsinas(args)
      expect(again.status).toBe(0)
      expect(again.stderr).toMatch(/resuming \d+ architectures \(shard 0\/2 of 40\)/)
      expect(again.stderr).toContain(`${before} from the cache`)
      const jobs = jobsIn(db)
      expect(jobs).toHaveLength(1)
      expect(jobs[0].state).toBe('done')
      expect(scoresIn(db)).toBe(killed.archs.length)
    })
  })
})

function scoresIn(db: string): number {
  const store = openStore(db, { readOnly: true })
  try {
    return store.countScores()
  } finally {
    store.close()
  }
}

/** The score count while another process may still be creating and migrating the file (then 0). */
function scoresReadable(db: string): number {
  try {
    return scoresIn(db)
  } catch {
    return 0
  }
}
