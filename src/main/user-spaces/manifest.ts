/**
 * space.json: what a user space folder holds besides its files. The folder is
 * `<dataDirectory()>/spaces/<name>/` with one `<sha256>.onnx` per architecture, named by content so
 * that a stored file can never change under a cached score.
 */
import { join } from 'node:path'
import { EpsinasError, cutInput } from '../../shared/errors.ts'
import { Checker, formatIssues } from '../services/api/check.ts'

/** The manifest's file name inside a space folder. */
export const MANIFEST_FILE = 'space.json'

/** Version of the manifest layout; a newer one is refused rather than misread. */
export const MANIFEST_FORMAT = 1

/** One imported architecture: its id (the file stem) and its stored copy's content. */
export interface UserSpaceArch {
  id: string
  /** Full lower-case hex SHA-256 of the file, which is also its stored name (`<sha256>.onnx`). */
  sha256: string
  bytes: number
}

/** Everything a user space is, as written in its folder's space.json. */
export interface UserSpaceManifest {
  format: typeof MANIFEST_FORMAT
  name: string
  kind: 'onnx'
  /** The path imported from (a folder or one file), for people: the space never reads it again. */
  source: string
  /** ISO 8601 time of the import. */
  importedAt: string
  /** [channels, height, width] of every model's input. */
  inputShape: [number, number, number]
  allowFoldedBn: boolean
  /** In id order. */
  archs: UserSpaceArch[]
  /** The importer's warnings, each naming its architecture. */
  warnings: string[]
}

/** Where the stored copy of `arch` lives in the space folder `folder`. */
export function storedFile(folder: string, arch: UserSpaceArch): string {
  return join(folder, `${arch.sha256}.onnx`)
}

const SHA256 = /^[0-9a-f]{64}$/

/**
 * The manifest in `text`, or BAD_FILE in one line naming `where` and every problem: a hand-edited or
 * half-written file must be refused whole, never half-used.
 */
export function parseManifest(text: string, where: string): UserSpaceManifest {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `${where} is not JSON (${cutInput((error as Error).message, 120)})`)
  }
  const c = new Checker()
  const o = c.object(raw, '', ['format', 'name', 'kind', 'source', 'importedAt', 'inputShape', 'allowFoldedBn', 'archs', 'warnings'])
  if (!o) throw new EpsinasError('BAD_FILE', `${where}: ${issuesLine(c)}`)
  c.integer(o.format, 'format', MANIFEST_FORMAT, MANIFEST_FORMAT)
  const name = c.string(o.name, 'name', 32)
  c.oneOf(o.kind, 'kind', ['onnx'])
  const source = c.string(o.source, 'source', 4096)
  const importedAt = c.string(o.importedAt, 'importedAt', 64)
  const inputShape = c.array(o.inputShape, 'inputShape', 3, 3, (value, at) => c.integer(value, at, 1, 1_000_000))
  if (typeof o.allowFoldedBn !== 'boolean') c.fail('allowFoldedBn', 'must be true or false')
  const archs = c.array(o.archs, 'archs', 1, 1_000_000, (value, at) => {
    const a = c.object(value, at, ['id', 'sha256', 'bytes'])
    return a ? { id: c.string(a.id, `${at}.id`, 200), sha256: c.string(a.sha256, `${at}.sha256`, 64, SHA256), bytes: c.integer(a.bytes, `${at}.bytes`, 1, Number.MAX_SAFE_INTEGER) } : { id: '', sha256: '', bytes: 0 }
  })
  const warnings = c.array(o.warnings, 'warnings', 0, 100_000, (value, at) => c.string(value, at, 10_000))
  if (c.issues.length === 0 && new Set(archs.map((a) => a.id)).size !== archs.length) c.fail('archs', 'names an architecture twice')
  if (c.issues.length > 0) throw new EpsinasError('BAD_FILE', `${where}: ${issuesLine(c)}`)
  return {
    format: MANIFEST_FORMAT,
    name,
    kind: 'onnx',
    source,
    importedAt,
    inputShape: [inputShape[0], inputShape[1], inputShape[2]],
    allowFoldedBn: o.allowFoldedBn as boolean,
    archs,
    warnings,
  }
}

/** The first few issues (a manifest of thousands of broken entries still makes a short line). */
function issuesLine(c: Checker): string {
  const shown = formatIssues(c.issues.slice(0, 3))
  return c.issues.length > 3 ? `${shown}; and ${c.issues.length - 3} more` : shown
}
