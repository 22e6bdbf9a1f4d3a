import { open, stat, truncate } from 'node:fs/promises'
import { EpsinasError } from '../../../shared/errors.ts'
import { htmlTitle, isHtmlContentType, looksLikeHtml } from './html.ts'
import { openAttempt, type AttemptFailure } from './http-attempt.ts'
import { RateMeter } from './rate-meter.ts'
import { DEFAULT_RETRY, backoffDelay, sleep, type RetryPolicy } from './retry.ts'

/** Progress of one file: bytes on disk so far, the total when known, the current rate and ETA. */
export interface TransferProgress {
  url: string
  bytesDone: number
  bytesTotal: number | null
  /** Bytes per second over the last few seconds. */
  rate: number
  etaSeconds: number | null
}

/** A response is about to be written: where it starts, the full size and the validator to resume with. */
export interface ResponseInfo {
  url: string
  start: number
  total: number | null
  validator: string | null
}

/** Why one URL gave up; `html` is set when the host sent a web page instead of the file. */
export interface UrlFailure {
  url: string
  reason: string
  html: { title: string | null } | null
  /** The server answered Range requests with the whole file, so a kept .part cannot be resumed from it. */
  ignoresRange?: boolean
}

/** Every URL failed; the failures say why, one per URL (the last attempt's reason). */
export class TransferError extends EpsinasError {
  readonly failures: UrlFailure[]

  constructor(failures: UrlFailure[]) {
    super('DOWNLOAD_FAILED', `download failed: ${failures.map((f) => `${f.url}: ${f.reason}`).join('; ')}`)
    this.failures = failures
  }
}

/** What to fetch, where to, and how to behave. */
export interface DownloadFileOptions {
  /** In the order to try them. */
  urls: readonly string[]
  /** The partial file: appended to when the server honours Range, rewritten when it does not. */
  partPath: string
  /** The exact size when published (a part of this size is complete; a longer one is restarted). */
  expectedSize: number | null
  /** Validator remembered from the response that wrote the partial bytes. */
  resume?: { url: string; validator: string | null } | null
  signal?: AbortSignal
  retry?: RetryPolicy
  /** No byte for this long aborts the attempt (counted as a transient failure). */
  stallTimeoutMs?: number
  /** Called before a response is written; may throw (e.g. too little disk for the real size) to stop everything. */
  onResponse?: (info: ResponseInfo) => void | Promise<void>
  onProgress?: (progress: TransferProgress) => void
  /** How often progress is reported at most. */
  progressIntervalMs?: number
}

/** Where the file finally came from. */
export interface DownloadFileResult {
  url: string
  bytes: number
  validator: string | null
}

/**
 * Outcome of one request: finished, or failed. `received`: bytes this answer wrote before it failed;
 * `fromZero`: the server answered a Range request with the whole file (200), rewriting the .part from byte 0.
 */
type Attempt =
  | { kind: 'done'; bytes: number; validator: string | null }
  | (Omit<AttemptFailure, 'restart'> & { received: number; fromZero: boolean; html: UrlFailure['html'] })

/**
 * Downloads into `partPath`, resuming what is there, retrying each URL with backoff and falling back
 * to the next URL. Aborting the signal stops at once and keeps the partial file for a later call
 * (CANCELLED). Nothing is verified or published here: that is the caller's job.
 */
export async function downloadFile(options: DownloadFileOptions): Promise<DownloadFileResult> {
  const policy = options.retry ?? DEFAULT_RETRY
  const failures: UrlFailure[] = []
  for (const url of options.urls) {
    let failed = 0
    // The most bytes the .part has held with this URL. Progress is a .part longer than ever before, not
    // bytes received: a server that ignores Range restarts at byte 0 and may break at the same place forever.
    let kept = await sizeOf(options.partPath)
    // What the failed attempts since the last progress received in vain, to say why the URL was given up.
    let wasted = { bytes: 0, fromZero: false }
    for (;;) {
      throwIfCancelled(options.signal)
      let offset = await sizeOf(options.partPath)
      if (options.expectedSize !== null && offset === options.expectedSize) return { url, bytes: offset, validator: options.resume?.validator ?? null }
      // Longer than the published size: not a prefix of the file, start over.
      if (options.expectedSize !== null && offset > options.expectedSize) {
        await truncate(options.partPath, 0)
        offset = 0
        kept = 0
      }
      const validator = options.resume?.url === url ? options.resume.validator : null
      const attempt = await transferOnce(url, offset, validator, options)
      if (attempt.kind === 'done') return { url, bytes: attempt.bytes, validator: attempt.validator }
      if (!attempt.transient) {
        failures.push({ url, reason: attempt.reason, html: attempt.html })
        break
      }
      // A drop after new bytes is normal on long transfers: resume at once, the URL is fine.
      const size = await sizeOf(options.partPath)
      if (size > kept) {
        kept = size
        failed = 0
        wasted = { bytes: 0, fromZero: false }
        continue
      }
      failed += 1
      wasted = { bytes: wasted.bytes + attempt.received, fromZero: wasted.fromZero || attempt.fromZero }
      if (failed >= policy.attempts) {
        failures.push({ url, reason: givingUpReason(attempt.reason, failed, wasted), html: attempt.html, ignoresRange: wasted.fromZero })
        break
      }
      await sleep(backoffDelay(policy, failed), options.signal)
    }
  }
  throw new TransferError(failures)
}

/** The last failure, and when bytes did arrive but none were gained, why more retries would not help. */
function givingUpReason(reason: string, failed: number, wasted: { bytes: number; fromZero: boolean }): string {
  if (wasted.bytes === 0) return reason
  return `${reason}; ${failed} attempts in a row gained no bytes${wasted.fromZero ? ': the server ignores Range and starts again at byte 0' : ''}`
}

async function transferOnce(url: string, offset: number, validator: string | null, options: DownloadFileOptions): Promise<Attempt> {
  const stall = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal
  let outcome
  try {
    outcome = await openAttempt({ url, offset, validator, signal })
  } catch (error) {
    throwIfCancelled(options.signal)
    return failure(`no answer (${(error as Error).message})`, true)
  }
  if (outcome.kind === 'complete') return { kind: 'done', bytes: outcome.total, validator }
  if (outcome.kind === 'failed') {
    if (outcome.restart) await truncate(options.partPath, 0).catch(() => undefined)
    return failure(outcome.reason, outcome.transient)
  }

  const fromZero = offset > 0 && outcome.start === 0
  const iterator = outcome.body[Symbol.asyncIterator]()
  let timer: NodeJS.Timeout | undefined
  const armStall = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => stall.abort(), options.stallTimeoutMs ?? 60_000)
  }
  let written = 0
  let progress: ProgressReporter | null = null
  let handle: Awaited<ReturnType<typeof open>> | null = null
  try {
    armStall()
    // Look at the first bytes before touching the partial file: an HTML page must not replace it.
    const head = await readHead(iterator, outcome.start === 0 ? 1024 : 1)
    armStall()
    const html = outcome.start === 0 ? looksLikeHtml(head.bytes) : isHtmlContentType(outcome.contentType)
    if (html) {
      outcome.cancel()
      return { ...failure('the server sent an HTML page, not the file', false), html: { title: htmlTitle(head.bytes) } }
    }
    const limit = options.expectedSize
    if (limit !== null && outcome.total !== null && outcome.total > limit) {
      outcome.cancel()
      return failure(`the server announces ${outcome.total} bytes, more than the ${limit} bytes this file has`, false)
    }
    await options.onResponse?.({ url, start: outcome.start, total: outcome.total, validator: outcome.validator })
    handle = await open(options.partPath, outcome.start === 0 ? 'w' : 'a').catch((error: unknown) => {
      throw fileError(error, options.partPath)
    })
    progress = progressReporter(url, outcome.start, outcome.total, options)
    let chunk: Uint8Array | null = head.bytes.length > 0 ? head.bytes : null
    let ended = head.ended
    for (;;) {
      // Without Content-Length only the catalogue's exact size stops a server that sends on and on (the disk
      // would fill before the size check). The bytes so far are not a prefix of the file: drop them.
      if (chunk && limit !== null && outcome.start + written + chunk.length > limit) {
        outcome.cancel()
        await handle.truncate(0)
        return failure(`the server sent more than the ${limit} bytes this file has`, false)
      }
      if (chunk) {
        await handle.write(chunk).catch((error: unknown) => {
          throw fileError(error, options.partPath)
        })
        written += chunk.length
        progress.update(written, false)
      }
      if (ended) break
      const next = await iterator.next()
      armStall()
      ended = next.done === true
      chunk = next.done ? null : next.value
    }
    progress.update(written, true)
    const bytes = outcome.start + written
    if (outcome.total !== null && bytes < outcome.total) return { ...failure(`the connection closed after ${bytes} of ${outcome.total} bytes`, true), received: written, fromZero }
    await handle.sync()
    return { kind: 'done', bytes, validator: outcome.validator }
  } catch (error) {
    outcome.cancel()
    throwIfCancelled(options.signal)
    // Our own errors (disk, onResponse) stop everything; anything else came from the network.
    if (error instanceof EpsinasError) throw error
    const reason = stall.signal.aborted ? `no data for ${Math.round((options.stallTimeoutMs ?? 60_000) / 1000)} s` : `the connection broke (${describe(error)})`
    return { ...failure(reason, true), received: written, fromZero }
  } finally {
    clearTimeout(timer)
    progress?.dispose()
    await handle?.close()
  }
}

interface ProgressReporter {
  /** `written`: bytes of this response so far; `force` skips the throttle. */
  update(written: number, force: boolean): void
  dispose(): void
}

/** Throttled progress events with a sliding-window rate; a throttled update is delivered late, never lost. */
function progressReporter(url: string, start: number, total: number | null, options: DownloadFileOptions): ProgressReporter {
  const meter = new RateMeter()
  const interval = options.progressIntervalMs ?? 200
  let lastReport = 0
  let done = start
  let trailing: NodeJS.Timeout | undefined
  const emit = (): void => {
    clearTimeout(trailing)
    trailing = undefined
    lastReport = performance.now()
    options.onProgress?.({ url, bytesDone: done, bytesTotal: total, rate: meter.rate(), etaSeconds: meter.eta(done, total) })
  }
  const reporter: ProgressReporter = {
    update(written, force) {
      done = start + written
      meter.record(done)
      if (!options.onProgress) return
      const wait = interval - (performance.now() - lastReport)
      if (force || wait <= 0) emit()
      // Without this, a transfer that stalls would keep showing its bytes from before the last throttle.
      else trailing ??= setTimeout(emit, wait)
    },
    dispose: () => clearTimeout(trailing),
  }
  reporter.update(0, true)
  return reporter
}

/** Reads until at least `min` bytes or the end, so the first bytes can be inspected as one buffer. */
async function readHead(iterator: AsyncIterator<Uint8Array>, min: number): Promise<{ bytes: Uint8Array; ended: boolean }> {
  const parts: Uint8Array[] = []
  let length = 0
  while (length < min) {
    const next = await iterator.next()
    if (next.done) return { bytes: Buffer.concat(parts), ended: true }
    parts.push(next.value)
    length += next.value.length
  }
  return { bytes: parts.length === 1 ? parts[0] : Buffer.concat(parts), ended: false }
}

// Disk errors are not the server's fault: no retry, no next mirror.
function fileError(error: unknown, path: string): EpsinasError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error)
  if (code === 'ENOSPC') return new EpsinasError('NO_SPACE', `the disk is full while writing ${path}; free some space and run the download again to resume`)
  return new EpsinasError('DOWNLOAD_FAILED', `cannot write ${path}: ${code}`)
}

function failure(reason: string, transient: boolean): Attempt & { kind: 'failed' } {
  return { kind: 'failed', reason, transient, received: 0, fromZero: false, html: null }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error)
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EpsinasError('CANCELLED', 'download cancelled; the partial file is kept and the next download resumes it')
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    return 0
  }
}
