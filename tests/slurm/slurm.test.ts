import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { epsinas, tempDir } from '../cli/helpers.ts'
import { scoresOf } from '../cli/cache-scores.ts'
import { clusterUnavailable, startCluster, waitFor, type LocalCluster } from './cluster.ts'

// The job of the issue: 200 NB201 archs in 8 array tasks; batch 4 keeps each arch at milliseconds.
const JOB = ['--limit', '200', '--seed', '14', '--batch', '4', '--no-progress']

/**
 * Issue 14, section 2, for real: a single-node Slurm (munged, slurmctld, slurmd started here),
 * an 8-task array over 200 NB201 archs, a task that never ran, the merge of the partial set,
 * the task resubmitted, and the merged cache equal to a single-machine run bit for bit.
 */
describe('epsinas slurm on a real single-node Slurm cluster', () => {
  let dir: string
  let cleanup: () => void
  let cluster: LocalCluster | undefined
  beforeAll(async () => {
    // CI installs Slurm (.ci/run): a missing one fails here, it is not skipped.
    const unavailable = clusterUnavailable()
    if (unavailable) throw new Error(unavailable)
    ;({ dir, cleanup } = tempDir())
    cluster = await startCluster(join(dir, 'cluster'), { partitionDown: true })
  })
  afterAll(async () => {
    // Whatever happened: no job left behind, every daemon stopped, the folder removed.
    try {
      if (cluster) cluster.run('scancel', ['--partition', cluster.partition])
    } finally {
      await cluster?.stop()
      cleanup?.()
    }
  })

  test('an 8-task array scores 200 NB201 archs; a missing task is named, resubmitted, and the merge equals one machine', async () => {
    const c = cluster as LocalCluster
    const queueEmpty = (): boolean => c.run('squeue', ['-h', '-o', '%i']).trim() === ''
    const main = join(dir, 'main.db')
    const submit = epsinas(['slurm', 'submit', ...JOB, '--shards', '8', '--partition', c.partition, '--time', '0:10:00', '--db', main], c.env)
    expect(submit.stderr).toContain('submitted 8 tasks scoring 200 architectures')
    expect(submit.status).toBe(0)
    const jobId = submit.stdout.trim()
    expect(jobId).toMatch(/^\d+$/)
    const script = readFileSync(join(dir, 'slurm', readRunFolder(join(dir, 'slurm')), 'job.sbatch'), 'utf8')
    expect(script).toContain('#SBATCH --array=0-7')
    expect(script).toContain('--shard "$SHARD/8" --db "$RUN/shard-$SHARD.db"')

    // The partition is down: every task waits. Task 5 is cancelled before it ever runs, then the rest go.
    c.run('scancel', [`${jobId}_5`])
    c.run('scontrol', ['update', `PartitionName=${c.partition}`, 'State=UP'])
    // Generous: CI runs other test files on the same cores meanwhile (about 15 s when quiet).
    await waitFor('the array to leave the queue', 150_000, queueEmpty)

    const status = epsinas(['slurm', 'status', jobId, '--db', main], c.env)
    expect(status.status).toBe(0)
    expect(status.stdout).toMatch(/^task 5: failed, no shard cache yet; log .*shard-5\.log$/m)
    expect(status.stdout).toMatch(/^task 0: done, shard done \d+\/\d+$/m)
    expect(status.stdout).toContain(`job ${jobId}: 8 tasks: 0 pending, 0 running, 7 done, 1 failed`)

    const partial = epsinas(['slurm', 'merge', jobId, '--db', main], c.env)
    expect(partial.status).toBe(1)
    expect(partial.stderr).toMatch(/is incomplete: 7 of 8 shards done; shard 5 missing/)

    const resubmit = epsinas(['slurm', 'resubmit', jobId, '--db', main], c.env)
    expect(resubmit.stderr).toContain('resubmitted task 5 as Slurm job')
    expect(resubmit.status).toBe(0)
    await waitFor('the resubmitted task to finish', 60_000, queueEmpty)
    const after = epsinas(['slurm', 'status', jobId, '--db', main], c.env)
    expect(after.stdout).toContain('8 tasks: 0 pending, 0 running, 8 done, 0 failed')

    const merged = epsinas(['slurm', 'merge', jobId, '--db', main], c.env)
    expect(merged.stderr).toContain('all 8 shards done (200 archs)')
    expect(merged.status).toBe(0)

    // The same job on one machine, into a cache of its own: the same scores, bit for bit.
    const single = join(dir, 'single.db')
    expect(epsinas(['score', ...JOB, '--workers', '2', '--db', single]).status).toBe(0)
    expect(scoresOf(single)).toHaveLength(200)
    expect(scoresOf(main)).toEqual(scoresOf(single))
  }, 240_000)
})

/** The one run folder under `root`. */
function readRunFolder(root: string): string {
  const folders = readdirSync(root)
  expect(folders).toHaveLength(1)
  return folders[0]
}
