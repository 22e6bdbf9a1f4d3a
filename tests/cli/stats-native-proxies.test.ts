import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { spearman } from '../../src/main/core/stats/index.ts'
import { openProxyScoreStore, type ProxyScoreKey } from '../../src/main/store/proxy-scores.ts'
import { getProxy } from '../../src/main/proxies/registry.ts'
import { proxyRevisionTag } from '../../src/main/services/proxies.ts'
import { epsinas, tempDir } from './helpers.ts'

/** Twenty NB201 archs; val_accuracy 50 + i, so the last are the best. */
const ARCHS = Array.from({ length: 20 }, (_, i) => nb201ArchAt(i * 311))
const ACCURACY = ARCHS.map((_, i) => 50 + i)
const EPSILON = ARCHS.map((_, i) => i)
/** Published synflow: perfect. */
const SYNFLOW = ARCHS.map((_, i) => i)
/** Our synflow: the two best swapped with the two worst, so it is not the published column. */
const NATIVE_SYNFLOW = ARCHS.map((_, i) => (i < 2 ? 19 - i : i > 17 ? 19 - i : i))
/** Our nwot, under two init seeds: one right, one reversed. */
const NWOT = [ARCHS.map((_, i) => 100 + i), ARCHS.map((_, i) => 100 - i)]

const key = (proxy: string, initSeed: number): ProxyScoreKey => ({ proxy, initSeed, input: 'grey', inputSeed: 0, batchSize: 32, engine: `full/tfjs-wasm${proxyRevisionTag(getProxy(proxy))}`, space: 'nb201', dataset: 'cifar10' })

/** Issue 15: `stats` prints the native proxies of the cache beside the published ones, each with its source. */
describe('epsinas stats with native proxies beside installed Suite-Zero ones', () => {
  let dir: string
  let cleanup: () => void
  let db: string
  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    const home = join(dir, 'home')
    db = join(dir, 'cache.db')
    const cells = ARCHS.map((arch, i) => `${JSON.stringify(arch)}: {"synflow": {"score": ${SYNFLOW[i]}, "time": 0.1}, "val_accuracy": ${ACCURACY[i]}}`)
    const file = join(dir, 'zc_nasbench201.json')
    writeFileSync(file, `{"cifar10": {${cells.join(', ')}}}`)
    expect(epsinas(['data', 'import', 'zc-nasbench201', file, '--copy'], { EPSINAS_HOME: home }).stderr).toBe('')
    expect(epsinas(['data', 'convert', 'zc-nasbench201', '--db', db, '--no-progress'], { EPSINAS_HOME: home }).status).toBe(0)
    // What `epsinas proxies` stores, written through its store into the same cache file.
    const store = openProxyScoreStore(db)
    ARCHS.forEach((arch, i) => {
      store.put(key('synflow', 0), { arch, value: NATIVE_SYNFLOW[i], ms: 1 })
      store.put(key('nwot', 0), { arch, value: NWOT[0][i], ms: 1 })
      store.put(key('nwot', 1), { arch, value: NWOT[1][i], ms: 1 })
    })
    store.close()
    writeFileSync(join(dir, 'scores.csv'), `arch,epsilon\n${ARCHS.map((arch, i) => `${arch},${EPSILON[i]}`).join('\n')}\n`)
  })
  afterAll(() => cleanup())

  test('the table and --json list the published synflow and each native key apart, with its source; notes give each native key in full', () => {
    const json = join(dir, 'stats.json')
    const run = epsinas(['stats', '--scores', join(dir, 'scores.csv'), '--db', db, '--json', json])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const lines = run.stdout.split('\n')
    const row = (proxy: string): string[] => (lines.find((line) => line.startsWith(`${proxy} `)) ?? '').trim().split(/\s{2,}/)
    const own = (values: number[]): string => spearman(values, ACCURACY).toFixed(3)
    expect([row('synflow')[0], row('synflow')[5].split(' ')[0], row('synflow')[7]]).toEqual(['synflow', '1.000', 'Suite-Zero (published)'])
    expect([row('native:synflow')[0], row('native:synflow')[5].split(' ')[0], row('native:synflow')[7]]).toEqual(['native:synflow', own(NATIVE_SYNFLOW), 'native (epsinas proxies)'])
    expect(row('native:nwot[init=0]')[5].split(' ')[0]).toBe('1.000')
    expect(row('native:nwot[init=1]')[5].split(' ')[0]).toBe('-1.000')
    expect(run.stdout).toContain('note: native:synflow: computed by epsinas proxies: init seed 0, input grey seed 0, batch 32, engine full/tfjs-wasm@proxies.1.2 (20 archs stored)\n')
    expect(run.stdout).toContain('note: native:nwot[init=1]: computed by epsinas proxies: init seed 1, input grey seed 0, batch 32, engine full/tfjs-wasm@proxies.1 (20 archs stored)\n')

    const stats = JSON.parse(readFileSync(json, 'utf8')) as { proxies: { rows: Array<{ proxy: string; source: string | null; description: string | null; own: { spearman: number } }> } }
    expect(stats.proxies.rows.map((r) => [r.proxy, r.source])).toEqual([
      ['epsilon', null],
      ['synflow', 'suite-zero'],
      ['native:nwot[init=0]', 'native'],
      ['native:nwot[init=1]', 'native'],
      ['native:synflow', 'native'],
    ])
    expect(stats.proxies.rows[4].own.spearman).toBeCloseTo(spearman(NATIVE_SYNFLOW, ACCURACY), 12)
    expect(stats.proxies.rows[1].description).toBe('published by NAS-Bench-Suite-Zero')
  })

  test('--rank-with: synflow is the published one; native:synflow and a named key pick ours', () => {
    const signals = (rankWith: string): unknown => {
      const json = join(dir, `rank-${rankWith.replace(/\W/g, '_')}.json`)
      const run = epsinas(['stats', '--scores', join(dir, 'scores.csv'), '--db', db, '--json', json, '--rank-with', rankWith])
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      return (JSON.parse(readFileSync(json, 'utf8')) as { fullCoverage: { signals: string[] } }).fullCoverage.signals
    }
    expect(signals('synflow')).toEqual(['epsilon', 'parameters', 'synflow'])
    expect(signals('native:synflow,native:nwot[init=0]')).toEqual(['epsilon', 'parameters', 'native:synflow', 'native:nwot[init=0]'])
  })

  test('--rank-with a proxy with two native keys is a one-line error naming both, and writes nothing', () => {
    const json = join(dir, 'refused.json')
    const run = epsinas(['stats', '--scores', join(dir, 'scores.csv'), '--db', db, '--json', json, '--rank-with', 'nwot'])
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe('epsinas: --rank-with: nwot: the cache holds 2 native keys of nwot; name one of native:nwot[init=0], native:nwot[init=1]\n')
  })
})
