import { execFile } from 'node:child_process'
import { EpsinasError } from '../../shared/errors.ts'

/** The outcome of one Slurm command line tool run. */
interface ToolRun {
  ok: boolean
  stdout: string
  stderr: string
}

/** Runs a Slurm tool; a tool that is not installed is BACKEND_UNAVAILABLE, naming it. */
function runTool(tool: string, args: readonly string[]): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new EpsinasError('BACKEND_UNAVAILABLE', `${tool} not found: run this where Slurm's commands are installed (a login node)${tool === 'sbatch' ? ', or add --dry-run to print the script' : ''}`))
        return
      }
      resolve({ ok: error === null, stdout, stderr })
    })
  })
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? ''
}

/** Submits a script with `sbatch --parsable` (optionally only some of its array tasks) and returns the job id. */
export async function sbatch(script: string, array?: string): Promise<string> {
  const run = await runTool('sbatch', ['--parsable', ...(array ? [`--array=${array}`] : []), script])
  // --parsable prints "JOBID" or "JOBID;CLUSTER".
  const id = /^(\d+)(;\S+)?$/.exec(run.stdout.trim())?.[1]
  if (!run.ok || id === undefined) throw new EpsinasError('BAD_ARGUMENT', `sbatch refused ${script}: ${firstLine(run.stderr) || firstLine(run.stdout) || 'no job id printed'}`)
  return id
}

/** Slurm's state of each array task of the jobs (task index -> state, e.g. PENDING, RUNNING, FAILED). */
export type TaskStates = Map<number, string>

/** Parses `JOBID_TASK|STATE` lines; lines of other shapes (a whole array not yet split) are skipped. */
export function parseTaskStates(text: string): TaskStates {
  const states: TaskStates = new Map()
  for (const line of text.split('\n')) {
    const match = /^(\d+)_(\d+)\|([A-Z_]+)/.exec(line.trim())
    if (match) states.set(Number(match[2]), match[3])
  }
  return states
}

/**
 * The queued and running tasks of the jobs, from `squeue` (one line per task: -r). A job Slurm has
 * forgotten (finished a while ago) has no tasks here; squeue's "Invalid job id" for it is no error.
 */
export async function queuedTasks(jobIds: readonly string[]): Promise<TaskStates> {
  const states: TaskStates = new Map()
  for (const id of jobIds) {
    const run = await runTool('squeue', ['-h', '-r', '-j', id, '-o', '%i|%T'])
    if (!run.ok && !/invalid job id/i.test(run.stderr)) throw new EpsinasError('BACKEND_UNAVAILABLE', `squeue failed: ${firstLine(run.stderr)}`)
    for (const [task, state] of parseTaskStates(run.stdout)) states.set(task, state)
  }
  return states
}

/** How each finished task ended, from `sacct`; null when the cluster keeps no accounting (sacct refuses). */
export async function accountedTasks(jobIds: readonly string[]): Promise<TaskStates | null> {
  const states: TaskStates = new Map()
  for (const id of jobIds) {
    const run = await runTool('sacct', ['-n', '-P', '-X', '-j', id, '-o', 'JobID,State'])
    if (!run.ok) return null
    for (const [task, state] of parseTaskStates(run.stdout)) states.set(task, state)
  }
  return states
}
