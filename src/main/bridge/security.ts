/** The HTTP bridge's defences: the per-start token, the Host check and the response headers. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** The renderer's Content-Security-Policy, as in src/renderer/index.html (a test keeps them equal). */
export const RENDERER_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'"

/** Sent on every response: the renderer's CSP plus the directives a meta tag cannot carry. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': `${RENDERER_CSP}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
  'X-Content-Type-Options': 'nosniff',
  // The token travels in the page URL: never hand it to another site through Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
}

/** A fresh random token: 24 bytes, base64url. */
export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

/** Sets the security headers on a response. */
export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
}

/** The token a request carries: `Authorization: Bearer T`, or `?token=T` where allowed (EventSource cannot set headers). */
export function presentedToken(req: IncomingMessage, url: URL, allowQuery: boolean): string | null {
  const header = req.headers.authorization
  const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined
  if (bearer) return bearer
  return allowQuery ? url.searchParams.get('token') : null
}

/** Constant-time comparison (over digests, so the length does not leak either). */
export function tokenMatches(presented: string | null, expected: string): boolean {
  if (presented === null) return false
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(presented), digest(expected))
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

/** Whether the bind address is a loopback one, where a Host check stops DNS-rebinding pages. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.')
}

/** On a loopback bind, only requests addressed to a loopback name are served. */
export function hostAllowed(hostHeader: string | undefined, boundHost: string): boolean {
  if (!isLoopback(boundHost)) return true
  if (!hostHeader) return false
  try {
    const { hostname } = new URL(`http://${hostHeader}`)
    return isLoopback(hostname)
  } catch {
    return false
  }
}
