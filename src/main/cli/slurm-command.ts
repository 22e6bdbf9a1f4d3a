import { existsSync, realpathSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { Command } from 'commander'
import { EpsinasError } from '../../shared/errors.ts'
import { defaultDatabasePath } from '../services/paths.ts'
import { arrayJobScript, checkScriptValue, runFiles, type SlurmResources } from '../slurm/script.ts'
import { createRunDir, findRun, removeRunDir, writeRun, type SlurmRun } from '../slurm/run-folder.ts'
import { accountedTasks, queuedTasks, sbatch } from '../slurm/slurm-tools.ts'
import { taskReports, type TaskReport } from '../slurm/task-states.ts'
import { mergeAndReport } from './merge-command.ts'
import { parseInteger } from './parse.ts'
import { planScore, scoreCommand, type ScoreOptions } from './score-command.ts'

interface SubmitOptions extends ScoreOptions {
  shards: number
  partition?: string
  time?: string
  cpusPerTask?: number
  mem?: string
  dryRun?: boolean
  dir?: string
}

/** Options that find a run: the main cache and the folder of runs beside it. */
interface RunOptions {
  db: string
  dir?: string
}

/** `epsinas slurm submit|status|resubmit|merge`: a score job as a Slurm job array, one shard per task. */
export function slurmCommand(): Command {
  return new Command('slurm')
    .description('score as a Slurm job array: one --shard per array task, each into its own cache, merged into --db at the end')
    .addCommand(submitCommand())
    .addCommand(runCommand('status', 'each array task: pending, running, done (its shard scored) or failed', status))
    .addCommand(runCommand('resubmit', 'submit again the tasks that are neither queued nor done (each resumes its shard)', resubmit))
    .addCommand(runCommand('merge', 'merge the shards of the job into --db (says which are missing when some are)', merge))
}

/** `slurm submit`: the options of `epsinas score` (the job), plus the array's. */
function submitCommand(): Command {
  return scoreCommand()
    .name('submit')
    .description('write an sbatch script scoring the job as --shards array tasks, submit it, print the Slurm job id')
    .requiredOption('--shards <n>', 'array tasks, one shard of the archs each', parseInteger('--shards', 1))
    .option('--partition <p>', 'sbatch --partition')
    .option('--time <t>', 'sbatch --time per task, e.g. 2:00:00')
    .option('--cpus-per-task <c>', 'sbatch --cpus-per-task (each task runs as many worker threads)', parseInteger('--cpus-per-task', 1))
    .option('--mem <m>', 'sbatch --mem per task, e.g. 4G')
    .option('--dir <folder>', 'where the run folder goes, on a file system every node sees (default: slurm/ beside --db)')
    .option('--dry-run', 'print the script; write and submit nothing')
    .action(async (options: SubmitOptions) => {
      await submit(options)
    })
}

function runCommand(name: string, description: string, action: (run: SlurmRun) => Promise<void>): Command {
  return new Command(name)
    .description(description)
    .argument('<jobid>', 'the Slurm job id epsinas slurm submit printed')
    .option('--db <file>', 'the main score cache given to epsinas slurm submit', defaultDatabasePath())
    .option('--dir <folder>', 'the --dir given to epsinas slurm submit (default: slurm/ beside --db)')
    .action(async (jobId: string, options: RunOptions) => {
      await action(findRun(runsRoot(options), jobId))
    })
}

function runsRoot(options: RunOptions): string {
  return resolve(options.dir ?? join(dirname(resolve(options.db)), 'slurm'))
}

/** node and bin/epsinas.mjs as this process was started, so every task runs this very epsinas. */
function thisEpsinas(): string[] {
  const script = process.argv[1]
  if (script === undefined) throw new EpsinasError('INTERNAL', 'cannot tell how epsinas was started (no script in process.argv)')
  return [process.execPath, realpathSync(script)]
}

async function submit(options: SubmitOptions): Promise<void> {
  // Per-task settings decided here, for every task alike.
  if (options.shard) throw new EpsinasError('BAD_ARGUMENT', '--shard is set per array task by the script; give --shards N')
  if (options.out) throw new EpsinasError('BAD_ARGUMENT', '--out: export the scores after epsinas slurm merge, with epsinas score ... --out FILE on the merged --db')
  for (const [what, value] of [['--partition', options.partition], ['--time', options.time], ['--mem', options.mem]] as const) if (value !== undefined) checkScriptValue(what, value)
  const { spec, archs } = await planScore(options)
  if (options.shards > archs.length) throw new EpsinasError('BAD_ARGUMENT', `--shards ${options.shards} is more than the ${archs.length} architectures of the job`)
  const resources: SlurmResources = { partition: options.partition, time: options.time, cpusPerTask: options.cpusPerTask, mem: options.mem }
  const root = runsRoot(options)
  checkScriptValue('the run folder', root)
  const script = (runDir: string): string => arrayJobScript({ shards: options.shards, runDir, epsinas: thisEpsinas(), spec, archs: archs.length, resources })
  if (options.dryRun) {
    process.stdout.write(script(join(root, '<run>')))
    return
  }
  const runDir = createRunDir(root)
  // The arch list is frozen: every task (and every resubmission) shards the very same list.
  writeFileSync(runFiles.archs(runDir), `${archs.join('\n')}\n`)
  writeFileSync(runFiles.script(runDir), script(runDir), { mode: 0o755 })
  const run: SlurmRun = { runDir, db: resolve(options.db), shards: options.shards, archs: archs.length, jobIds: [], createdAt: new Date().toISOString() }
  let jobId: string
  try {
    jobId = await sbatch(runFiles.script(runDir))
  } catch (error) {
    // Nothing was submitted: a run folder without a job would only confuse.
    removeRunDir(runDir)
    throw error
  }
  writeRun({ ...run, jobIds: [jobId] })
  process.stderr.write(`submitted ${options.shards} tasks scoring ${archs.length} architectures; run folder ${runDir}\nfollow with: epsinas slurm status ${jobId}; then: epsinas slurm merge ${jobId}\n`)
  process.stdout.write(`${jobId}\n`)
}

async function reports(run: SlurmRun): Promise<TaskReport[]> {
  return taskReports(run, await queuedTasks(run.jobIds), await accountedTasks(run.jobIds))
}

async function status(run: SlurmRun): Promise<void> {
  const tasks = await reports(run)
  for (const task of tasks) {
    // A shard job working on another node reads as interrupted here (its PID is not ours): while Slurm runs the task, say how far it got.
    const shard = !task.shard ? 'no shard cache yet' : `shard ${task.state === 'running' || task.state === 'pending' ? 'at' : task.shard.status} ${task.shard.done}/${task.shard.total}`
    process.stdout.write(`task ${task.index}: ${task.state}${task.slurm ? ` (${task.slurm})` : ''}, ${shard}${task.state === 'failed' ? `; log ${runFiles.log(run.runDir, task.index)}` : ''}\n`)
  }
  const count = (state: TaskReport['state']): number => tasks.filter((t) => t.state === state).length
  const failed = tasks.filter((t) => t.state === 'failed').map((t) => t.index)
  process.stdout.write(`job ${run.jobIds[0]}: ${tasks.length} tasks: ${count('pending')} pending, ${count('running')} running, ${count('done')} done, ${count('failed')} failed\n`)
  if (failed.length > 0) process.stdout.write(`resubmit the failed tasks (each resumes its shard): epsinas slurm resubmit ${run.jobIds[0]}\n`)
  else if (count('done') === tasks.length) process.stdout.write(`all shards done: epsinas slurm merge ${run.jobIds[0]}\n`)
}

async function resubmit(run: SlurmRun): Promise<void> {
  const failed = (await reports(run)).filter((t) => t.state === 'failed').map((t) => t.index)
  if (failed.length === 0) throw new EpsinasError('BAD_ARGUMENT', `job ${run.jobIds[0]} has no failed task to resubmit (see epsinas slurm status ${run.jobIds[0]})`)
  const jobId = await sbatch(runFiles.script(run.runDir), failed.join(','))
  writeRun({ ...run, jobIds: [...run.jobIds, jobId] })
  process.stderr.write(`resubmitted task${failed.length === 1 ? '' : 's'} ${failed.join(', ')} as Slurm job ${jobId}; epsinas slurm status ${run.jobIds[0]} follows both\n`)
  process.stdout.write(`${jobId}\n`)
}

async function merge(run: SlurmRun): Promise<void> {
  const shards = Array.from({ length: run.shards }, (_, index) => runFiles.shardCache(run.runDir, index)).filter((path) => existsSync(path))
  if (shards.length === 0) throw new EpsinasError('BAD_ARGUMENT', `no task of job ${run.jobIds[0]} has written its shard yet (see epsinas slurm status ${run.jobIds[0]})`)
  mergeAndReport(run.db, shards)
}
