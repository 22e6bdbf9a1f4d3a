import type { CatalogueItem } from '../catalogue.ts'
import { itemPaths } from './layout.ts'
import { acquireLock } from './lock.ts'
import { readManifest, writeManifest } from './manifest.ts'

/**
 * For the parsers: records that the item's files are now in our SQLite tables (status becomes
 * ready), or with `note: null` that they are not any more (status back to needs-conversion).
 */
export async function markConverted(item: CatalogueItem, options: { dataDir: string; note: string | null }): Promise<void> {
  const paths = itemPaths(options.dataDir, item.id)
  const release = await acquireLock(paths, item.id, 'convert')
  try {
    const manifest = await readManifest(paths, item.id)
    manifest.converted = options.note === null ? null : { at: new Date().toISOString(), note: options.note }
    await writeManifest(paths, manifest)
  } finally {
    await release()
  }
}
