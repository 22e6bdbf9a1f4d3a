/**
 * cache:clear: empties the score cache (scores, their configurations and the jobs whose results
 * point at them) in one transaction, then compacts the file. Refused while any job could still
 * run, so no running or resumable job loses the scores it counts on.
 */
import { stat } from 'node:fs/promises'
import type { CacheClearResponse } from '../../../shared/api.ts'
import { EpsinasError } from '../../../shared/errors.ts'
import { jobStatus } from '../../jobs/job-runner.ts'
import type { ScoreStore } from '../../store/index.ts'
import type { BenchmarkStore } from '../../store/benchmarks.ts'

/** Clears through the benchmark store's own connection (the score store exposes no raw SQL). */
export async function clearScoreCache(store: ScoreStore, connection: BenchmarkStore): Promise<CacheClearResponse> {
  const open = store.jobs.list().filter((job) => !['done', 'cancelled', 'failed'].includes(jobStatus(job)))
  if (open.length > 0) {
    throw new EpsinasError('BUSY', `${open.length} job(s) are queued, running, paused or interrupted (${open.map((j) => j.id).join(', ')}); cancel them or let them finish, then clear the cache.`)
  }
  const bytesBefore = await cacheBytes(store.path)
  const { scores, jobs } = connection.guard('clear', () =>
    connection.db.transaction(() => {
      // Children first: this connection does not enable foreign keys, so nothing cascades.
      for (const table of ['sweep_results', 'job_failures', 'job_archs']) connection.db.prepare(`DELETE FROM ${table}`).run()
      const jobCount = connection.db.prepare('DELETE FROM jobs').run().changes
      const scoreCount = connection.db.prepare('DELETE FROM scores').run().changes
      connection.db.prepare('DELETE FROM score_configs').run()
      return { scores: scoreCount, jobs: jobCount }
    })(),
  )
  connection.guard('compact', () => {
    connection.db.exec('VACUUM')
    connection.db.pragma('wal_checkpoint(TRUNCATE)')
  })
  return { scores, jobs, bytesBefore, bytesAfter: await cacheBytes(store.path) }
}

/** Bytes of the database with its WAL and shared-memory files (absent ones count 0). */
export async function cacheBytes(dbPath: string): Promise<number> {
  const sizes = await Promise.all(['', '-wal', '-shm'].map((suffix) => stat(`${dbPath}${suffix}`).then((s) => s.size, () => 0)))
  return sizes.reduce((a, b) => a + b, 0)
}
