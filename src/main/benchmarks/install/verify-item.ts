import type { CatalogueFile, CatalogueItem } from '../catalogue.ts'
import { checkExtractedFolder, folderChanges, installedPath } from './extracted-folder.ts'
import { itemPaths } from './layout.ts'
import { acquireLock } from './lock.ts'
import { corruptEntry, readManifest, readyEntry, type InstalledFile, type Manifest } from './manifest.ts'
import { publishFiles } from './publish-files.ts'
import { itemStatus, sizeOrNull, type ItemStatus } from './status.ts'
import { verifyFile } from './verify-file.ts'

/** The verdict per present file, and the item's status after. */
export interface VerifyItemResult {
  status: ItemStatus
  checked: Array<{ name: string; ok: boolean; detail: string }>
  /** Rows converted from the older files that could not be marked out of date (install/publish-files.ts). */
  warnings: string[]
}

/**
 * Re-checks every installed file against the catalogue (size, format, checksum) and, for files
 * without a published checksum, against the SHA-256 recorded when it was installed.
 */
export async function verifyItem(item: CatalogueItem, options: { dataDir: string; signal?: AbortSignal; onFile?: (name: string) => void }): Promise<VerifyItemResult> {
  const paths = itemPaths(options.dataDir, item.id)
  const checked: VerifyItemResult['checked'] = []
  if ((await sizeOrNull(paths.dir)) === null) return { status: await itemStatus(options.dataDir, item), checked, warnings: [] }
  const release = await acquireLock(paths, item.id, 'verify')
  let warnings: string[] = []
  try {
    const manifest = await readManifest(paths, item.id)
    for (const file of item.files) {
      const record = manifest.files[file.name]
      const path = installedPath(paths, file.name, record)
      const size = await sizeOrNull(path)
      if (size === null) continue
      options.onFile?.(file.name)
      const origin = record?.origin ?? 'found in the item folder'
      if (record?.folder) {
        checked.push(await verifyFolder(path, file, record, manifest, options.signal))
        continue
      }
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
    // A file found changed or corrupt leaves the conversion on record out of date.
    warnings = await publishFiles(paths, manifest)
  } finally {
    await release()
  }
  return { status: await itemStatus(options.dataDir, item), checked, warnings }
}

/**
 * An item file installed as its extracted folder: the layout again, and every member against the
 * SHA-256 recorded at install time (no published checksum covers a folder). Updates the manifest.
 */
async function verifyFolder(path: string, file: CatalogueFile, record: InstalledFile, manifest: Manifest, signal?: AbortSignal): Promise<VerifyItemResult['checked'][number]> {
  const check = await checkExtractedFolder(path, file, { signal })
  const changes = check.ok ? folderChanges(record.folder?.members ?? {}, check.folder.members) : ''
  if (check.ok && changes === '') {
    manifest.files[file.name] = readyEntry(check, record.origin)
    return { name: file.name, ok: true, detail: `extracted folder ${check.folder.name}/, ${Object.keys(check.folder.members).length} files: ${check.checkedBy}` }
  }
  const problem = check.ok ? `the extracted folder ${check.folder.name}/: ${changes}` : check.message
  // Keep the recorded hashes: they stay the reference until the folder is imported again.
  manifest.files[file.name] = { ...corruptEntry(record.size, problem, record.origin), folder: record.folder }
  return { name: file.name, ok: false, detail: problem }
}
