import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bundledCatalogueData, findItem, loadCatalogue, validateCatalogue, type Catalogue } from '../../src/main/benchmarks/catalogue.ts'
import { tempDir } from './download/fixtures.ts'

const RAW = JSON.parse(readFileSync(join(import.meta.dirname, '../../resources/catalogue.json'), 'utf8')) as Catalogue

describe('the bundled catalogue', () => {
  const catalogue = bundledCatalogueData()
  const files = catalogue.items.flatMap((item) => item.files)

  test('should pass validation', () => {
    expect(validateCatalogue(RAW)).toEqual({ ok: true, value: RAW })
  })

  test('should have unique ids', () => {
    const ids = catalogue.items.map((item) => item.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  test('should use https URLs only, official ones first', () => {
    for (const file of files) {
      for (const { url } of file.urls) expect(new URL(url).protocol).toBe('https:')
      const kinds = file.urls.map((u) => u.kind)
      expect(kinds).toEqual([...kinds].sort((a, b) => (a === b ? 0 : a === 'official' ? -1 : 1)))
    }
  })

  test('should give positive integer sizes and known checksum algorithms with well-formed values', () => {
    for (const file of files) {
      expect(Number.isSafeInteger(file.size.bytes) && file.size.bytes > 0).toBe(true)
      if (file.checksum === null) continue
      expect(['sha256', 'md5', 'hash-prefix', 'git-blob-sha1']).toContain(file.checksum.algorithm)
      expect(file.checksum.value).toMatch(/^[0-9a-f]+$/)
      expect(file.checksum.source.length).toBeGreaterThan(0)
    }
  })

  test('should cover the items the workbench needs', () => {
    const ids = catalogue.items.map((item) => item.id)
    for (const id of ['nb101-only108', 'nb201-nats-tss-simple', 'natssss-nats-sss-simple', 'nb201-nni-db', 'nbnlp-logs-single', 'nbnlp-logs-multi', 'ptb-text', 'zc-nasbench201', 'zc-nasbench101', 'cifar10-binary', 'cifar100-binary', 'imagenet16-120', 'nb201-splits']) {
      expect(ids).toContain(id)
    }
    expect(findItem(catalogue, 'nb101-only108').files[0].checksum).toMatchObject({ algorithm: 'sha256', value: '4c39c3936e36a85269881d659e44e61a245babcb72cb374eacacf75d0e5f4fd1' })
    expect(findItem(catalogue, 'imagenet16-120').files.map((f) => f.name)).toEqual([...Array.from({ length: 10 }, (_, i) => `train_data_batch_${i + 1}`), 'val_data'])
  })

  test('should name a parser for every item that needs conversion, and none for the others', () => {
    for (const entry of bundledCatalogueData().items) expect(entry.conversion.parser !== undefined, entry.id).toBe(entry.conversion.needed)
    const parsers = Object.fromEntries(bundledCatalogueData().items.map((i) => [i.id, i.conversion.parser]))
    expect(parsers).toMatchObject({ 'nb101-only108': 'nb101-tfrecord', 'nb201-nats-tss-simple': 'nb201-nats', 'natssss-nats-sss-simple': 'natssss-nats', 'nb201-nni-db': 'nb201-nni', 'zc-nasbench101': 'suite-zero', 'nbnlp-logs-multi': 'nbnlp-logs' })
  })

  test('should say, for every file without a checksum, where one was looked for and why there is none', () => {
    const unchecked = catalogue.items.flatMap((entry) => entry.files.filter((f) => f.checksum === null).map((file) => ({ id: entry.id, file })))
    expect(unchecked.map((u) => u.id)).toEqual(['nb201-nats-tss-simple', 'natssss-nats-sss-simple', 'zc-nasbench201', 'zc-nasbench101'])
    for (const { file } of unchecked) expect(file.noChecksum).toMatch(/^none is published: /)
    // The Suite-Zero provenance names the last git blobs, which are not the Drive files' checksums.
    expect(findItem(catalogue, 'zc-nasbench201').files[0].noChecksum).toContain('b0dd1faab57ab6dcbb6868ff8e6c8889c8801f53')
    expect(findItem(catalogue, 'zc-nasbench101').files[0].noChecksum).toContain('498cbaec64970a86ad7123deba5de6484ae965af')
    // The number in the NATS names is part of another file's MD5, not the tar's.
    expect(findItem(catalogue, 'natssss-nats-sss-simple').files[0].noChecksum).toMatch(/'50262' in the name is the start of the MD5 of NATS-sss-v1_0-50262\.pickle\.pbz2/)
  })

  test('should describe the extracted folder of every archive whose reader or parser takes one', () => {
    const folders = Object.fromEntries(catalogue.items.flatMap((entry) => entry.files.filter((f) => f.extracted).map((f) => [entry.id, f.extracted?.folder])))
    expect(folders).toEqual({
      'nb201-nats-tss-simple': 'NATS-tss-v1_0-3ffb9-simple',
      'natssss-nats-sss-simple': 'NATS-sss-v1_0-50262-simple',
      'cifar10-binary': 'cifar-10-batches-bin',
      'cifar100-binary': 'cifar-100-binary',
    })
    const nats = findItem(catalogue, 'nb201-nats-tss-simple').files[0].extracted
    expect(nats).toMatchObject({ required: ['meta.pickle.pbz2'], minMembers: 15626 })
    expect(new RegExp(nats?.members ?? '').test('015624.pickle.pbz2')).toBe(true)
    // The size space: 32,768 arch files plus meta.
    expect(findItem(catalogue, 'natssss-nats-sss-simple').files[0].extracted).toMatchObject({ required: ['meta.pickle.pbz2'], minMembers: 32769 })
  })

  test('should describe the NATS-Bench size archive from the official sources: name, Drive file, licence, the size space', () => {
    const sss = findItem(catalogue, 'natssss-nats-sss-simple')
    expect(sss.files.map((f) => [f.name, f.format, f.urls[0].kind])).toEqual([['NATS-sss-v1_0-50262-simple.tar', 'tar', 'official']])
    // The file id of NATS-sss-v1_0-50262-simple.tar in the NATS-Bench README (@1d4a304).
    expect(sss.files[0].urls[0].url).toContain('id=1scOMTUwcQhAMa_IMedp9lTzwmgqHLGgA')
    expect(sss.files[0].size.exact).toBe(false)
    expect(sss.provides).toEqual([expect.objectContaining({ kind: 'accuracies', space: 'natssss' })])
    expect(sss.licence).toMatchObject({ name: 'MIT', url: 'https://github.com/D-X-Y/NATS-Bench/blob/main/LICENSE.md' })
    expect(sss.conversion).toMatchObject({ needed: true, parser: 'natssss-nats' })
  })

  test('should name the unknown id and list the known ones', () => {
    expect(() => findItem(catalogue, 'nb999')).toThrow(/no catalogue item 'nb999'; known items: nb101-only108, /)
  })
})

describe('validateCatalogue', () => {
  const item = () => structuredClone(RAW.items.find((i) => i.id === 'cifar10-binary')) as Catalogue['items'][number]

  describe('should return issues', () => {
    test.each<[string, (c: Catalogue) => void, string]>([
      ['for a duplicated id', (c) => c.items.push(item()), "items[1].id 'cifar10-binary' is used twice"],
      ['for an unsafe id', (c) => (c.items[0].id = '../etc'), 'items[0].id must match'],
      ['for a plain http URL', (c) => (c.items[0].files[0].urls[0].url = 'http://www.cs.toronto.edu/x'), "item 'cifar10-binary' file 'cifar-10-binary.tar.gz'.urls[0].url must be https"],
      ['for a zero size', (c) => (c.items[0].files[0].size.bytes = 0), '.size.bytes must be a positive integer'],
      ['for an unknown algorithm', (c) => ((c.items[0].files[0].checksum as { algorithm: string }).algorithm = 'crc32'), '.checksum.algorithm must be one of sha256, md5, hash-prefix, git-blob-sha1'],
      ['for a value of the wrong length', (c) => ((c.items[0].files[0].checksum as { value: string }).value = 'abc'), '.checksum.value must be 32 lowercase hex digits for md5'],
      ['for a hash prefix without its hash', (c) => (c.items[0].files[0].checksum = { algorithm: 'hash-prefix', value: 'b2b60732', source: 's', verified: true }), '.checksum.of must be sha256 or md5'],
      ['for an official URL after a mirror', (c) => c.items[0].files[0].urls.reverse(), 'is official but listed after a mirror'],
      ['for a file name with a path', (c) => (c.items[0].files[0].name = 'a/b'), 'is not a safe file name'],
      ['for a conversion without its parser', (c) => (c.items[0].conversion = { needed: true, into: 'tables' }), '.conversion.parser is required when conversion.needed is true'],
      ['for an unknown parser', (c) => (c.items[0].conversion = { needed: true, into: 'tables', parser: 'pth' as 'nb201-nats' }), '.conversion.parser must be one of nb101-tfrecord, nb101-nni, nb201-nats'],
      ['for an extracted folder with a path', (c) => (c.items[0].files[0].extracted = { folder: '../x', members: '.', required: [], minMembers: 1 }), ".extracted.folder is not a safe folder name: \"../x\""],
      ['for an extracted folder with a bad pattern', (c) => (c.items[0].files[0].extracted = { folder: 'x', members: '(', required: [], minMembers: 1 }), '.extracted.members is not a regular expression'],
      ['for a missing licence', (c) => delete (c.items[0] as Partial<Catalogue['items'][number]>).licence, "item 'cifar10-binary'.licence must be an object"],
    ])('%s', (_, mutate, issue) => {
      const catalogue: Catalogue = { version: 1, items: [item()] }
      mutate(catalogue)
      const result = validateCatalogue(catalogue)
      expect(result.ok).toBe(false)
      expect(result.ok ? [] : result.issues.join('\n')).toContain(issue)
    })
  })

  test('should allow plain http to 127.0.0.1 only (for local test servers)', () => {
    const catalogue: Catalogue = { version: 1, items: [item()] }
    catalogue.items[0].files[0].urls = [{ url: 'http://127.0.0.1:8080/f', kind: 'official' }]
    expect(validateCatalogue(catalogue).ok).toBe(true)
  })
})

describe('loadCatalogue', () => {
  let dir: string
  let cleanup: () => void
  beforeAll(() => ({ dir, cleanup } = tempDir()))
  afterAll(() => cleanup())

  test('should read an injected catalogue file', async () => {
    const path = join(dir, 'mine.json')
    writeFileSync(path, JSON.stringify({ version: 1, items: [RAW.items[0]] }))
    expect((await loadCatalogue(path)).items.map((i) => i.id)).toEqual([RAW.items[0].id])
  })

  test('should explain a file that is not JSON or not a catalogue', async () => {
    const path = join(dir, 'bad.json')
    writeFileSync(path, '{ nope')
    await expect(loadCatalogue(path)).rejects.toThrow(/is not JSON/)
    writeFileSync(path, '{"version": 2, "items": []}')
    await expect(loadCatalogue(path)).rejects.toThrow(/catalogue.version must be 1[\s\S]*catalogue.items must be a non-empty array/)
  })
})
