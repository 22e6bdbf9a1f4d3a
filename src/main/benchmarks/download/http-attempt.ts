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

/** Sends the request; network errors become failures, an abort of `signal` rethrows. */
export async function openAttempt(request: AttemptRequest): Promise<AttemptOutcome> {
  // identity: a gzip transfer encoding would be decoded by fetch and break byte offsets and sizes.
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': USER_AGENT }
  if (request.offset > 0) {
    headers.range = `bytes=${request.offset}-`
    if (request.validator) headers['if-range'] = request.validator
  }
  let response: Response
  try {
    response = await fetch(request.url, { headers, signal: request.signal, redirect: 'follow' })
  } catch (error) {
    if (request.signal.aborted) throw error
    return networkFailure(error)
  }
  const cancel = (): void => {
    response.body?.cancel().catch(() => undefined)
  }
  const contentType = response.headers.get('content-type')
  const validator = strongValidator(response.headers)
  if (response.status === 200 || response.status === 206) {
    if (!response.body) return { kind: 'failed', reason: `HTTP ${response.status} without a body`, transient: true, restart: false }
    let start = 0
    let total = contentLength(response.headers)
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('content-range'))
      if (!range || range.start !== request.offset) {
        cancel()
        return { kind: 'failed', reason: `the server answered a different byte range (${response.headers.get('content-range')}) than asked (from ${request.offset})`, transient: true, restart: true }
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
    return { kind: 'failed', reason: `HTTP 416 (the partial file does not fit the server's file)`, transient: true, restart: true }
  }
  const reason = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
  const transient = response.status === 408 || response.status === 429 || response.status >= 500
  return { kind: 'failed', reason, transient, restart: false }
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
