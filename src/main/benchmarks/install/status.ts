import { stat } from 'node:fs/promises'
import type { CatalogueItem } from '../catalogue.ts'
import { installedSize } from './extracted-folder.ts'
import { itemPaths } from './layout.ts'
import { readLockHolder, type LockHolder } from './lock.ts'
import { convertedCurrent, readManifest, type Manifest } from './manifest.ts'

/** Where an item stands on this machine. */
export type ItemState = 'missing' | 'downloading' | 'partial' | 'corrupt' | 'needs-conversion' | 'ready'

/** Where one file stands: `unverified` is present but never checked (e.g. copied in by hand). */
export type FileState = 'missing' | 'partial' | 'unverified' | 'corrupt' | 'ready'

/** One file's state and size on disk. */
export interface FileStatus {
  name: string
  state: FileState
  /** Bytes on disk (the .part file's while partial). */
  bytes: number
  /** The catalogue's size (an estimate unless exact). */
  expected: number
  problem: string | null
}

/** The item's state, its files, and what to tell the user. */
export interface ItemStatus {
  id: string
  state: ItemState
  files: FileStatus[]
  bytesPresent: number
  bytesTotal: number
  problem: string | null
  /** The live process holding the item's lock, if any. */
  holder: LockHolder | null
}

/** Reads the item's folder and manifest (no hashing: `verify` does that). */
export async function itemStatus(dataDir: string, item: CatalogueItem): Promise<ItemStatus> {
  const paths = itemPaths(dataDir, item.id)
  const manifest = await readManifest(paths, item.id)
  const holder = await readLockHolder(paths)
  const files: FileStatus[] = []
  for (const file of item.files) files.push(await fileStatus(manifest, file.name, file.size.bytes, paths.file(file.name), paths.part(file.name)))
  const states = new Set(files.map((f) => f.state))
  let state: ItemState
  if (holder?.action === 'download') state = 'downloading'
  else if (files.every((f) => f.state === 'ready')) state = item.conversion.needed && !convertedCurrent(manifest) ? 'needs-conversion' : 'ready'
  else if (states.has('corrupt')) state = 'corrupt'
  else if (files.some((f) => f.state !== 'missing')) state = 'partial'
  else state = 'missing'
  const problem = files.find((f) => f.problem)?.problem ?? (state === 'ready' || state === 'needs-conversion' ? null : (manifest.lastError?.message ?? null))
  return {
    id: item.id,
    state,
    files,
    bytesPresent: files.reduce((sum, f) => sum + f.bytes, 0),
    bytesTotal: files.reduce((sum, f) => sum + (f.state === 'ready' ? f.bytes : f.expected), 0),
    problem,
    holder,
  }
}

async function fileStatus(manifest: Manifest, name: string, expected: number, finalPath: string, partPath: string): Promise<FileStatus> {
  const record = manifest.files[name]
  // A file imported as its archive's extracted folder is measured by that folder's members.
  const finalSize = await installedSize(finalPath, record)
  if (finalSize !== null) {
    if (record?.state === 'ready' && record.size === finalSize) return { name, state: 'ready', bytes: finalSize, expected, problem: null }
    if (record?.state === 'corrupt') return { name, state: 'corrupt', bytes: finalSize, expected, problem: record.problem }
    // Present but never checked, or changed since: only `verify` may call it ready.
    return { name, state: 'unverified', bytes: finalSize, expected, problem: `${name} has not been verified (epsinas data verify ${manifest.id})` }
  }
  const partSize = await sizeOrNull(partPath)
  if (partSize !== null) return { name, state: 'partial', bytes: partSize, expected, problem: null }
  if (record?.state === 'corrupt') return { name, state: 'corrupt', bytes: 0, expected, problem: record.problem }
  return { name, state: 'missing', bytes: 0, expected, problem: null }
}

/** The file's size, or null when it does not exist. */
export async function sizeOrNull(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size
  } catch {
    return null
  }
}
