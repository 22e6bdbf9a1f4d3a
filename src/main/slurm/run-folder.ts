import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { EpsinasError } from '../../shared/errors.ts'
import { runFiles } from './script.ts'

/** What a run folder's run.json records: enough to follow, resubmit and merge the array job. */
export interface SlurmRun {
  runDir: string
  /** The main cache (absolute) the shards are merged into. */
  db: string
  shards: number
  archs: number
  /** Slurm job ids: the submission first, then each resubmission. */
  jobIds: string[]
  createdAt: string
}

/** A fresh run folder under `root` (with its logs folder), named by time so `ls` lists runs in order. */
export function createRunDir(root: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')
  const runDir = join(root, `${stamp}-${randomBytes(2).toString('hex')}`)
  mkdirSync(join(runDir, 'logs'), { recursive: true })
  return runDir
}

/** Removes a run folder that was never submitted, and the folder of runs when it is left empty. */
export function removeRunDir(runDir: string): void {
  rmSync(runDir, { recursive: true, force: true })
  try {
    rmdirSync(dirname(runDir))
  } catch {
    // other runs live there
  }
}

export function writeRun(run: SlurmRun): void {
  writeFileSync(runFiles.manifest(run.runDir), `${JSON.stringify(run, null, 2)}\n`)
}

/** The run of Slurm job `jobId` among the run folders under `root`; BAD_ARGUMENT when there is none. */
export function findRun(root: string, jobId: string): SlurmRun {
  if (!/^\d+$/.test(jobId)) throw new EpsinasError('BAD_ARGUMENT', `'${jobId.slice(0, 40)}' is not a Slurm job id (a number, as epsinas slurm submit printed it)`)
  const folders = existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory()) : []
  for (const folder of folders) {
    const manifest = runFiles.manifest(join(root, folder.name))
    if (!existsSync(manifest)) continue
    const run = JSON.parse(readFileSync(manifest, 'utf8')) as SlurmRun
    if (run.jobIds.includes(jobId)) return run
  }
  throw new EpsinasError('BAD_ARGUMENT', `no epsinas run of Slurm job ${jobId} in ${root} (give the --db, or the --dir, that epsinas slurm submit used)`)
}
