import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { hostname } from 'node:os'
import { join } from 'node:path'

/** A single-node Slurm cluster of this machine, its daemons children of the test process. */
export interface LocalCluster {
  /** The environment Slurm's commands (and epsinas, which runs them) need: SLURM_CONF. */
  env: NodeJS.ProcessEnv
  partition: string
  /** Runs a Slurm command line tool against this cluster; throws with its stderr when it fails. */
  run: (tool: string, args: readonly string[]) => string
  /** Stops every daemon this helper started (TERM, then KILL), whatever state they are in. */
  stop: () => Promise<void>
}

const TOOLS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo']

/** Why this machine cannot run the cluster, or null. The Slurm test fails with it: CI must run it. */
export function clusterUnavailable(): string | null {
  const missing = TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
  if (missing.length > 0) return `Slurm is not installed here (${missing.join(', ')} not found): apt-get install -y slurm-wlm munge (.ci/run does)`
  if (process.getuid?.() !== 0) return 'the Slurm test starts slurmd, which must run as root (SlurmUser root)'
  return null
}

/** A TCP port nothing listens on at the moment (the kernel's pick), so parallel runs do not collide. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/**
 * Starts munged, slurmctld and slurmd in the foreground (no systemd) with a generated munge key and
 * slurm.conf in `dir` (field-notes.md, "Beyond one machine"). The partition starts DOWN when asked:
 * jobs queue but none starts until `scontrol update PartitionName=... State=UP`, which lets a test
 * act on a task before it runs without racing it.
 */
export async function startCluster(dir: string, options: { partitionDown?: boolean } = {}): Promise<LocalCluster> {
  const children: ChildProcess[] = []
  const stop = async (): Promise<void> => {
    // Reverse order: slurmd, slurmctld, then munged, which they authenticate through.
    for (const child of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
  }
  try {
    const munge = join(dir, 'munge')
    for (const sub of ['state', 'spool', 'log', 'munge']) mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 })
    chmodSync(munge, 0o700)
    writeFileSync(join(munge, 'munge.key'), randomBytes(1024), { mode: 0o400 })
    const socket = join(munge, 'munge.socket')
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()]
    const node = execFileSync('slurmd', ['-C'], { encoding: 'utf8' }).split('\n')[0]
    const partition = 'epsinas'
    const conf = join(dir, 'slurm.conf')
    writeFileSync(
      conf,
      [
        'ClusterName=epsinas-test',
        `SlurmctldHost=${hostname().split('.')[0]}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${slurmdPort}`,
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${socket}`,
        `StateSaveLocation=${join(dir, 'state')}`,
        `SlurmdSpoolDir=${join(dir, 'spool')}`,
        `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
        `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'SchedulerType=sched/builtin',
        'ReturnToService=2',
        'MpiDefault=none',
        // Tasks follow one another fast: ask the scheduler often (seconds by default).
        'SchedulerParameters=sched_interval=1',
        `${node} State=UNKNOWN`,
        `PartitionName=${partition} Nodes=ALL Default=YES MaxTime=INFINITE State=${options.partitionDown ? 'DOWN' : 'UP'}`,
        '',
      ].join('\n'),
    )
    const env = { ...process.env, SLURM_CONF: conf }
    const start = (command: string, args: readonly string[]): void => {
      const child = spawn(command, args, { env, stdio: 'ignore' })
      children.push(child)
    }
    start('munged', ['--foreground', '--force', `--socket=${socket}`, `--key-file=${join(munge, 'munge.key')}`, `--log-file=${join(munge, 'munged.log')}`, `--pid-file=${join(munge, 'munged.pid')}`, `--seed-file=${join(munge, 'munged.seed')}`])
    start('slurmctld', ['-D', '-c', '-f', conf])
    start('slurmd', ['-D', '-f', conf])
    const run = (tool: string, args: readonly string[]): string => {
      const result = spawnSync(tool, args, { env, encoding: 'utf8' })
      if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')}: ${result.stderr.trim() || `exit status ${result.status}`}`)
      return result.stdout
    }
    // Ready when the node reports in (idle): until then sbatch may fail or jobs wait for nothing.
    await waitFor('the Slurm node to come up idle', 30_000, () => {
      const died = children.find((child) => child.exitCode !== null)
      if (died) throw new Error(`${died.spawnfile} exited with status ${died.exitCode}; see the logs in ${dir}`)
      const result = spawnSync('sinfo', ['-h', '-o', '%t'], { env, encoding: 'utf8' })
      return result.status === 0 && /idle/.test(result.stdout)
    })
    return { env, partition, run, stop }
  } catch (error) {
    await stop()
    // The folder goes with the test: say here what the daemons said.
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logTails(dir)}`)
  }
}

/** The last lines of every daemon log in `dir`, for a failure message. */
function logTails(dir: string): string {
  return [join(dir, 'munge', 'munged.log'), join(dir, 'log', 'slurmctld.log'), join(dir, 'log', 'slurmd.log')]
    .map((path) => {
      let text = ''
      try {
        text = readFileSync(path, 'utf8')
      } catch {
        return `${path}: (none)`
      }
      return `${path}:\n${text.trim().split('\n').slice(-8).join('\n')}`
    })
    .join('\n')
}

/** Polls `ready` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, ready: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
