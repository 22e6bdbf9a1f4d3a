import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { EpsinasError } from '../../../shared/errors.ts'
import { setImportsStale, openBenchmarkStore } from '../../store/benchmarks.ts'
import type { ItemPaths } from './layout.ts'
import { convertedCurrent, convertedDatabases, writeManifest, type Manifest } from './manifest.ts'

/**
 * Writes the manifest after the item's files changed (a download, import or verification published
 * or failed a file). When the files no longer match the conversion on record, the status says
 * needs-conversion; so that the queries agree, the rows that conversion wrote are marked stale in
 * each cache file it recorded, before the manifest says so. When they match it again (the converted
 * file put back), the status says ready and the mark is cleared. A conversion of new files clears
 * it too. A cache file that is gone holds no rows to mark; one that cannot be opened or written
 * never fails the caller, whose files are already in place: it gets one line saying so instead.
 */
export async function publishFiles(paths: ItemPaths, manifest: Manifest): Promise<string[]> {
  const warnings: string[] = []
  const databases = convertedDatabases(manifest)
  if (databases.length > 0) {
    const reason = convertedCurrent(manifest)
      ? null
      : `they come from older files of ${manifest.id}, changed since they were converted (${new Date().toISOString()}); run epsinas data convert ${manifest.id}`
    for (const database of databases) {
      if (!existsSync(database)) continue
      try {
        const store = openBenchmarkStore(database)
        try {
          setImportsStale(store, [paths.dir, resolve(paths.dir)], reason)
        } finally {
          store.close()
        }
      } catch (error) {
        const why = error instanceof EpsinasError ? error.message : String(error)
        const effect = reason === null ? 'marked current again, so queries there refuse them' : 'marked out of date, so queries there may still read its older files'
        warnings.push(`the rows of ${manifest.id} in ${database} could not be ${effect} until epsinas data convert ${manifest.id}: ${why}`)
      }
    }
  }
  await writeManifest(paths, manifest)
  return warnings
}
