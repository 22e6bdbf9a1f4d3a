/**
 * `epsinas slurm` on a real single-node Slurm (the cluster of tests/slurm/cluster.ts, started here
 * as root), and what the measured per-shard times say about 100 nodes.
 *
 *   npx tsx bench/slurm-array.ts [--archs 400] [--shards 8] [--batch 256] [--nodes 100]
 *
 * 1. Submits `--limit ARCHS --seed 14` of NB201 (cifar10, grey, [1e-7, 1]) as a SHARDS-task array,
 *    waits for the queue to empty, merges; prints the wall times and each task's shard (archs,
 *    networks computed, scoring wall from its log, Slurm run time).
 * 2. Scores the same job on this machine alone (2 workers) for comparison.
 * 3. Simulates NODES nodes like this one (2 cores, one task of 2 workers each): every shard of all
 *    15,625 NB201 archs (its networks counted exactly, as the scorer groups them) and of NB101's
 *    423,624 specs (no sharing: one network each) takes the measured per-task overhead plus its
 *    networks times the measured per-network time; the job takes as long as its slowest shard.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { shareableCanonicalKey } from '../src/main/core/scoring/network.ts'
import { getSpace } from '../src/main/core/spaces/registry.ts'
import { loadMinibatch } from '../src/main/jobs/score-task.ts'
import { shardOfArch } from '../src/main/jobs/shard.ts'
import { startCluster, waitFor } from '../tests/slurm/cluster.ts'

const { values } = parseArgs({
  options: {
    archs: { type: 'string', default: '400' },
    shards: { type: 'string', default: '8' },
    batch: { type: 'string', default: '256' },
    nodes: { type: 'string', default: '100' },
  },
})
const shards = Number(values.shards)
const nodes = Number(values.nodes)
const job = ['--limit', String(values.archs), '--seed', '14', '--batch', String(values.batch), '--no-progress']
const bin = join(import.meta.dirname, '..', 'bin', 'epsinas.mjs')
const dir = mkdtempSync(join(tmpdir(), 'epsinas-slurm-bench-'))
const seconds = (from: number): number => (performance.now() - from) / 1000

const cluster = await startCluster(join(dir, 'cluster'))
let perTask: Array<{ archs: number; computed: number; wall: number; runTime: number }>
try {
  const epsinas = (args: string[]): string => execFileSync(process.execPath, [bin, ...args], { env: cluster.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const submitted = performance.now()
  const jobId = epsinas(['slurm', 'submit', ...job, '--shards', String(shards), '--db', join(dir, 'main.db')]).trim()
  await waitFor('the array', 3_600_000, () => cluster.run('squeue', ['-h', '-o', '%i']).trim() === '')
  const arrayWall = seconds(submitted)
  const merging = performance.now()
  execFileSync(process.execPath, [bin, 'slurm', 'merge', jobId, '--db', join(dir, 'main.db')], { env: cluster.env, stdio: 'ignore' })
  const mergeWall = seconds(merging)
  const runDir = join(dir, 'slurm', readdirSync(join(dir, 'slurm'))[0])
  const slurmTimes = new Map(
    cluster
      .run('scontrol', ['show', 'job', jobId, '-o'])
      .split('\n')
      .flatMap((line) => {
        const task = /ArrayTaskId=(\d+)/.exec(line)?.[1]
        const run = /RunTime=(\d+):(\d+):(\d+)/.exec(line)
        return task && run ? [[Number(task), Number(run[1]) * 3600 + Number(run[2]) * 60 + Number(run[3])] as const] : []
      }),
  )
  perTask = Array.from({ length: shards }, (_, index) => {
    const log = readFileSync(join(runDir, 'logs', `shard-${index}.log`), 'utf8')
    return {
      archs: Number(/scoring (\d+) architectures/.exec(log)?.[1]),
      computed: Number(/\((\d+) computed/.exec(log)?.[1]),
      wall: Number(/wall \S+ \(([\d.]+) s\)/.exec(log)?.[1]),
      runTime: slurmTimes.get(index) ?? NaN,
    }
  })
  const single = performance.now()
  execFileSync(process.execPath, [bin, 'score', ...job, '--workers', '2', '--db', join(dir, 'single.db')], { stdio: 'ignore' })
  const singleWall = seconds(single)
  console.log(`# NB201 ${values.archs} archs (seed 14), batch ${values.batch}, ${shards} array tasks on a 2-CPU single-node Slurm`)
  console.log(`array: ${arrayWall.toFixed(1)} s from sbatch to an empty queue; merge ${mergeWall.toFixed(1)} s; the same job on this machine alone (2 workers): ${singleWall.toFixed(1)} s`)
  console.log('task | archs | networks computed | scoring wall (log) | Slurm run time')
  perTask.forEach((t, i) => console.log(`${i} | ${t.archs} | ${t.computed} | ${t.wall.toFixed(2)} s | ${t.runTime} s`))
} finally {
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
}

// Measured: seconds per computed network in one worker, and each task's overhead (start, cache, ranking).
const perNetwork = perTask.reduce((s, t) => s + t.wall, 0) / perTask.reduce((s, t) => s + t.computed, 0)
const overhead = perTask.reduce((s, t) => s + t.runTime - t.wall, 0) / perTask.length
console.log(`measured: ${(perNetwork * 1000).toFixed(0)} ms per network (one worker), ${overhead.toFixed(1)} s per task besides scoring (Slurm's run time has 1 s steps)`)

/** The simulated job: each node scores its shard with 2 workers; the slowest shard decides. */
function simulate(name: string, networksPerShard: number[], perNetworkSeconds: number): void {
  const times = networksPerShard.map((n) => overhead + (n * perNetworkSeconds) / 2)
  const slowest = Math.max(...times)
  const total = networksPerShard.reduce((a, b) => a + b, 0)
  const ideal = overhead + (total * perNetworkSeconds) / 2 / nodes
  const oneNode = (total * perNetworkSeconds) / 2
  console.log(
    `${name}, ${nodes} nodes: networks per shard ${Math.min(...networksPerShard)}..${Math.max(...networksPerShard)} (mean ${(total / nodes).toFixed(0)}); ` +
      `slowest shard ${slowest.toFixed(0)} s, perfect balance ${ideal.toFixed(0)} s (${((ideal / slowest) * 100).toFixed(0)}% efficient); one node ${(oneNode / 3600).toFixed(2)} h, speed-up ${(oneNode / slowest).toFixed(0)}x`,
  )
}

// NB201: the networks of every shard of all 15,625 archs, grouped exactly as the scorer groups them.
const nb201 = getSpace('nb201').enumerate() as string[]
const minibatch = await loadMinibatch({ space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: Number(values.batch) })
const bound = minibatch.data.reduce((max, x) => Math.max(max, Math.abs(x)), 0)
const networks = Array.from({ length: nodes }, () => new Set<string>())
for (const arch of nb201) {
  const key = shareableCanonicalKey(arch, { space: 'nb201', dataset: 'cifar10', batchSize: Number(values.batch) }, [1e-7, 1], bound)
  networks[shardOfArch('nb201', arch, nodes)].add(key ?? `literal:${arch}`)
}
simulate('NB201, all 15,625 archs', networks.map((s) => s.size), perNetwork)
// NB101: one network per spec, shards by the hash of its cache name: 423,624 distinct names hashed the same way.
const nb101 = new Array<number>(nodes).fill(0)
for (let i = 0; i < 423_624; i++) nb101[createHash('sha256').update(`nb101-spec-${i}`).digest().readUIntBE(0, 6) % nodes]++
// NB101's network costs 156 ms per spec in one worker (docs/performance.md, issue 3), not NB201's.
simulate('NB101, all 423,624 specs (156 ms each)', nb101, 0.156)
