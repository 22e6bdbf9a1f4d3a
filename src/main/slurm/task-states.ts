import { existsSync } from 'node:fs'
import { shardedJobStates } from '../jobs/shard-completeness.ts'
import { openStore } from '../store/index.ts'
import { runFiles } from './script.ts'
import type { SlurmRun } from './run-folder.ts'
import type { TaskStates } from './slurm-tools.ts'

/** Where a task stands, as the user needs it: waiting, working, finished with its shard done, or not. */
export type TaskState = 'pending' | 'running' | 'done' | 'failed'

export interface TaskReport {
  index: number
  state: TaskState
  /** Slurm's own word for it (squeue, else sacct), null where Slurm no longer says. */
  slurm: string | null
  /** The shard's job in its cache: how far it got (null: no cache yet). */
  shard: { status: string; done: number; total: number } | null
}

/** Slurm states of a task that is still in the queue and working (or about to). */
const RUNNING = new Set(['RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED', 'STAGE_OUT', 'SIGNALING'])

/** How far the shard cache of task `index` got; null when it has none yet. */
function shardProgress(run: SlurmRun, index: number): TaskReport['shard'] & { finished: boolean } | null {
  const path = runFiles.shardCache(run.runDir, index)
  if (!existsSync(path)) return null
  const store = openStore(path, { readOnly: true })
  try {
    const jobs = store.jobs.list()
    const [state] = shardedJobStates(jobs)
    if (!state) return null
    if (state.done.includes(index)) {
      const total = jobs.find((job) => job.state === 'done')?.total ?? 0
      return { status: 'done', done: total, total, finished: true }
    }
    const unfinished = state.unfinished.find((u) => u.index === index)
    return unfinished ? { status: unfinished.status, done: unfinished.done, total: unfinished.total, finished: false } : null
  } finally {
    store.close()
  }
}

/**
 * Each task's state: queued or running while squeue lists it, else done when its shard's job is
 * done in its cache (the only proof that counts for the merge), else failed (with sacct's reason
 * where the cluster keeps accounting).
 */
export function taskReports(run: SlurmRun, queued: TaskStates, accounted: TaskStates | null): TaskReport[] {
  return Array.from({ length: run.shards }, (_, index) => {
    const progress = shardProgress(run, index)
    const shard = progress ? { status: progress.status, done: progress.done, total: progress.total } : null
    const inQueue = queued.get(index)
    if (inQueue !== undefined) return { index, state: RUNNING.has(inQueue) ? 'running' : 'pending', slurm: inQueue, shard }
    const slurm = accounted?.get(index) ?? null
    return { index, state: progress?.finished ? 'done' : 'failed', slurm, shard }
  })
}
