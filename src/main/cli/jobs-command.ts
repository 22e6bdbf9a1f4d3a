import { Command } from 'commander'
import { getJob, jobStatus, requestStop } from '../jobs/job-runner.ts'
import { parseJobSpec } from '../jobs/job-spec.ts'
import { openStore, type ScoreStore } from '../store/index.ts'
import { defaultDatabasePath } from '../services/paths.ts'
import { failUnlessDone, runJobInForeground } from './run-job.ts'
import { formatSweepTable } from './sweep-command.ts'

interface JobsOptions {
  db: string
}

function withStore<T>(db: string, body: (store: ScoreStore) => Promise<T> | T, options: { readOnly?: boolean } = {}): Promise<T> {
  const store = openStore(db, options)
  return Promise.resolve()
    .then(() => body(store))
    .finally(() => store.close())
}

/** `epsinas jobs list|show|resume|pause|cancel`: the durable job queue. */
export function jobsCommand(): Command {
  const jobs = new Command('jobs').description('list, inspect, resume, pause or cancel scoring jobs')
  const dbOption = (command: Command): Command => command.option('--db <file>', 'SQLite score cache', defaultDatabasePath())

  dbOption(jobs.command('list').description('every job, newest first')).action(async (options: JobsOptions) => {
    await withStore(options.db, (store) => {
      const rows = store.jobs.list().map((job) => [job.id, job.kind, jobStatus(job), `${job.done}/${job.total}`, String(job.nan), String(job.failed), job.createdAt.replace('T', ' ').slice(0, 19)])
      if (rows.length === 0) {
        process.stdout.write(`no jobs in ${store.path}\n`)
        return
      }
      const table = [['id', 'kind', 'state', 'done', 'NaN', 'failed', 'created'], ...rows]
      const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)))
      process.stdout.write(`${table.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ')).join('\n')}\n`)
    }, { readOnly: true })
  })

  dbOption(jobs.command('show').argument('<id>').description('a job: its configuration, progress, failures and sweep results')).action(async (id: string, options: JobsOptions) => {
    await withStore(options.db, (store) => {
      const job = getJob(store, id)
      const spec = parseJobSpec(id, job.spec)
      const lines = [
        `job ${job.id} (${job.kind}): ${jobStatus(job)}, ${job.done}/${job.total} done, ${job.nan} NaN, ${job.failed} failed`,
        `space ${spec.space}, dataset ${spec.dataset}, input ${spec.input} (seed ${spec.inputSeed}), batch ${spec.batchSize}, engine ${spec.engine}/${spec.backend}`,
        `weight pairs: ${spec.pairs.length === 1 ? spec.pairs[0].join(', ') : `${spec.pairs.length} (grid)`}; architectures: ${store.jobs.archs(id).length}`,
        `created ${job.createdAt}, updated ${job.updatedAt}${job.error ? `; ${job.error}` : ''}`,
      ]
      for (const failure of store.jobs.failures(id)) lines.push(`failed: ${failure.arch} at [${failure.weights.join(', ')}]: ${failure.code}: ${failure.message}`)
      const sweep = store.jobs.sweepResults(id)
      if (sweep.length > 0) lines.push(formatSweepTable(sweep))
      process.stdout.write(`${lines.join('\n')}\n`)
    }, { readOnly: true })
  })

  dbOption(jobs.command('resume').argument('<id>').description('run a paused, interrupted or failed job to its end').option('--no-progress', 'no progress bar')).action(
    async (id: string, options: JobsOptions & { progress: boolean }) => {
      await withStore(options.db, async (store) => {
        failUnlessDone(await runJobInForeground(store, id, { progress: options.progress }))
      })
    },
  )

  for (const [name, state] of [['pause', 'paused'], ['cancel', 'cancelled']] as const) {
    dbOption(jobs.command(name).argument('<id>').description(`${name} a job (a job running in another process stops at its next check)`)).action(async (id: string, options: JobsOptions) => {
      await withStore(options.db, (store) => {
        const job = requestStop(store, id, state)
        process.stdout.write(`job ${job.id} ${state} at ${job.done}/${job.total}${state === 'paused' ? `; resume with: epsinas jobs resume ${job.id}` : ''}\n`)
      })
    })
  }
  return jobs
}
