import { copyFile, constants, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { EpsinasError } from '../../../shared/errors.ts'
import type { CatalogueFile, CatalogueItem, ExtractedFolder } from '../catalogue.ts'
import { ensureFreeSpace, systemFreeSpace, type FreeSpaceFn } from './disk-space.ts'
import { checkExtractedFolder, folderMembers } from './extracted-folder.ts'
import { itemPaths } from './layout.ts'
import { acquireLock } from './lock.ts'
import { readManifest, readyEntry, type InstalledFile } from './manifest.ts'
import { publishFiles } from './publish-files.ts'
import { itemStatus, type ItemStatus } from './status.ts'
import { verifyFile } from './verify-file.ts'

/** How a file gets into the data folder: a hard link (no copy, same disk only) or a copy. */
export type ImportMode = 'auto' | 'link' | 'copy'

/** How to import. */
export interface ImportItemOptions {
  dataDir: string
  /** auto: hard link when possible, else copy. */
  mode?: ImportMode
  signal?: AbortSignal
  freeSpace?: FreeSpaceFn
}

/** One imported file: where from, how, and what its verification did and did not check. */
export interface ImportedFile {
  name: string
  from: string
  how: 'link' | 'copy'
  /** Set when the file was imported as its archive's extracted folder. */
  folder: { name: string; files: number } | null
  /** True only when a published checksum matched. */
  checksumVerified: boolean
  checkedBy: string
}

/** What was imported, how, and which of the item's files are still missing. */
export interface ImportItemResult {
  status: ItemStatus
  imported: ImportedFile[]
  missing: string[]
  /** Rows converted from the older files that could not be marked out of date (install/publish-files.ts). */
  warnings: string[]
}

/**
 * Imports files the user already has: a single file, or a folder searched (a few levels deep) for
 * the item's file names, or for the folder an archive extracts to (catalogue `extracted`, e.g.
 * NATS-Bench's NATS-tss-v1_0-3ffb9-simple/ in $TORCH_HOME). Every source is verified like a
 * download before anything is published (a folder by its layout, with each member's SHA-256
 * recorded: no published checksum covers a folder); if one fails, nothing is imported.
 */
export async function importItem(item: CatalogueItem, source: string, options: ImportItemOptions): Promise<ImportItemResult> {
  const found = await locateSources(item, source)
  const problems: string[] = []
  const checks: Array<{ file: CatalogueFile; path: string; check: VerifiedSource }> = []
  for (const { file, path, kind } of found) {
    if (kind === 'folder') {
      const check = await checkExtractedFolder(path, file, { signal: options.signal })
      if (check.ok) checks.push({ file, path, check })
      else problems.push(check.message)
    } else {
      const check = await verifyFile(path, file, { signal: options.signal })
      if (check.ok) checks.push({ file, path, check: { ...check, folder: undefined } })
      else problems.push(`${path}: ${check.message}`)
    }
  }
  if (problems.length > 0) throw new EpsinasError('BAD_FILE', `nothing was imported into ${item.id}:\n  ${problems.join('\n  ')}`)

  const paths = itemPaths(options.dataDir, item.id)
  await mkdir(paths.dir, { recursive: true })
  const release = await acquireLock(paths, item.id, 'import')
  const imported: ImportedFile[] = []
  let warnings: string[] = []
  try {
    const manifest = await readManifest(paths, item.id)
    const place = (from: string, to: string, size: number): Promise<'link' | 'copy'> => placeFile(from, to, options.mode ?? 'auto', size, options.freeSpace ?? systemFreeSpace)
    for (const { file, path, check } of checks) {
      // Through a .part name, so the final name only ever holds a complete file or folder.
      const folder = check.folder
      const target = folder ? join(paths.dir, folder.name) : paths.file(file.name)
      const part = folder ? `${target}.part` : paths.part(file.name)
      await rm(part, { recursive: true, force: true })
      let how: 'link' | 'copy' = 'link'
      if (folder) {
        await mkdir(part)
        try {
          for (const name of Object.keys(folder.members)) {
            if ((await place(join(path, name), join(part, name), (await stat(join(path, name))).size)) === 'copy') how = 'copy'
          }
        } catch (error) {
          // A full disk or an unreadable member: leave no half-placed folder behind.
          await rm(part, { recursive: true, force: true })
          throw error
        }
      } else how = await place(path, part, check.size)
      // One installed form per file: the archive or its extracted folder, never a stale other one.
      const previous = manifest.files[file.name]?.folder
      if (previous) await rm(join(paths.dir, previous.name), { recursive: true, force: true })
      if (folder) await rm(paths.file(file.name), { force: true })
      await rm(target, { recursive: true, force: true })
      await rename(part, target)
      manifest.files[file.name] = readyEntry(check, `import ${path}`)
      delete manifest.parts[file.name]
      imported.push({
        name: file.name,
        from: path,
        how,
        folder: folder ? { name: folder.name, files: Object.keys(folder.members).length } : null,
        checksumVerified: !folder && file.checksum !== null,
        checkedBy: check.checkedBy,
      })
    }
    manifest.lastError = null
    warnings = await publishFiles(paths, manifest)
  } finally {
    await release()
  }
  const status = await itemStatus(options.dataDir, item)
  return { status, imported, missing: status.files.filter((f) => f.state !== 'ready').map((f) => f.name), warnings }
}

/** Errors meaning "no hard link here" (another disk, a file system without links): copy instead. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'EACCES', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS'])

async function placeFile(source: string, target: string, mode: ImportMode, size: number, freeSpace: FreeSpaceFn): Promise<'link' | 'copy'> {
  if (mode !== 'copy') {
    try {
      await link(source, target)
      return 'link'
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? ''
      if (mode === 'link' || !NO_LINK.has(code)) throw new EpsinasError('BAD_FILE', `cannot hard-link ${source}: ${code || String(error)}`)
    }
  }
  await ensureFreeSpace(target, size, `copying ${basename(source)}`, freeSpace)
  try {
    // FICLONE: a copy-on-write clone where the file system supports it, a plain copy elsewhere.
    await copyFile(source, target, constants.COPYFILE_FICLONE)
  } catch (error) {
    await rm(target, { force: true })
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    if (code === 'ENOSPC') throw new EpsinasError('NO_SPACE', `the disk is full while copying ${source}`)
    throw new EpsinasError('BAD_FILE', `cannot copy ${source}: ${code}`)
  }
  return 'copy'
}

/** A verified source: a file's check, or a folder's (with its members' hashes). */
type VerifiedSource = { size: number; sha256: string; checkedBy: string; folder: NonNullable<InstalledFile['folder']> | undefined }

/** Where one item file comes from: the file itself, or the folder its archive extracts to. */
interface LocatedSource {
  file: CatalogueFile
  path: string
  kind: 'file' | 'folder'
}

/** Maps the source to item files: a file by name (or the only file), a folder by searching it. */
async function locateSources(item: CatalogueItem, source: string): Promise<LocatedSource[]> {
  let info
  try {
    info = await stat(source)
  } catch (error) {
    throw new EpsinasError('BAD_ARGUMENT', `cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  const names = item.files.map((f) => f.name).join(', ')
  if (info.isFile()) {
    if (item.files.length === 1) return [{ file: item.files[0], path: source, kind: 'file' }]
    const file = item.files.find((f) => f.name === basename(source))
    if (!file) throw new EpsinasError('BAD_ARGUMENT', `${source} is not one of the files of ${item.id} (${names}); give the file under one of these names, or the folder that holds them`)
    return [{ file, path: source, kind: 'file' }]
  }
  if (!info.isDirectory()) throw new EpsinasError('BAD_ARGUMENT', `${source} is neither a file nor a folder`)
  const found = await searchFolder(source, new Set(item.files.map((f) => f.name)))
  const sources: LocatedSource[] = []
  for (const file of item.files) {
    const path = found.get(file.name)
    // The archive itself when it is there (it may have a checksum); else the folder it extracts to.
    if (path !== undefined) sources.push({ file, path, kind: 'file' })
    else if (file.extracted) {
      const folder = await findExtractedFolder(source, file.extracted)
      if (folder !== null) sources.push({ file, path: folder, kind: 'folder' })
    }
  }
  if (sources.length === 0) {
    const folders = item.files.flatMap((f) => (f.extracted ? [`${f.extracted.folder}/`] : []))
    const alternatives = folders.length > 0 ? ` or their extracted folders (${folders.join(', ')})` : ''
    throw new EpsinasError('BAD_ARGUMENT', `${source} holds none of the files of ${item.id} (${names})${alternatives}, searched 3 folder levels deep`)
  }
  return sources
}

/**
 * The extracted folder of an archive inside `source`: `source` itself when it is that folder (by
 * name, or because it holds the required files), else the shallowest folder of that name below it.
 */
async function findExtractedFolder(source: string, extracted: ExtractedFolder): Promise<string | null> {
  if (basename(source) === extracted.folder) return source
  const names = await folderMembers(source, extracted).catch((): string[] => [])
  if (extracted.required.length > 0 && extracted.required.every((name) => names.includes(name))) return source
  return (await searchFolder(source, new Set([extracted.folder]), 'folder')).get(extracted.folder) ?? null
}

const MAX_DEPTH = 3
// A folder with the extracted NATS archive has 15,626 files: stop looking long before a home directory's worth.
const MAX_ENTRIES = 50_000

/** Breadth-first search for files (or folders) of the wanted names; the shallowest match wins. */
async function searchFolder(root: string, wanted: ReadonlySet<string>, kind: 'file' | 'folder' = 'file'): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  let level = [root]
  let seen = 0
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0 && seen < MAX_ENTRIES; depth += 1) {
    const next: string[] = []
    for (const dir of level) {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
      for (const entry of entries) {
        seen += 1
        const path = join(dir, entry.name)
        if (entry.isDirectory()) {
          if (kind === 'folder' && wanted.has(entry.name) && !found.has(entry.name)) found.set(entry.name, path)
          next.push(path)
        } else if (kind === 'file' && wanted.has(entry.name) && !found.has(entry.name) && (entry.isFile() || (await stat(path).catch(() => null))?.isFile())) found.set(entry.name, path)
      }
    }
    level = next
  }
  return found
}
