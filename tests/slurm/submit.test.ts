import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { epsinas, tempDir } from '../cli/helpers.ts'

const JOB = ['--limit', '20', '--seed', '2', '--batch', '4', '--no-progress']

/** `epsinas slurm submit` without a cluster: the script it writes, and the input it refuses before writing anything. */
describe('epsinas slurm submit: the script and its checks', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('--dry-run prints a readable array script: one shard per task, each into its own cache, the resources asked for', () => {
    const db = join(dir, 'main.db')
    const run = epsinas(['slurm', 'submit', ...JOB, '--weights', '1e-5,10', '--shards', '4', '--partition', 'short', '--time', '1:00:00', '--cpus-per-task', '2', '--mem', '4G', '--db', db, '--dry-run'])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toBe('#!/bin/bash')
    expect(lines.filter((line) => line.startsWith('#SBATCH'))).toEqual([
      '#SBATCH --job-name=epsinas-nb201',
      '#SBATCH --array=0-3',
      `#SBATCH --output=${join(dir, 'slurm', '<run>', 'logs', 'shard-%a.log')}`,
      '#SBATCH --partition=short',
      '#SBATCH --time=1:00:00',
      '#SBATCH --cpus-per-task=2',
      '#SBATCH --mem=4G',
    ])
    expect(run.stdout).toContain(`exec ${process.execPath} ${join(dirname(dirname(import.meta.dirname)), 'bin', 'epsinas.mjs')} score \\\n`)
    expect(run.stdout).toContain('--archs "$RUN/archs.txt"')
    expect(run.stdout).toContain('--space nb201 --dataset cifar10 --weights 0.00001,10')
    expect(run.stdout).toContain('--input grey --input-seed 0 --batch 4')
    expect(run.stdout).toContain('--workers "${SLURM_CPUS_PER_TASK:-1}"')
    expect(run.stdout).toContain('--shard "$SHARD/4" --db "$RUN/shard-$SHARD.db" --no-progress')
    // A dry run writes nothing.
    expect(existsSync(join(dir, 'slurm'))).toBe(false)
    expect(existsSync(db)).toBe(false)
  })

  test.each([
    ['--shard (set per task)', ['--shards', '2', '--shard', '0/2'], '--shard is set per array task by the script; give --shards N'],
    ['--out (export after the merge)', ['--shards', '2', '--out', 'x.csv'], '--out: export the scores after epsinas slurm merge'],
    ['a partition with a blank', ['--shards', '2', '--partition', 'a b'], "--partition 'a b' cannot go into an sbatch script"],
    ['more shards than archs', ['--shards', '21'], '--shards 21 is more than the 20 architectures of the job'],
    ['no --shards', [], "required option '--shards <n>' not specified"],
  ])('refuses %s in one line, exit status 2, nothing written', (_, extra, message) => {
    const db = join(dir, 'refused.db')
    const run = epsinas(['slurm', 'submit', ...JOB, ...extra, '--db', db])
    expect(run.status).toBe(2)
    expect(run.stderr.trim().split('\n')[0]).toContain(message)
    expect(existsSync(join(dir, 'slurm'))).toBe(false)
    expect(existsSync(db)).toBe(false)
  })

  test('without Slurm installed: a one-line error naming sbatch', () => {
    // A PATH of one empty folder: no sbatch (epsinas itself starts through process.execPath).
    const empty = join(dir, 'empty-path')
    mkdirSync(empty)
    const run = epsinas(['slurm', 'submit', ...JOB, '--shards', '2', '--db', join(dir, 'no-slurm.db')], { PATH: empty })
    expect(run.status).toBe(1)
    expect(run.stderr).toBe('epsinas: sbatch not found: run this where Slurm\'s commands are installed (a login node), or add --dry-run to print the script\n')
    // The run folder it had prepared is gone again.
    expect(existsSync(join(dir, 'slurm'))).toBe(false)
  })

  test('status of a job no run folder knows: a one-line error saying where it looked', () => {
    const run = epsinas(['slurm', 'status', '12345', '--db', join(dir, 'main.db')])
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(`epsinas: no epsinas run of Slurm job 12345 in ${join(dir, 'slurm')} (give the --db, or the --dir, that epsinas slurm submit used)\n`)
  })
})
