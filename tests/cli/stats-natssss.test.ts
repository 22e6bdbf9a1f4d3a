import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { NATS_SSS_SAMPLE, natsSssSampleTar } from '../benchmarks/nats-sss-sample.ts'
import { FIXTURES } from '../benchmarks/parsers/helpers.ts'
import { makeTar } from '../benchmarks/tar-writer.ts'
import { epsinas, tempDir } from './helpers.ts'

const ITEM = 'natssss-nats-sss-simple'
const A11 = NATS_SSS_SAMPLE['000011']
const A284 = NATS_SSS_SAMPLE['000284']

/**
 * The NATS-Bench size archive through `epsinas data` (import a tar the test writes, convert), then
 * `stats --space natssss` against the installed 90-epoch accuracies, as a user runs them.
 */
describe('epsinas data + stats for the NATS-Bench size space', () => {
  let dir: string
  let cleanup: () => void
  let db: string
  let env: NodeJS.ProcessEnv
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    db = join(dir, 'cache.db')
    env = { EPSINAS_HOME: join(dir, 'home') }
  })
  afterAll(() => cleanup())

  test('data import + data convert install the archive into the natssss tables', () => {
    const tar = join(dir, 'NATS-sss-v1_0-50262-simple.tar')
    writeFileSync(tar, natsSssSampleTar())
    const imported = epsinas(['data', 'import', ITEM, tar, '--copy'], env)
    expect(imported.stderr).toBe('')
    expect(imported.status).toBe(0)
    const converted = epsinas(['data', 'convert', ITEM, '--db', db, '--no-progress'], env)
    expect(converted.stderr).toBe('')
    expect(converted.status).toBe(0)
    expect(converted.stdout).toMatch(/converted NATS-sss-v1_0-50262-simple\.tar: 3 records -> 2 rows of natssss in /)
    expect(converted.stdout).toMatch(new RegExp(`${ITEM}: ready`))
  })

  test('stats --space natssss joins the installed accuracies and names item, split and the 90-epoch budget', () => {
    // Scores ranked like the accuracies (arch 284 is the better one), and one arch not installed.
    writeFileSync(join(dir, 'scores.csv'), `arch,epsilon\n${A11.arch},0.25\n${A284.arch},0.5\n64:64:64:64:64,0.75\n`)
    const run = epsinas(['stats', '--space', 'natssss', '--dataset', 'cifar100', '--scores', join(dir, 'scores.csv'), '--db', db])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(A284.accuracies['cifar100/x-test/90'].mean).toBeGreaterThan(A11.accuracies['cifar100/x-test/90'].mean)
    expect(run.stdout).toMatch(/architectures used \(n\)\s+2/)
    expect(run.stdout).toMatch(/Spearman rho\s+1\.000/)
    expect(run.stdout).toMatch(new RegExp(`note: accuracies: item ${ITEM} \\(natssss\\): NATS-Bench size cifar100 test accuracy \\(trained on cifar100, evaluated on x-test\\), mean over seeds, test split, 90 epochs`))
    expect(run.stdout).toMatch(/note: 1 scored architectures have no accuracy/)
  })

  test('a topology archive given to the size item: the conversion is refused with one line naming the right item', () => {
    const tss = join(dir, 'topology.tar')
    writeFileSync(tss, makeTar([{ name: 'NATS-tss-v1_0-3ffb9-simple/000007.pickle.pbz2', data: readFileSync(join(FIXTURES, 'nats', 'synthetic', '000007.pickle.pbz2')) }]))
    expect(epsinas(['data', 'import', ITEM, tss, '--copy'], env).status).toBe(0)
    const refused = epsinas(['data', 'convert', ITEM, '--db', db, '--no-progress'], env)
    expect(refused.status).toBe(2)
    expect(refused.stderr.trim().split('\n')).toHaveLength(1)
    expect(refused.stderr).toMatch(/holds NATS-Bench topology \(nb201\) architectures .*not NATS-Bench size ones: convert it as nb201-nats-tss-simple/)
    // The rows of the earlier archive are no longer those of the item's file: refused, never read as current.
    const stale = epsinas(['stats', '--space', 'natssss', '--scores', join(dir, 'scores.csv'), '--db', db])
    expect(stale.status).toBe(2)
    expect(stale.stderr).toMatch(/natssss tables .* are out of date/)
  })
})
