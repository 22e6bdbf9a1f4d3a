import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { EpsinasError } from '../../../shared/errors.ts'
import { formatBytes } from '../bytes.ts'
import { itemSize, type CatalogueFile, type CatalogueItem } from '../catalogue.ts'
import { TransferError, downloadFile, type RetryPolicy } from '../download/index.ts'
import { ensureFreeSpace, systemFreeSpace, type FreeSpaceFn } from './disk-space.ts'
import { installedSize } from './extracted-folder.ts'
import { itemPaths, type ItemPaths } from './layout.ts'
import { acquireLock } from './lock.ts'
import { corruptEntry, readManifest, readyEntry, writeManifest, type Manifest } from './manifest.ts'
import { publishFiles } from './publish-files.ts'
import { htmlAdvice, transferFailureMessage } from './messages.ts'
import { itemStatus, sizeOrNull, type ItemStatus } from './status.ts'
import { verifyFile } from './verify-file.ts'

/** Progress over the whole item: bytes of all files to fetch, the current file, rate and ETA. */
export interface ItemProgress {
  file: string
  index: number
  count: number
  bytesDone: number
  bytesTotal: number
  rate: number
  etaSeconds: number | null
}

/** How to download an item. */
export interface DownloadItemOptions {
  dataDir: string
  /** Start with this URL of each file (0 = the official one), then try the others in order, wrapping around. */
  mirror?: number
  signal?: AbortSignal
  retry?: RetryPolicy
  stallTimeoutMs?: number
  /** Injectable for tests only; the system's free space otherwise. */
  freeSpace?: FreeSpaceFn
  onProgress?: (progress: ItemProgress) => void
  /** Told when a file starts downloading or verifying (hashing a large file takes a while). */
  onPhase?: (phase: { file: string; index: number; count: number; phase: 'download' | 'verify' }) => void
}

/** What happened: the files fetched now, those already installed, and the item's status after. */
export interface DownloadItemResult {
  status: ItemStatus
  fetched: string[]
  alreadyPresent: string[]
  /** Rows converted from the older files that could not be marked out of date (install/publish-files.ts). */
  warnings: string[]
}

/**
 * Downloads every file of the item not yet installed: disk space first, then per file a resumable
 * download into `<name>.part`, verification, and an atomic rename. A file failing verification is
 * deleted and recorded as corrupt; nothing unverified is ever published.
 */
export async function downloadItem(item: CatalogueItem, options: DownloadItemOptions): Promise<DownloadItemResult> {
  const urlOrders = item.files.map((file) => orderUrls(item, file, options.mirror))
  const paths = itemPaths(options.dataDir, item.id)
  await mkdir(paths.dir, { recursive: true })
  const release = await acquireLock(paths, item.id, 'download')
  const fetched: string[] = []
  const alreadyPresent: string[] = []
  const warnings: string[] = []
  try {
    const manifest = await readManifest(paths, item.id)
    const todo: Array<{ file: CatalogueFile; urls: string[] }> = []
    for (const [index, file] of item.files.entries()) {
      if (await isInstalled(paths, manifest, file, options)) alreadyPresent.push(file.name)
      else todo.push({ file, urls: urlOrders[index] })
    }
    // Checking what is present may have found a file changed or gone.
    warnings.push(...(await publishFiles(paths, manifest)))
    if (todo.length > 0) {
      const freeSpace = options.freeSpace ?? systemFreeSpace
      const remaining = await Promise.all(todo.map(async ({ file }) => Math.max(0, file.size.bytes - ((await sizeOrNull(paths.part(file.name))) ?? 0))))
      const conversion = item.conversion.needed && !manifest.converted ? Math.max(0, item.disk.bytes - itemSize(item)) : 0
      const download = remaining.reduce((a, b) => a + b, 0)
      const detail = `${item.id} (${formatBytes(download)} to download${conversion > 0 ? ` + ${formatBytes(conversion)} for its conversion` : ''})`
      await ensureFreeSpace(paths.dir, download + conversion, detail, freeSpace)

      const plannedTotal = todo.map(({ file }) => file.size.bytes)
      let finishedBytes = 0
      for (const [index, { file, urls }] of todo.entries()) {
        const later = remaining.slice(index + 1).reduce((a, b) => a + b, 0) + conversion
        options.onPhase?.({ file: file.name, index, count: todo.length, phase: 'download' })
        await fetchFile(item, file, urls, paths, manifest, options, {
          later,
          freeSpace,
          onBytes: (done, total, rate) => {
            if (total !== null) plannedTotal[index] = total
            const bytesTotal = plannedTotal.reduce((a, b) => a + b, 0)
            const bytesDone = finishedBytes + done
            options.onProgress?.({ file: file.name, index, count: todo.length, bytesDone, bytesTotal, rate, etaSeconds: rate > 0 ? Math.max(0, bytesTotal - bytesDone) / rate : null })
          },
        })
        options.onPhase?.({ file: file.name, index, count: todo.length, phase: 'verify' })
        const size = await verifyAndPublish(item, file, paths, manifest, urls[0], warnings, options.signal)
        plannedTotal[index] = size
        finishedBytes += size
        fetched.push(file.name)
      }
      manifest.lastError = null
      await writeManifest(paths, manifest)
    }
  } finally {
    await release()
  }
  return { status: await itemStatus(options.dataDir, item), fetched, alreadyPresent, warnings }
}

/** The file's URLs starting at `mirror`, wrapping around. */
function orderUrls(item: CatalogueItem, file: CatalogueFile, mirror: number | undefined): string[] {
  const urls = file.urls.map((u) => u.url)
  if (mirror === undefined || mirror === 0) return urls
  if (!Number.isInteger(mirror) || mirror < 0 || mirror >= urls.length) {
    throw new EpsinasError('BAD_ARGUMENT', `--mirror ${mirror}: ${file.name} of ${item.id} has ${urls.length} URL${urls.length === 1 ? '' : 's'} (0 to ${urls.length - 1}; see epsinas data info ${item.id})`)
  }
  return [...urls.slice(mirror), ...urls.slice(0, mirror)]
}

/** A file counts as installed when its manifest entry matches; a present but unchecked file is verified now. */
async function isInstalled(paths: ItemPaths, manifest: Manifest, file: CatalogueFile, options: DownloadItemOptions): Promise<boolean> {
  const record = manifest.files[file.name]
  if (record?.folder) {
    // Imported as its extracted folder: installed while intact, else replaced by the archive (one form at a time).
    if (record.state === 'ready' && (await installedSize(paths.file(file.name), record)) === record.size) return true
    await rm(join(paths.dir, record.folder.name), { recursive: true, force: true })
    delete manifest.files[file.name]
    return false
  }
  const size = await sizeOrNull(paths.file(file.name))
  if (size === null) return false
  if (record?.state === 'ready' && record.size === size) return true
  const check = await verifyFile(paths.file(file.name), file, { signal: options.signal })
  if (check.ok) {
    manifest.files[file.name] = readyEntry(check, record?.origin ?? 'found in the item folder')
    return true
  }
  // A corrupt or changed file is replaced by a fresh download.
  await rm(paths.file(file.name), { force: true })
  delete manifest.files[file.name]
  return false
}

async function fetchFile(
  item: CatalogueItem,
  file: CatalogueFile,
  urls: string[],
  paths: ItemPaths,
  manifest: Manifest,
  options: DownloadItemOptions,
  context: { later: number; freeSpace: FreeSpaceFn; onBytes: (done: number, total: number | null, rate: number) => void },
): Promise<void> {
  try {
    await downloadFile({
      urls,
      partPath: paths.part(file.name),
      expectedSize: file.size.exact ? file.size.bytes : null,
      resume: manifest.parts[file.name] ?? null,
      signal: options.signal,
      retry: options.retry,
      stallTimeoutMs: options.stallTimeoutMs,
      onResponse: async (info) => {
        // The catalogue's size may be an estimate: check again once the server tells the real one.
        if (info.total !== null && info.total > file.size.bytes) {
          await ensureFreeSpace(paths.dir, info.total - info.start + context.later, `${item.id} (${file.name} is ${formatBytes(info.total)})`, context.freeSpace)
        }
        manifest.parts[file.name] = { url: info.url, validator: info.validator, total: info.total }
        await writeManifest(paths, manifest)
      },
      onProgress: (p) => context.onBytes(p.bytesDone, p.bytesTotal, p.rate),
    })
  } catch (error) {
    if (error instanceof TransferError) {
      const partKept = ((await sizeOrNull(paths.part(file.name))) ?? 0) > 0
      const message = transferFailureMessage(item, file.name, error.failures, partKept)
      manifest.lastError = { at: new Date().toISOString(), message }
      await writeManifest(paths, manifest)
      throw new EpsinasError('DOWNLOAD_FAILED', message)
    }
    throw error
  }
}

/** Verifies the finished .part; publishes it by rename, or deletes it and records the file as corrupt. */
async function verifyAndPublish(item: CatalogueItem, file: CatalogueFile, paths: ItemPaths, manifest: Manifest, fallbackOrigin: string, warnings: string[], signal?: AbortSignal): Promise<number> {
  const part = paths.part(file.name)
  const origin = manifest.parts[file.name]?.url ?? fallbackOrigin
  const check = await verifyFile(part, file, { signal })
  delete manifest.parts[file.name]
  if (!check.ok) {
    const size = (await sizeOrNull(part)) ?? 0
    // Resuming from bad bytes would only reproduce them: start from zero next time.
    await rm(part, { force: true })
    const message =
      check.problem === 'html'
        ? `${item.id}: ${htmlAdvice(item, origin, null)}`
        : `${item.id}: ${check.message}; nothing was installed (the download from ${origin} was deleted). Run the download again, or try another URL with --mirror N.`
    manifest.files[file.name] = corruptEntry(size, check.message, origin)
    manifest.lastError = { at: new Date().toISOString(), message }
    // The error carries the message; a warning about marking rows stale goes with it.
    const unmarked = await publishFiles(paths, manifest)
    throw new EpsinasError('DOWNLOAD_FAILED', [message, ...unmarked].join('; '))
  }
  await rename(part, paths.file(file.name))
  manifest.files[file.name] = readyEntry(check, origin)
  warnings.push(...(await publishFiles(paths, manifest)))
  return check.size
}
