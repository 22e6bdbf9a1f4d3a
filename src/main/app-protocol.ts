/**
 * The desktop app's own origin: the built renderer is served from app://workbench/ rather than
 * file://. A file: page has the opaque origin "null" and can read any other file: URL; a standard,
 * secure custom scheme gives the page a real origin of its own ('self' in the CSP means exactly the
 * bundle), lets IPC senders be checked by origin, and lets the response carry CSP headers.
 * Everything here is plain Node (global Request/Response), so it is tested without Electron.
 */
import { readFile } from 'node:fs/promises'
import { contentType, resolveStatic } from './bridge/static-files.ts'
import { RENDERER_CSP_HEADER } from './renderer-csp.ts'

export const APP_SCHEME = 'app'
export const APP_HOST = 'workbench'
/** What the window loads. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/**
 * Privileges for protocol.registerSchemesAsPrivileged: standard (a real origin, relative URLs
 * resolve), secure (a secure context, like https), fetch allowed. No service workers, no CSP bypass.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: false,
  bypassCSP: false,
  allowServiceWorkers: false,
  stream: false,
} as const

/** The parts of a protocol request the answer depends on (Electron's GlobalRequest satisfies it). */
export interface AppRequest {
  readonly url: string
  readonly method: string
}

/** Headers of every app:// response, errors included. */
export function appResponseHeaders(type: string): Record<string, string> {
  return {
    'Content-Type': type,
    'Content-Security-Policy': RENDERER_CSP_HEADER,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  }
}

function refusal(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: appResponseHeaders('text/plain; charset=utf-8') })
}

/**
 * Answers one app:// request with a file of `rendererDir`: only GET and HEAD, only the app's host,
 * no way out of the folder (percent-encoded `..`, backslashes and NUL refused; symlinks must stay
 * inside), and the CSP header on every answer.
 */
export async function answerAppRequest(request: AppRequest, rendererDir: string): Promise<Response> {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return refusal(400, 'Bad request: not a URL.')
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refusal(403, `Refused: only ${APP_SCHEME}://${APP_HOST}/ is served.`)
  if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405, 'Method not allowed: the app serves files only.')
  const target = await resolveStatic(rendererDir, url.pathname)
  if (!target.ok) return refusal(target.status, target.message)
  const body = request.method === 'HEAD' ? null : await readFile(target.file)
  return new Response(body, { status: 200, headers: { ...appResponseHeaders(contentType(target.file)), 'Content-Length': String(target.size) } })
}
