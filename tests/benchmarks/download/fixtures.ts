import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { validateCatalogue, type Catalogue, type CatalogueItem, type Checksum, type FileFormat } from '../../../src/main/benchmarks/catalogue.ts'

/** A file body that passes the `tar.gz` format check (gzip magic) followed by random bytes. */
export function gzipLike(size: number, seed = 1): Buffer {
  const body = randomBytes(size)
  body[0] = 0x1f
  body[1] = 0x8b
  body[2] = 0x08
  body[3] = seed & 0xff
  return body
}

/** Hex digest of a buffer. */
export function digest(algorithm: 'sha256' | 'md5', body: Buffer): string {
  return createHash(algorithm).update(body).digest('hex')
}

/** One file of a test item. */
export interface FileSpec {
  name: string
  body: Buffer
  urls: string[]
  checksum?: Checksum | null
  exactSize?: boolean
  format?: FileFormat
}

/** A schema-valid catalogue item for tests; by default each file has an exact size and a SHA-256. */
export function testItem(id: string, files: FileSpec[], overrides: Partial<CatalogueItem> = {}): CatalogueItem {
  const item: CatalogueItem = {
    id,
    title: `test item ${id}`,
    provides: [{ kind: 'images', space: null, datasets: ['test'], detail: 'random bytes' }],
    files: files.map((f) => ({
      name: f.name,
      urls: f.urls.map((url, i) => ({ url, kind: i === 0 ? 'official' : 'mirror' })),
      size: { bytes: f.body.length, exact: f.exactSize ?? true, source: 'test' },
      checksum: f.checksum === undefined ? { algorithm: 'sha256', value: digest('sha256', f.body), source: 'test', verified: true } : f.checksum,
      format: f.format ?? 'tar.gz',
    })),
    manualSources: [],
    licence: { name: 'test', url: null, terms: 'test data' },
    format: 'random bytes',
    conversion: { needed: false, into: 'nothing' },
    disk: { bytes: files.reduce((sum, f) => sum + f.body.length, 0), note: 'the files' },
    memory: { bytes: 1, note: 'none' },
    notes: [],
    ...overrides,
  }
  const check = validateCatalogue({ version: 1, items: [item] })
  if (!check.ok) throw new Error(`invalid test item: ${check.issues.join('; ')}`)
  return item
}

/** Writes a catalogue file with these items. */
export function writeCatalogue(dir: string, items: CatalogueItem[]): string {
  const catalogue: Catalogue = { version: 1, items }
  const path = join(dir, 'catalogue.json')
  writeFileSync(path, JSON.stringify(catalogue, null, 1))
  return path
}

/** A fresh temporary folder and its cleanup. */
export function tempDir(prefix = 'epsinas-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Retries in milliseconds, so failure paths run fast. */
export const FAST_RETRY = { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 }
