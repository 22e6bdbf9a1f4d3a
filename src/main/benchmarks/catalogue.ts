import { readFile } from 'node:fs/promises'
import bundledCatalogue from '../../../resources/catalogue.json' with { type: 'json' }
import { EpsinasError } from '../../shared/errors.ts'

/**
 * The catalogue of downloadable benchmark data (resources/catalogue.json): what each item
 * provides, where to get its files (official first, mirrors after), how to check them, and the
 * licence terms. The JSON is validated here, once, so the rest of the code trusts these types.
 */

/** How a published checksum is compared. `hash-prefix`: the published value is the start of the `of` hash. */
export type ChecksumAlgorithm = 'sha256' | 'md5' | 'hash-prefix' | 'git-blob-sha1'

/** A published checksum. `verified`: the value was read from its primary publisher, not a third party's report. */
export interface Checksum {
  algorithm: ChecksumAlgorithm
  /** Only for hash-prefix: which hash the prefix belongs to. */
  of?: 'sha256' | 'md5'
  value: string
  source: string
  verified: boolean
}

/** The on-disk format of one file; decides the magic-byte check. */
export type FileFormat = 'tfrecord' | 'tar' | 'tar.gz' | 'zip' | 'sqlite' | 'json' | 'pickle' | 'text'

/** One place to fetch a file from. */
export interface CatalogueUrl {
  url: string
  kind: 'official' | 'mirror'
  note?: string
}

/** Another published byte-version accepted for a file (e.g. a copy that gained a trailing newline). */
export interface AcceptedVariant {
  size: number
  checksum: Checksum
  note: string
}

/** One file of an item, saved under `<dataDir>/benchmarks/<id>/<name>`. */
export interface CatalogueFile {
  name: string
  urls: CatalogueUrl[]
  /** `exact: false` is an estimate: used for disk space and progress, never to reject a file. */
  size: { bytes: number; exact: boolean; source: string }
  /** null when nothing is published: the file is then checked by size (if exact) and format only. */
  checksum: Checksum | null
  /** With a null `checksum`: where one was looked for and why there is none (the bundled catalogue always says). */
  noChecksum?: string
  alsoAccepted?: AcceptedVariant[]
  format: FileFormat
  /** The folder the archive extracts to, which `data import` accepts instead of the archive. */
  extracted?: ExtractedFolder
}

/**
 * An archive's extracted form. No published checksum covers a folder, so it is checked by its
 * layout (the required files, at least `minMembers` of them) and the SHA-256 of every member is
 * recorded in the manifest, where `data verify` re-checks them (install/extracted-folder.ts).
 */
export interface ExtractedFolder {
  /** Its name as the archive extracts it; installed as `<dataDir>/benchmarks/<id>/<folder>/`. */
  folder: string
  /** A regular expression over the member file names kept (others in the folder are ignored). */
  members: string
  /** Files that must be there. */
  required: string[]
  /** Fewer members than this is a cut-short extraction. */
  minMembers: number
}

/** What installing an item makes available. */
export interface Provision {
  kind: 'accuracies' | 'proxy-scores' | 'images' | 'text' | 'splits'
  space: string | null
  datasets: string[]
  detail: string
}

/** One downloadable unit: a benchmark table, a dataset, a set of split files. */
export interface CatalogueItem {
  id: string
  title: string
  provides: Provision[]
  files: CatalogueFile[]
  /** Pages for a browser (sign-in, captcha, share codes); the user then runs `epsinas data import`. */
  manualSources: Array<{ url: string; note: string }>
  licence: { name: string; url: string | null; terms: string }
  format: string
  /**
   * Items whose files are turned into our SQLite tables by a parser before use; `parser` names
   * which one (required when `needed`), so a catalogue can add items without code changes.
   */
  conversion: { needed: boolean; into: string; parser?: ConverterId }
  /** Disk for the files plus what conversion writes; memory a conversion or reader needs at most. */
  disk: { bytes: number; note: string }
  memory: { bytes: number; note: string }
  notes: string[]
}

/** The parsers `epsinas data convert` can run (src/main/benchmarks/convert/converters.ts). */
export type ConverterId = 'nb101-tfrecord' | 'nb101-nni' | 'nb201-nats' | 'natssss-nats' | 'nb201-nni' | 'nbnlp-logs' | 'suite-zero'

/** Every ConverterId, for validation and messages. */
export const CONVERTER_IDS: readonly ConverterId[] = ['nb101-tfrecord', 'nb101-nni', 'nb201-nats', 'natssss-nats', 'nb201-nni', 'nbnlp-logs', 'suite-zero']

/** The whole catalogue. */
export interface Catalogue {
  version: 1
  items: CatalogueItem[]
}

/** The catalogue shipped with the workbench (resources/catalogue.json), validated. */
export function bundledCatalogueData(): Catalogue {
  return checked(validateCatalogue(bundledCatalogue), 'resources/catalogue.json')
}

/** Reads and validates a catalogue file; without a path, the bundled one. */
export async function loadCatalogue(path?: string): Promise<Catalogue> {
  if (path === undefined) return bundledCatalogueData()
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `cannot read the catalogue ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `the catalogue ${path} is not JSON: ${(error as Error).message}`)
  }
  return checked(validateCatalogue(json), path)
}

/** The item with this id, or a BAD_ARGUMENT error naming the known ids. */
export function findItem(catalogue: Catalogue, id: string): CatalogueItem {
  const item = catalogue.items.find((candidate) => candidate.id === id)
  if (!item) throw new EpsinasError('BAD_ARGUMENT', `no catalogue item '${id}'; known items: ${catalogue.items.map((i) => i.id).join(', ')}`)
  return item
}

/** Sum of the item's file sizes (estimates included). */
export function itemSize(item: CatalogueItem): number {
  return item.files.reduce((total, file) => total + file.size.bytes, 0)
}

function checked(result: CatalogueValidation, where: string): Catalogue {
  if (result.ok) return result.value
  const shown = result.issues.slice(0, 20).map((issue) => `  ${issue}`).join('\n')
  const more = result.issues.length > 20 ? `\n  ... and ${result.issues.length - 20} more` : ''
  throw new EpsinasError('BAD_FILE', `the catalogue ${where} is invalid:\n${shown}${more}`)
}

/** Validation result: the typed catalogue, or every problem found (expected failures are data). */
export type CatalogueValidation = { ok: true; value: Catalogue } | { ok: false; issues: string[] }

const ALGORITHMS: readonly ChecksumAlgorithm[] = ['sha256', 'md5', 'hash-prefix', 'git-blob-sha1']
const HEX_LENGTH: Record<Exclude<ChecksumAlgorithm, 'hash-prefix'>, number> = { sha256: 64, md5: 32, 'git-blob-sha1': 40 }
const FORMATS: readonly FileFormat[] = ['tfrecord', 'tar', 'tar.gz', 'zip', 'sqlite', 'json', 'pickle', 'text']
const PROVISIONS: readonly Provision['kind'][] = ['accuracies', 'proxy-scores', 'images', 'text', 'splits']
// Ids and file names become path components: keep them to a safe alphabet, no dot-files.
const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/
const FILE_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/
const RESERVED_FILES = new Set(['manifest.json'])

/** Checks the shape and the invariants (unique ids, https URLs, positive sizes, known algorithms). */
export function validateCatalogue(json: unknown): CatalogueValidation {
  const issues: string[] = []
  const root = record(json, 'catalogue', issues)
  if (!root) return { ok: false, issues }
  if (root.version !== 1) issues.push(`catalogue.version must be 1 (got ${JSON.stringify(root.version)})`)
  if (!Array.isArray(root.items) || root.items.length === 0) {
    issues.push('catalogue.items must be a non-empty array')
    return { ok: false, issues }
  }
  const seen = new Set<string>()
  root.items.forEach((raw, index) => {
    const where = `items[${index}]`
    const item = record(raw, where, issues)
    if (!item) return
    const id = typeof item.id === 'string' ? item.id : ''
    if (!ID_PATTERN.test(id)) issues.push(`${where}.id must match ${ID_PATTERN} (got ${JSON.stringify(item.id)})`)
    else if (seen.has(id)) issues.push(`${where}.id '${id}' is used twice`)
    seen.add(id)
    validateItem(item, id ? `item '${id}'` : where, issues)
  })
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: json as Catalogue }
}

function validateItem(item: Record<string, unknown>, where: string, issues: string[]): void {
  text(item.title, `${where}.title`, issues)
  text(item.format, `${where}.format`, issues)
  list(item.provides, `${where}.provides`, issues, true).forEach((raw, i) => {
    const p = record(raw, `${where}.provides[${i}]`, issues)
    if (!p) return
    if (!PROVISIONS.includes(p.kind as Provision['kind'])) issues.push(`${where}.provides[${i}].kind must be one of ${PROVISIONS.join(', ')}`)
    if (p.space !== null && typeof p.space !== 'string') issues.push(`${where}.provides[${i}].space must be a string or null`)
    if (!Array.isArray(p.datasets) || p.datasets.some((d) => typeof d !== 'string')) issues.push(`${where}.provides[${i}].datasets must be strings`)
    text(p.detail, `${where}.provides[${i}].detail`, issues)
  })
  const names = new Set<string>()
  list(item.files, `${where}.files`, issues, true).forEach((raw, i) => {
    const file = record(raw, `${where}.files[${i}]`, issues)
    if (!file) return
    const name = typeof file.name === 'string' ? file.name : ''
    if (!FILE_PATTERN.test(name) || name.endsWith('.part') || RESERVED_FILES.has(name)) issues.push(`${where}.files[${i}].name is not a safe file name: ${JSON.stringify(file.name)}`)
    else if (names.has(name)) issues.push(`${where}.files[${i}].name '${name}' is used twice`)
    names.add(name)
    validateFile(file, `${where} file '${name}'`, issues)
  })
  list(item.manualSources, `${where}.manualSources`, issues, false).forEach((raw, i) => {
    const source = record(raw, `${where}.manualSources[${i}]`, issues)
    if (source) {
      url(source.url, `${where}.manualSources[${i}].url`, issues)
      text(source.note, `${where}.manualSources[${i}].note`, issues)
    }
  })
  const licence = record(item.licence, `${where}.licence`, issues)
  if (licence) {
    text(licence.name, `${where}.licence.name`, issues)
    text(licence.terms, `${where}.licence.terms`, issues)
    if (licence.url !== null) url(licence.url, `${where}.licence.url`, issues)
  }
  const conversion = record(item.conversion, `${where}.conversion`, issues)
  if (conversion) {
    if (typeof conversion.needed !== 'boolean') issues.push(`${where}.conversion.needed must be a boolean`)
    text(conversion.into, `${where}.conversion.into`, issues)
    if (conversion.parser !== undefined && !CONVERTER_IDS.includes(conversion.parser as ConverterId)) {
      issues.push(`${where}.conversion.parser must be one of ${CONVERTER_IDS.join(', ')} (got ${JSON.stringify(conversion.parser)})`)
    } else if (conversion.needed === true && conversion.parser === undefined) {
      issues.push(`${where}.conversion.parser is required when conversion.needed is true (one of ${CONVERTER_IDS.join(', ')})`)
    }
  }
  for (const key of ['disk', 'memory'] as const) {
    const need = record(item[key], `${where}.${key}`, issues)
    if (need) {
      positiveInteger(need.bytes, `${where}.${key}.bytes`, issues)
      text(need.note, `${where}.${key}.note`, issues)
    }
  }
  list(item.notes, `${where}.notes`, issues, false).forEach((note, i) => text(note, `${where}.notes[${i}]`, issues))
}

function validateFile(file: Record<string, unknown>, where: string, issues: string[]): void {
  const urls = list(file.urls, `${where}.urls`, issues, true)
  let mirrorSeen = false
  urls.forEach((raw, i) => {
    const entry = record(raw, `${where}.urls[${i}]`, issues)
    if (!entry) return
    url(entry.url, `${where}.urls[${i}].url`, issues)
    if (entry.kind !== 'official' && entry.kind !== 'mirror') issues.push(`${where}.urls[${i}].kind must be official or mirror`)
    // Preference order: the official source first, mirrors after.
    if (entry.kind === 'official' && mirrorSeen) issues.push(`${where}.urls[${i}] is official but listed after a mirror`)
    if (entry.kind === 'mirror') mirrorSeen = true
    if (entry.note !== undefined) text(entry.note, `${where}.urls[${i}].note`, issues)
  })
  const size = record(file.size, `${where}.size`, issues)
  if (size) {
    positiveInteger(size.bytes, `${where}.size.bytes`, issues)
    if (typeof size.exact !== 'boolean') issues.push(`${where}.size.exact must be a boolean`)
    text(size.source, `${where}.size.source`, issues)
  }
  if (file.checksum !== null) checksum(file.checksum, `${where}.checksum`, issues)
  if (file.noChecksum !== undefined) text(file.noChecksum, `${where}.noChecksum`, issues)
  if (file.extracted !== undefined) extractedFolder(file.extracted, `${where}.extracted`, issues)
  const variants = file.alsoAccepted === undefined ? [] : list(file.alsoAccepted, `${where}.alsoAccepted`, issues, false)
  variants.forEach((raw, i) => {
    const variant = record(raw, `${where}.alsoAccepted[${i}]`, issues)
    if (!variant) return
    positiveInteger(variant.size, `${where}.alsoAccepted[${i}].size`, issues)
    checksum(variant.checksum, `${where}.alsoAccepted[${i}].checksum`, issues)
    text(variant.note, `${where}.alsoAccepted[${i}].note`, issues)
  })
  if (!FORMATS.includes(file.format as FileFormat)) issues.push(`${where}.format must be one of ${FORMATS.join(', ')}`)
}

function checksum(raw: unknown, where: string, issues: string[]): void {
  const sum = record(raw, where, issues)
  if (!sum) return
  const algorithm = sum.algorithm as ChecksumAlgorithm
  const value = typeof sum.value === 'string' ? sum.value : ''
  if (!ALGORITHMS.includes(algorithm)) issues.push(`${where}.algorithm must be one of ${ALGORITHMS.join(', ')} (got ${JSON.stringify(sum.algorithm)})`)
  else if (algorithm === 'hash-prefix') {
    if (sum.of !== 'sha256' && sum.of !== 'md5') issues.push(`${where}.of must be sha256 or md5 for a hash-prefix`)
    if (!/^[0-9a-f]{4,63}$/.test(value)) issues.push(`${where}.value must be 4 to 63 lowercase hex digits`)
  } else if (!new RegExp(`^[0-9a-f]{${HEX_LENGTH[algorithm]}}$`).test(value)) {
    issues.push(`${where}.value must be ${HEX_LENGTH[algorithm]} lowercase hex digits for ${algorithm}`)
  }
  text(sum.source, `${where}.source`, issues)
  if (typeof sum.verified !== 'boolean') issues.push(`${where}.verified must be a boolean`)
}

function extractedFolder(raw: unknown, where: string, issues: string[]): void {
  const folder = record(raw, where, issues)
  if (!folder) return
  if (typeof folder.folder !== 'string' || !FILE_PATTERN.test(folder.folder) || folder.folder.endsWith('.part')) issues.push(`${where}.folder is not a safe folder name: ${JSON.stringify(folder.folder)}`)
  try {
    new RegExp(String(folder.members))
    text(folder.members, `${where}.members`, issues)
  } catch {
    issues.push(`${where}.members is not a regular expression: ${JSON.stringify(folder.members)}`)
  }
  if (!Array.isArray(folder.required) || folder.required.some((name) => typeof name !== 'string' || !FILE_PATTERN.test(name))) issues.push(`${where}.required must be safe file names`)
  positiveInteger(folder.minMembers, `${where}.minMembers`, issues)
}

function record(value: unknown, where: string, issues: string[]): Record<string, unknown> | null {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  issues.push(`${where} must be an object`)
  return null
}

function list(value: unknown, where: string, issues: string[], nonEmpty: boolean): unknown[] {
  if (Array.isArray(value) && (!nonEmpty || value.length > 0)) return value
  issues.push(`${where} must be ${nonEmpty ? 'a non-empty' : 'an'} array`)
  return []
}

function text(value: unknown, where: string, issues: string[]): void {
  if (typeof value !== 'string' || value.trim() === '') issues.push(`${where} must be a non-empty string`)
}

function positiveInteger(value: unknown, where: string, issues: string[]): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) issues.push(`${where} must be a positive integer`)
}

// https everywhere; plain http only for a server on this machine (the download tests run one).
function url(value: unknown, where: string, issues: string[]): void {
  let parsed: URL
  try {
    parsed = new URL(String(value))
  } catch {
    issues.push(`${where} is not a URL: ${JSON.stringify(value)}`)
    return
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) issues.push(`${where} must be https: ${parsed.href}`)
}
