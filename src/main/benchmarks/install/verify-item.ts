import type { CatalogueItem } from '../catalogue.ts'
import { itemPaths } from './layout.ts'
import { acquireLock } from './lock.ts'
import { corruptEntry, readManifest, readyEntry, writeManifest } from './manifest.ts'
import { itemStatus, sizeOrNull, type ItemStatus } from './status.ts'
import { verifyFile } from './verify-file.ts'

/** The verdict per present file, and the item's status after. */
export interface VerifyItemResult {
  status: ItemStatus
  checked: Array<{ name: string; ok: boolean; detail: string }>
}

/**
 * Re-checks every installed file against the catalogue (size, format, checksum) and, for files
 * without a published checksum, against the SHA-256 recorded when it was installed.
 */
export async function verifyItem(item: CatalogueItem, options: { dataDir: string; signal?: AbortSignal; onFile?: (name: string) => void }): Promise<VerifyItemResult> {
  const paths = itemPaths(options.dataDir, item.id)
  const checked: VerifyItemResult['checked'] = []
  if ((await sizeOrNull(paths.dir)) === null) return { status: await itemStatus(options.dataDir, item), checked }
  const release = await acquireLock(paths, item.id, 'verify')
  try {
    const manifest = await readManifest(paths, item.id)
    for (const file of item.files) {
      const path = paths.file(file.name)
      const size = await sizeOrNull(path)
      if (size === null) continue
      options.onFile?.(file.name)
      const record = manifest.files[file.name]
      const origin = record?.origin ?? 'found in the item folder'
      const check = await verifyFile(path, file, { signal: options.signal })
      // Without a published checksum, the hash taken at install time is the reference.
      const changed = check.ok && file.checksum === null && record?.state === 'ready' && record.sha256 !== null && record.sha256 !== check.sha256
      if (check.ok && !changed) {
        manifest.files[file.name] = readyEntry(check, origin)
        checked.push({ name: file.name, ok: true, detail: check.checkedBy })
      } else {
        const problem = check.ok ? `${file.name} changed since it was installed (SHA-256 ${check.sha256}, was ${record?.sha256})` : check.message
        manifest.files[file.name] = corruptEntry(size, problem, origin)
        checked.push({ name: file.name, ok: false, detail: problem })
      }
    }
    await writeManifest(paths, manifest)
  } finally {
    await release()
  }
  return { status: await itemStatus(options.dataDir, item), checked }
}
