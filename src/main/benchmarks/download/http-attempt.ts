/**
 * One HTTP request for (the rest of) a file, and what its answer means for a resumable download.
 * Only the status line and headers are interpreted here; the caller reads the body.
 */

/** What to ask for. */
export interface AttemptRequest {
  url: string
  /** Bytes already in the .part file; > 0 asks for the rest with a Range header. */
  offset: number
  /** ETag or Last-Modified of the partial bytes, sent as If-Range so a changed file comes back whole. */
  validator: string | null
  signal: AbortSignal
}

/** The answer: a body to read from `start`, "you already have it all", or a failure. */
export type AttemptOutcome =
  | {
      kind: 'body'
      /** 0 when the server sent the whole file (it ignored Range, or the file changed). */
      start: number
      /** Full file size when the server says it. */
      total: number | null
      validator: string | null
      contentType: string | null
      body: AsyncIterable<Uint8Array>
      cancel(): void
    }
  | { kind: 'complete'; total: number }
  | AttemptFailure

/** Why an attempt gave nothing. `transient`: worth retrying the same URL; `restart`: drop the partial bytes. */
export interface AttemptFailure {
  kind: 'failed'
  reason: string
  transient: boolean
  restart: boolean
}

const USER_AGENT = 'epsinas-workbench (benchmark data download)'

/** Redirects followed for one request (file hosts use one to three; fetch alone would allow 20). */
export const MAX_REDIRECTS = 10

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/** Where a redirect leads, or why it is not followed. */
export type RedirectTarget = { ok: true; url: string } | { ok: false; reason: string }

/** The address a redirect from `from` with this Location leads to; never from HTTPS down to plain HTTP. */
export function redirectTarget(from: string, location: string | null): RedirectTarget {
  if (!location) return { ok: false, reason: 'a redirect without a Location header' }
  let target: URL
  try {
    target = new URL(location, from)
  } catch {
    return { ok: false, reason: `a redirect to an invalid address (${location})` }
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return { ok: false, reason: `refused a redirect to ${target.href} (only HTTP and HTTPS are fetched)` }
  // The checksum catches a changed file only when the catalogue has one; the encryption must not be given up.
  if (new URL(from).protocol === 'https:' && target.protocol === 'http:') {
    return { ok: false, reason: `refused a redirect from HTTPS to plain HTTP (${target.href}): the file could be read or altered on the way` }
  }
  return { ok: true, url: target.href }
}

/** Sends the request, following redirects itself; network errors become failures, an abort of `signal` rethrows. */
export async function openAttempt(request: AttemptRequest): Promise<AttemptOutcome> {
  // identity: a gzip transfer encoding would be decoded by fetch and break byte offsets and sizes.
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': USER_AGENT }
  if (request.offset > 0) {
    headers.range = `bytes=${request.offset}-`
    if (request.validator) headers['if-range'] = request.validator
  }
  let url = request.url
  // Failures say where the redirects led: the catalogue's URL alone would not explain them.
  const at = (failure: AttemptFailure): AttemptFailure => (url === request.url ? failure : { ...failure, reason: `${failure.reason} (redirected to ${url})` })
  let response: Response
  for (let redirects = 0; ; redirects += 1) {
    try {
      response = await fetch(url, { headers, signal: request.signal, redirect: 'manual' })
    } catch (error) {
      if (request.signal.aborted) throw error
      return at(networkFailure(error))
    }
    if (!REDIRECT_STATUSES.has(response.status)) break
    response.body?.cancel().catch(() => undefined)
    const target = redirectTarget(url, response.headers.get('location'))
    // The same address redirects the same way next time: no retry.
    if (!target.ok) return at({ kind: 'failed', reason: target.reason, transient: false, restart: false })
    if (redirects === MAX_REDIRECTS) return { kind: 'failed', reason: `more than ${MAX_REDIRECTS} redirects (the last to ${target.url})`, transient: false, restart: false }
    url = target.url
  }
  const cancel = (): void => {
    response.body?.cancel().catch(() => undefined)
  }
  const contentType = response.headers.get('content-type')
  const validator = strongValidator(response.headers)
  if (response.status === 200 || response.status === 206) {
    if (!response.body) return at({ kind: 'failed', reason: `HTTP ${response.status} without a body`, transient: true, restart: false })
    let start = 0
    let total = contentLength(response.headers)
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('content-range'))
      if (!range || range.start !== request.offset) {
        cancel()
        return at({ kind: 'failed', reason: `the server answered a different byte range (${response.headers.get('content-range')}) than asked (from ${request.offset})`, transient: true, restart: true })
      }
      start = range.start
      total = range.total
    }
    return { kind: 'body', start, total, validator, contentType, body: response.body, cancel }
  }
  cancel()
  if (response.status === 416) {
    // "Range not satisfiable": if the file is exactly as long as what we have, we have it all.
    const total = parseContentRange(response.headers.get('content-range'))?.total ?? null
    if (total !== null && total === request.offset) return { kind: 'complete', total }
    return at({ kind: 'failed', reason: `HTTP 416 (the partial file does not fit the server's file)`, transient: true, restart: true })
  }
  const reason = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
  const transient = response.status === 408 || response.status === 429 || response.status >= 500
  return at({ kind: 'failed', reason, transient, restart: false })
}

/** `bytes a-b/t` or `bytes *\/t`; total null when the server writes `*`. */
export function parseContentRange(header: string | null): { start: number; total: number | null } | null {
  if (!header) return null
  const match = /^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)\s*$/i.exec(header.trim())
  if (!match) return null
  return { start: match[1] === undefined ? -1 : Number(match[1]), total: match[2] === '*' ? null : Number(match[2]) }
}

function contentLength(headers: Headers): number | null {
  // A compressed body's length is not the file's length.
  if (headers.get('content-encoding') && headers.get('content-encoding') !== 'identity') return null
  const text = headers.get('content-length')
  return text !== null && /^\d+$/.test(text) ? Number(text) : null
}

// If-Range needs a strong ETag; a weak one (W/"...") never matches, so fall back to Last-Modified.
function strongValidator(headers: Headers): string | null {
  const etag = headers.get('etag')
  if (etag && !etag.startsWith('W/')) return etag
  return headers.get('last-modified')
}

function networkFailure(error: unknown): AttemptFailure {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  const code = cause?.code ?? ''
  const reason = code ? `connection failed (${code})` : `connection failed (${cause?.message ?? (error as Error).message})`
  // An unknown host will not appear after a retry; a refused or reset connection may.
  return { kind: 'failed', reason, transient: code !== 'ENOTFOUND', restart: false }
}
