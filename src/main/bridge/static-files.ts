/** Serves the built renderer: GET/HEAD of files under one root, with content types and no way out of it. */
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, resolve, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

/** Content type of a file name; unknown kinds are opaque bytes (nosniff keeps them so). */
export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

/** Outcome of resolving a URL path to a file. */
export type StaticTarget = { ok: true; file: string; size: number } | { ok: false; status: 400 | 404; message: string }

/**
 * Maps a URL path to a file under `root`: percent-decoded, `..` segments, NUL and backslashes
 * refused (400), and the real path (symlinks followed) required to stay inside the root (else 404).
 */
export async function resolveStatic(root: string, pathname: string): Promise<StaticTarget> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return { ok: false, status: 400, message: 'Bad request: the path is not valid percent-encoding.' }
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..')) {
    return { ok: false, status: 400, message: 'Bad request: the path may not leave the app folder.' }
  }
  const relative = (decoded.endsWith('/') ? `${decoded}index.html` : decoded).replace(/^\/+/, '')
  const notFound: StaticTarget = { ok: false, status: 404, message: 'Not found.' }
  try {
    const realRoot = await realpath(root)
    const file = await realpath(resolve(realRoot, relative))
    if (!file.startsWith(realRoot + sep)) return notFound
    const info = await stat(file)
    return info.isFile() ? { ok: true, file, size: info.size } : notFound
  } catch {
    return notFound
  }
}

/** Answers a GET or HEAD for a static file. */
export async function serveStatic(root: string, pathname: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = await resolveStatic(root, pathname)
  if (!target.ok) {
    res.writeHead(target.status, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end(target.status === 404 && pathname === '/' ? `The renderer is not built at ${root}; run npm run build.\n` : `${target.message}\n`)
    return
  }
  res.writeHead(200, { 'Content-Type': contentType(target.file), 'Content-Length': target.size, 'Cache-Control': 'no-cache' })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  await pipeline(createReadStream(target.file), res)
}
