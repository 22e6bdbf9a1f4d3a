import { resolve } from 'node:path'
import { EpsinasError } from '../../../shared/errors.ts'
import { setImportsStale, openBenchmarkStore, recordImportItem } from '../../store/benchmarks.ts'
import type { CatalogueItem } from '../catalogue.ts'
import { RateMeter } from '../download/rate-meter.ts'
import { installedPath } from '../install/extracted-folder.ts'
import { itemPaths } from '../install/layout.ts'
import { acquireLock } from '../install/lock.ts'
import { convertedDatabases, readManifest, writeManifest } from '../install/manifest.ts'
import { itemStatus, type ItemStatus } from '../install/status.ts'
import type { ImportProgress } from '../parsers/progress.ts'
import { CONVERTERS } from './converters.ts'

/** Progress of a conversion: the parser's, plus which file and the rate and ETA over source bytes. */
export interface ConvertProgress extends ImportProgress {
  file: string
  index: number
  count: number
  /** Source bytes per second (0 while unknown, e.g. inside a zip). */
  rate: number
  etaSeconds: number | null
}

/** How to convert an item. */
export interface ConvertItemOptions {
  dataDir: string
  /** The SQLite file the benchmark tables live in (the score cache, so `stats` finds them). */
  database: string
  /** Stops between records; the tables are left as they were. */
  signal?: AbortSignal
  onProgress?: (progress: ConvertProgress) => void
}

/** One file's import: the benchmark name it is stored under and how many rows it wrote. */
export interface ConvertedFile {
  file: string
  benchmark: string
  items: number
  records: number
}

/** What a conversion did, and the item's status after it (ready). */
export interface ConvertItemResult {
  converted: ConvertedFile[]
  database: string
  status: ItemStatus
}

/**
 * Runs the item's parser (catalogue `conversion.parser`) over each of its verified files into the
 * benchmark tables of `database`, then marks the item converted. Each import stages its rows and
 * replaces the benchmark's tables in one transaction, so a broken file, an error or a cancel
 * leaves them exactly as they were; when they came from files the item no longer has (status
 * needs-conversion), they are marked stale first, so queries refuse them until a conversion
 * succeeds. Holds the item's lock, so a download or remove cannot swap the files underneath.
 */
export async function convertItem(item: CatalogueItem, options: ConvertItemOptions): Promise<ConvertItemResult> {
  const parser = item.conversion.parser
  if (!item.conversion.needed || parser === undefined) {
    throw new EpsinasError('BAD_ARGUMENT', `${item.id} needs no conversion: ${item.conversion.into}`)
  }
  const before = await itemStatus(options.dataDir, item)
  if (before.state !== 'needs-conversion' && before.state !== 'ready') throw notInstalled(item, before)
  const paths = itemPaths(options.dataDir, item.id)
  const release = await acquireLock(paths, item.id, 'convert')
  const converted: ConvertedFile[] = []
  try {
    const store = openBenchmarkStore(options.database)
    try {
      if (before.state === 'needs-conversion') {
        // The files changed since the rows were converted (the status says so): until this
        // conversion succeeds, the old rows must be refused rather than read as current. Marked
        // before any import, so a failure, a cancel or a killed process all leave the mark.
        const reason = `they come from older files of ${item.id}, and converting its newer files did not finish (started ${new Date().toISOString()}); run epsinas data convert ${item.id}`
        setImportsStale(store, [paths.dir, resolve(paths.dir)], reason)
      }
      for (const [index, file] of item.files.entries()) {
        const meter = new RateMeter()
        const report = (progress: ImportProgress): void => {
          meter.record(progress.bytesRead)
          options.onProgress?.({ ...progress, file: file.name, index, count: item.files.length, rate: meter.rate(), etaSeconds: meter.eta(progress.bytesRead, progress.totalBytes) })
        }
        // The parsers read an archive or its extracted folder alike (install/extracted-folder.ts).
        const source = installedPath(paths, file.name, (await readManifest(paths, item.id)).files[file.name])
        const result = await CONVERTERS[parser](store, source, item, report, { signal: options.signal })
        recordImportItem(store, result.benchmark, item.id)
        converted.push({ file: file.name, benchmark: result.benchmark, items: result.items, records: result.records })
      }
    } finally {
      store.close()
    }
    const manifest = await readManifest(paths, item.id)
    const summary = converted.map((c) => `${c.benchmark}: ${c.items} rows`).join(', ')
    const files = Object.fromEntries(item.files.map((f) => [f.name, manifest.files[f.name]?.sha256 ?? null]))
    // Every cache file holding rows of this item, so a later change of its files marks them all stale.
    const databases = [...new Set([...convertedDatabases(manifest), resolve(options.database)])]
    manifest.converted = { at: new Date().toISOString(), note: `${summary} in ${options.database}`, files, databases }
    await writeManifest(paths, manifest)
  } finally {
    await release()
  }
  return { converted, database: options.database, status: await itemStatus(options.dataDir, item) }
}

/** Why an item cannot be converted yet, with the command that fixes it. */
function notInstalled(item: CatalogueItem, status: ItemStatus): EpsinasError {
  if (status.state === 'downloading') return new EpsinasError('BUSY', `${item.id} is being downloaded by process ${status.holder?.pid}; convert it when that finishes`)
  const unverified = status.files.some((f) => f.state === 'unverified')
  const next = unverified ? `epsinas data verify ${item.id}` : `epsinas data download ${item.id} (or epsinas data import ${item.id} PATH)`
  return new EpsinasError('BAD_ARGUMENT', `${item.id} is ${status.state}, not installed and verified; first run ${next}`)
}
