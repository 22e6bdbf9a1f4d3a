import type { CatalogueItem } from '../catalogue.ts'
import type { ImportedFile } from './import-item.ts'
import { installedFiles } from './manifest.ts'

/**
 * One line per downloaded file saying what was and was not verified: "downloaded and verified X:
 * MD5 ... (from ...)" only when a published checksum matched, else "downloaded X, NOT verified by
 * a checksum (why); checked only: ..." (the manifest's checkedBy, install/verify-file.ts).
 */
export async function downloadedLines(dataDir: string, item: CatalogueItem, fetched: readonly string[]): Promise<string[]> {
  const records = await installedFiles(dataDir, item.id)
  return item.files
    .filter((file) => fetched.includes(file.name))
    .map((file) => {
      const record = records[file.name]
      const checkedBy = record?.checkedBy ?? 'verification not recorded'
      return file.checksum !== null && !record?.folder ? `downloaded and verified ${file.name}: ${checkedBy}` : `downloaded ${file.name}, ${checkedBy}`
    })
}

/** "imported X (hard link of P), verified by ..." or "..., NOT verified by a checksum (...)"; a folder says it is one. */
export function importedLine(imported: ImportedFile): string {
  const how = imported.folder
    ? ` as its extracted folder ${imported.folder.name}/ (${imported.folder.files} files, ${imported.how === 'link' ? 'hard links' : 'copies'} from ${imported.from})`
    : ` (${imported.how === 'link' ? 'hard link' : 'copy'} of ${imported.from})`
  return `imported ${imported.name}${how}${imported.checksumVerified ? `, verified by ${imported.checkedBy}` : `, ${imported.checkedBy}`}`
}
