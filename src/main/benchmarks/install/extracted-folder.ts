import { createHash } from 'node:crypto'
import { readdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { EpsinasError } from '../../../shared/errors.ts'
import type { CatalogueFile, ExtractedFolder } from '../catalogue.ts'
import { digestFile } from './checksum.ts'
import type { ItemPaths } from './layout.ts'
import type { InstalledFile } from './manifest.ts'

/** Why a folder is never "verified": stated in the catalogue docs, `data import` and `data verify`. */
export const FOLDER_RULE = 'no published checksum covers an extracted folder'

/** The verdict on an extracted folder; `folder` goes into the manifest entry. */
export type FolderCheck =
  | { ok: true; size: number; sha256: string; checkedBy: string; folder: NonNullable<InstalledFile['folder']> }
  | { ok: false; message: string }

/** What a folder check relies on, for the manifest and messages. */
export function folderCheckedBy(extracted: ExtractedFolder): string {
  const required = extracted.required.length > 0 ? `${extracted.required.join(', ')} and ` : ''
  return (
    `NOT verified by a checksum (${FOLDER_RULE}); checked only: its layout (${required}at least ${extracted.minMembers} files); ` +
    'the SHA-256 of each file is recorded in the manifest, and epsinas data verify re-checks them'
  )
}

/**
 * The folder's identity: the SHA-256 of its `sha256sum`-style listing (hash, two spaces, name; by
 * name). It stands where a file's SHA-256 stands (conversion records, the --input real cache key).
 */
export function listingDigest(members: Readonly<Record<string, string>>): string {
  const listing = Object.keys(members)
    .sort()
    .map((name) => `${members[name]}  ${name}\n`)
    .join('')
  return createHash('sha256').update(listing).digest('hex')
}

/** The member files of an extracted folder: regular files at its top level whose names match. */
export async function folderMembers(path: string, extracted: ExtractedFolder): Promise<string[]> {
  const pattern = new RegExp(extracted.members)
  const entries = await readdir(path, { withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => entry.name)
    .sort()
}

/**
 * Checks an extracted folder against its catalogue entry (the required files, enough of them) and
 * hashes every member. A folder that fails says what it lacks; nothing is trusted from a name alone.
 */
export async function checkExtractedFolder(path: string, file: CatalogueFile, options: { signal?: AbortSignal } = {}): Promise<FolderCheck> {
  const extracted = file.extracted
  if (!extracted) return { ok: false, message: `${path}: ${file.name} has no extracted form; give the file itself` }
  let names: string[]
  try {
    names = await folderMembers(path, extracted)
  } catch (error) {
    return { ok: false, message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }
  }
  const missing = extracted.required.filter((name) => !names.includes(name))
  if (missing.length > 0) return { ok: false, message: `${path}: the extracted folder of ${file.name} lacks ${missing.join(', ')}` }
  if (names.length < extracted.minMembers) {
    return { ok: false, message: `${path}: the extracted folder has ${names.length} of the at least ${extracted.minMembers} files of ${file.name}` }
  }
  const members: Record<string, string> = {}
  let size = 0
  for (const name of names) {
    const member = join(path, name)
    try {
      const bytes = (await stat(member)).size
      members[name] = (await digestFile(member, bytes, new Set(['sha256']), options)).sha256 ?? ''
      size += bytes
    } catch (error) {
      if (options.signal?.aborted) throw new EpsinasError('CANCELLED', `verification of ${file.name} cancelled`)
      return { ok: false, message: `cannot read ${member}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }
    }
  }
  return { ok: true, size, sha256: listingDigest(members), checkedBy: folderCheckedBy(extracted), folder: { name: extracted.folder, members } }
}

/** Which members differ from the hashes recorded at install time ("" when none). */
export function folderChanges(recorded: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string {
  const changed = Object.keys(recorded).filter((name) => now[name] !== undefined && now[name] !== recorded[name])
  const gone = Object.keys(recorded).filter((name) => now[name] === undefined)
  const added = Object.keys(now).filter((name) => recorded[name] === undefined)
  const parts = [
    ...(changed.length > 0 ? [`${list(changed)} changed since it was installed`] : []),
    ...(gone.length > 0 ? [`${list(gone)} missing`] : []),
    ...(added.length > 0 ? [`${list(added)} added`] : []),
  ]
  return parts.join('; ')
}

function list(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`
}

/** Where an item file is installed: its extracted folder when the manifest says so, else the file. */
export function installedPath(paths: ItemPaths, name: string, record: InstalledFile | undefined): string {
  return record?.folder ? join(paths.dir, record.folder.name) : paths.file(name)
}

/**
 * Bytes of an installed file; for one installed as its extracted folder, the recorded members' bytes
 * (a missing or resized member changes the total, so status calls the file unverified). Null when absent.
 */
export async function installedSize(filePath: string, record: InstalledFile | undefined): Promise<number | null> {
  if (!record?.folder) return statSize(filePath)
  const dir = join(dirname(filePath), record.folder.name)
  if ((await statSize(dir)) === null) return null
  let total = 0
  for (const name of Object.keys(record.folder.members)) total += (await statSize(join(dir, name))) ?? 0
  return total
}

async function statSize(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size
  } catch {
    return null
  }
}
