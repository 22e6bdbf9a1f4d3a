import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { CatalogueItem } from '../catalogue.ts'
import { itemPaths } from './layout.ts'
import { acquireLock } from './lock.ts'

/** Whether anything was there, and how much disk it gave back. */
export interface RemoveItemResult {
  removed: boolean
  bytesFreed: number
}

/**
 * Deletes the item's folder: its files, partial downloads and manifest (BUSY while another process
 * downloads it). Files imported by hard link stay wherever the user keeps the originals.
 */
export async function removeItem(item: CatalogueItem, options: { dataDir: string }): Promise<RemoveItemResult> {
  const paths = itemPaths(options.dataDir, item.id)
  const exists = await stat(paths.dir).then(() => true, () => false)
  if (!exists) return { removed: false, bytesFreed: 0 }
  // Holding the lock keeps a download from starting while the folder goes away.
  const release = await acquireLock(paths, item.id, 'remove')
  let bytesFreed = 0
  try {
    bytesFreed = (await folderSize(paths.dir)) - ((await stat(paths.lock).catch(() => null))?.size ?? 0)
    await rm(paths.dir, { recursive: true, force: true })
  } finally {
    await release()
  }
  return { removed: true, bytesFreed }
}

async function folderSize(dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += await folderSize(path)
    else if (entry.isFile()) total += (await stat(path)).size
  }
  return total
}
