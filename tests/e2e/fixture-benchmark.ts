/**
 * A small NAS-Bench-Suite-Zero file for the e2e tests: accuracies and two other proxies for the
 * architectures a run will score plus filler architectures, served by a local HTTP server under a
 * catalogue item with the real item's id (so the real converter imports it).
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { validateCatalogue, type CatalogueItem } from '../../src/main/benchmarks/catalogue.ts'
import { enumerateNb201 } from '../../src/main/core/spaces/nb201/index.ts'

/** Deterministic pseudo-values in [0, 1) from an arch string. */
function unit(arch: string, salt: string): number {
  return createHash('sha256').update(`${salt}:${arch}`).digest().readUInt32BE(0) / 2 ** 32
}

/** zc_nasbench201.json content in the {dataset: {arch: {proxy: {score, time}, val_accuracy}}} layout. */
export function suiteZeroJson(archs: readonly string[], fillers: number): Buffer {
  const all = [...new Set([...archs, ...enumerateNb201().slice(0, fillers)])]
  const entries = all.map((arch) => {
    const accuracy = 60 + 34 * unit(arch, 'acc')
    const fields = { synflow: { score: accuracy * 0.8 + 10 * unit(arch, 'syn'), time: 0.01 }, jacov: { score: -200 - 50 * unit(arch, 'jac'), time: 0.02 }, val_accuracy: accuracy }
    return `${JSON.stringify(arch)}: ${JSON.stringify(fields)}`
  })
  return Buffer.from(`{"cifar10": {\n${entries.join(',\n')}\n}}\n`)
}

/** The catalogue item of the fixture file at `url`. */
export function suiteZeroItem(body: Buffer, url: string): CatalogueItem {
  const item: CatalogueItem = {
    id: 'zc-nasbench201',
    title: 'NAS-Bench-Suite-Zero, NB201 (test fixture)',
    provides: [
      { kind: 'proxy-scores', space: 'nb201', datasets: ['cifar10'], detail: 'synflow and jacov scores' },
      { kind: 'accuracies', space: 'nb201', datasets: ['cifar10'], detail: 'val_accuracy' },
    ],
    files: [{ name: 'zc_nasbench201.json', urls: [{ url, kind: 'official' }], size: { bytes: body.length, exact: true, source: 'test' }, checksum: { algorithm: 'sha256', value: createHash('sha256').update(body).digest('hex'), source: 'test', verified: true }, format: 'json' }],
    manualSources: [],
    licence: { name: 'Apache-2.0', url: null, terms: 'test data' },
    format: 'Suite-Zero JSON',
    conversion: { needed: true, into: 'proxy_scores', parser: 'suite-zero' },
    disk: { bytes: body.length * 2, note: 'file and tables' },
    memory: { bytes: 1, note: 'streamed' },
    notes: [],
  }
  return item
}

/** Writes a validated catalogue with the items; returns its path. */
export function writeCatalogueFile(dir: string, items: CatalogueItem[]): string {
  const catalogue = { version: 1, items }
  const check = validateCatalogue(catalogue)
  if (!check.ok) throw new Error(`invalid fixture catalogue: ${check.issues.join('; ')}`)
  const path = join(dir, 'catalogue.json')
  writeFileSync(path, JSON.stringify(catalogue))
  return path
}
