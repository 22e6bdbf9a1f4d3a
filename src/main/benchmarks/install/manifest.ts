import { readFile, rename, writeFile } from 'node:fs/promises'
import { itemPaths, type ItemPaths } from './layout.ts'

/** A published file as last checked: `ready` passed verification, `corrupt` failed it. */
export interface InstalledFile {
  state: 'ready' | 'corrupt'
  size: number
  /** Computed locally, so later checks can tell a changed file even when nothing was published. */
  sha256: string | null
  /** What the check relied on ("published md5", "size and format only"...). */
  checkedBy: string
  /** The URL it came from, or `import <path>`. */
  origin: string
  at: string
  problem: string | null
  /**
   * Set when the file is installed as its archive's extracted folder (`<item>/<folder>/`): each
   * member's SHA-256 by name. `sha256` is then the SHA-256 of their listing (extracted-folder.ts).
   */
  folder?: { name: string; members: Record<string, string> }
}

/** What a `.part` file needs to resume safely: the URL and the validator of the response that wrote it. */
export interface PartRecord {
  url: string
  validator: string | null
  total: number | null
}

/** The small JSON sidecar of an item folder: the state that file sizes alone cannot tell. */
export interface Manifest {
  version: 1
  id: string
  files: Record<string, InstalledFile>
  parts: Record<string, PartRecord>
  /**
   * Set by the parsers once the item is in our SQLite tables. `files`: the SHA-256 of each file
   * converted, so a file replaced since (a new download or import) makes the item need
   * conversion again. `databases`: the cache files the conversion wrote its rows into, so a change
   * of the files can mark those rows stale there (install/publish-files.ts).
   */
  converted: { at: string; note: string; files?: Record<string, string | null>; databases?: string[] } | null
  lastError: { at: string; message: string } | null
}

/** An empty manifest for an item nothing is known about yet. */
export function emptyManifest(id: string): Manifest {
  return { version: 1, id, files: {}, parts: {}, converted: null, lastError: null }
}

/** Reads the manifest; a missing or unreadable one counts as empty (files are then re-verified, never trusted). */
export async function readManifest(paths: ItemPaths, id: string): Promise<Manifest> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(paths.manifest, 'utf8'))
  } catch {
    return emptyManifest(id)
  }
  const m = json as Partial<Manifest>
  if (typeof json !== 'object' || json === null || m.version !== 1 || m.id !== id) return emptyManifest(id)
  return {
    version: 1,
    id,
    files: isRecord(m.files) ? (m.files as Manifest['files']) : {},
    parts: isRecord(m.parts) ? (m.parts as Manifest['parts']) : {},
    converted: m.converted ?? null,
    lastError: m.lastError ?? null,
  }
}

/** Whether the conversion on record was made from the files installed now. */
export function convertedCurrent(manifest: Manifest): boolean {
  const converted = manifest.converted
  if (!converted) return false
  if (converted.files === undefined) return true
  return Object.entries(converted.files).every(([name, sha256]) => manifest.files[name]?.sha256 === sha256)
}

/** The cache files the conversion on record wrote into; the manifest is a file on disk, so only paths count. */
export function convertedDatabases(manifest: Manifest): string[] {
  const recorded: unknown = manifest.converted?.databases
  return Array.isArray(recorded) ? recorded.filter((d): d is string => typeof d === 'string') : []
}

/** Writes through a temporary file and a rename, so a crash never leaves half a manifest. */
export async function writeManifest(paths: ItemPaths, manifest: Manifest): Promise<void> {
  const temporary = `${paths.manifest}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(manifest, null, 1)}\n`)
  await rename(temporary, paths.manifest)
}

function isRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The manifest entry of a file that passed verification (as its extracted folder when `folder` is given). */
export function readyEntry(check: { size: number; sha256: string; checkedBy: string; folder?: InstalledFile['folder'] }, origin: string): InstalledFile {
  const entry: InstalledFile = { state: 'ready', size: check.size, sha256: check.sha256, checkedBy: check.checkedBy, origin, at: new Date().toISOString(), problem: null }
  if (check.folder) entry.folder = check.folder
  return entry
}

/** The manifest entry of a file that failed verification. */
export function corruptEntry(size: number, problem: string, origin: string): InstalledFile {
  return { state: 'corrupt', size, sha256: null, checkedBy: 'failed verification', origin, at: new Date().toISOString(), problem }
}

/** The manifest's record of each installed file of item `id` (what its verification relied on, its SHA-256). */
export async function installedFiles(dataDir: string, id: string): Promise<Manifest['files']> {
  return (await readManifest(itemPaths(dataDir, id), id)).files
}
