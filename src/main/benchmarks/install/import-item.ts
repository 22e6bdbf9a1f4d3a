import { copyFile, constants, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { EpsinasError } from '../../../shared/errors.ts'
import type { CatalogueFile, CatalogueItem } from '../catalogue.ts'
import { ensureFreeSpace, systemFreeSpace, type FreeSpaceFn } from './disk-space.ts'
import { itemPaths } from './layout.ts'
import { acquireLock } from './lock.ts'
import { readManifest, readyEntry, writeManifest } from './manifest.ts'
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

/** What was imported, how, and which of the item's files are still missing. */
export interface ImportItemResult {
  status: ItemStatus
  imported: Array<{ name: string; from: string; how: 'link' | 'copy' }>
  missing: string[]
}

/**
 * Imports files the user already has: a single file, or a folder searched (a few levels deep) for
 * the item's file names. Every source is verified like a download before anything is published;
 * if one fails, nothing is imported.
 */
export async function importItem(item: CatalogueItem, source: string, options: ImportItemOptions): Promise<ImportItemResult> {
  const found = await locateSources(item, source)
  const problems: string[] = []
  const checks = []
  for (const { file, path } of found) {
    const check = await verifyFile(path, file, { signal: options.signal })
    if (check.ok) checks.push({ file, path, check })
    else problems.push(`${path}: ${check.message}`)
  }
  if (problems.length > 0) throw new EpsinasError('BAD_FILE', `nothing was imported into ${item.id}:\n  ${problems.join('\n  ')}`)

  const paths = itemPaths(options.dataDir, item.id)
  await mkdir(paths.dir, { recursive: true })
  const release = await acquireLock(paths, item.id, 'import')
  const imported: ImportItemResult['imported'] = []
  try {
    const manifest = await readManifest(paths, item.id)
    for (const { file, path, check } of checks) {
      // Through the .part name, so the final name only ever holds a complete file.
      const part = paths.part(file.name)
      await rm(part, { force: true })
      const how = await placeFile(path, part, options.mode ?? 'auto', check.size, options.freeSpace ?? systemFreeSpace)
      await rename(part, paths.file(file.name))
      manifest.files[file.name] = readyEntry(check, `import ${path}`)
      delete manifest.parts[file.name]
      imported.push({ name: file.name, from: path, how })
    }
    manifest.lastError = null
    await writeManifest(paths, manifest)
  } finally {
    await release()
  }
  const status = await itemStatus(options.dataDir, item)
  return { status, imported, missing: status.files.filter((f) => f.state !== 'ready').map((f) => f.name) }
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

/** Maps the source to item files: a file by name (or the only file), a folder by searching it. */
async function locateSources(item: CatalogueItem, source: string): Promise<Array<{ file: CatalogueFile; path: string }>> {
  let info
  try {
    info = await stat(source)
  } catch (error) {
    throw new EpsinasError('BAD_ARGUMENT', `cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  const names = item.files.map((f) => f.name).join(', ')
  if (info.isFile()) {
    if (item.files.length === 1) return [{ file: item.files[0], path: source }]
    const file = item.files.find((f) => f.name === basename(source))
    if (!file) throw new EpsinasError('BAD_ARGUMENT', `${source} is not one of the files of ${item.id} (${names}); give the file under one of these names, or the folder that holds them`)
    return [{ file, path: source }]
  }
  if (!info.isDirectory()) throw new EpsinasError('BAD_ARGUMENT', `${source} is neither a file nor a folder`)
  const found = await searchFolder(source, new Set(item.files.map((f) => f.name)))
  const sources = item.files.filter((f) => found.has(f.name)).map((file) => ({ file, path: found.get(file.name) as string }))
  if (sources.length === 0) throw new EpsinasError('BAD_ARGUMENT', `${source} holds none of the files of ${item.id} (${names}), searched 3 folder levels deep`)
  return sources
}

const MAX_DEPTH = 3
// A folder with the extracted NATS archive has 15,626 files: stop looking long before a home directory's worth.
const MAX_ENTRIES = 50_000

/** Breadth-first search for the wanted names; the shallowest match wins. */
async function searchFolder(root: string, wanted: ReadonlySet<string>): Promise<Map<string, string>> {
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
        if (entry.isDirectory()) next.push(path)
        else if (wanted.has(entry.name) && !found.has(entry.name) && (entry.isFile() || (await stat(path).catch(() => null))?.isFile())) found.set(entry.name, path)
      }
    }
    level = next
  }
  return found
}
