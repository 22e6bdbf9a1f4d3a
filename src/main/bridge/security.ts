/** The HTTP bridge's defences: the per-start token, the Host check and the response headers. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isIPv4 } from 'node:net'

// The renderer's Content-Security-Policy (one definition for index.html, app:// and this bridge).
import { RENDERER_CSP } from '../renderer-csp.ts'
export { RENDERER_CSP }

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
  return LOOPBACK_HOSTS.has(host) || (isIPv4(host) && host.startsWith('127.'))
}

/** Binds on every interface: clients may use any name of the machine, which the bridge cannot know. */
function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]'
}

/** The loopback names the bridge answers to, for its refusal message. */
export function loopbackNames(port: number): string {
  return `127.0.0.1:${port}, localhost:${port} or [::1]:${port}`
}

/**
 * Whether a request is addressed to this bridge: its Host must be exactly 127.0.0.1, localhost, [::1]
 * or the bound address, with the bridge's port. A DNS-rebinding page sends its own name
 * (`127.0.0.1.evil.example`), so a prefix test is not enough. On a wildcard bind the machine's names are
 * unknown and only the token protects the API.
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (isWildcard(boundHost)) return true
  if (!hostHeader) return false
  const bound = boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', bound.toLowerCase()])
  const match = /^(.+?)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase())
  if (!match) return false
  // A browser leaves out the port only when it is the scheme's default.
  const sentPort = match[2] === undefined ? 80 : Number(match[2])
  return names.has(match[1]) && sentPort === port
}
