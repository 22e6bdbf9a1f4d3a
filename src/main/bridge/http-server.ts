/**
 * The HTTP bridge: the shared API over HTTP for a browser (or a remote GPU box through an SSH
 * tunnel). POST /api/<channel> runs one request through the same `dispatch` as IPC; GET /api/events
 * streams progress as server-sent events; everything else serves the built renderer. Binds
 * 127.0.0.1 unless told otherwise, and every API request must carry the token made at start.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { BENCHMARK_PROGRESS_CHANNEL, PROGRESS_CHANNEL, isApiChannel, type ApiResult, type BenchmarkProgressEvent } from '../../shared/api.ts'
import type { ErrorCode, SerializedError } from '../../shared/errors.ts'
import { dispatch } from '../api-handlers.ts'
import type { ApiHandlers } from '../services/api/index.ts'
import type { ProgressHub } from '../services/api/index.ts'
import { applySecurityHeaders, hostAllowed, loopbackNames, newToken, presentedToken, tokenMatches } from './security.ts'
import { serveStatic } from './static-files.ts'
import { packageRoot } from '../package-root.ts'

/** Where the built renderer is (electron-vite's out/renderer in the package folder). */
export const DEFAULT_RENDERER_DIR = join(packageRoot(), 'out', 'renderer')

/** Largest request body accepted by default (a list of every NB201 arch is about 1.5 MB). */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024

/** What the bridge serves and how. */
export interface HttpBridgeOptions {
  handlers: ApiHandlers
  progress: ProgressHub
  /** Benchmark download/conversion events, streamed beside job progress when given. */
  benchmarkProgress?: ProgressHub<BenchmarkProgressEvent>
  /** Default 127.0.0.1; anything else exposes the API to the network (still behind the token). */
  host?: string
  /** Default 0: a free port chosen by the system. */
  port?: number
  /** Folder of the built renderer; default out/renderer. */
  rendererDir?: string
  /** Default: a fresh random token. */
  token?: string
  maxBodyBytes?: number
  /** Comment lines keeping idle event streams open through proxies. */
  heartbeatMs?: number
}

/** A running bridge. */
export interface HttpBridge {
  readonly host: string
  readonly port: number
  readonly token: string
  /** The API's base URL, e.g. http://127.0.0.1:5123 */
  readonly origin: string
  /** The URL to open in a browser: the app with its token. */
  readonly url: string
  /** Ends every event stream and stops listening. */
  close(): Promise<void>
}

/** Starts the bridge and resolves once it listens. */
export async function startHttpBridge(options: HttpBridgeOptions): Promise<HttpBridge> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? newToken()
  const context: RequestContext = {
    ...options,
    benchmarkProgress: options.benchmarkProgress ?? null,
    host,
    token,
    rendererDir: options.rendererDir ?? DEFAULT_RENDERER_DIR,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    streams: new Set(),
  }
  const server = createServer((req, res) => {
    handle(context, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', error instanceof Error ? error.message : String(error))
      else res.destroy()
    })
  })
  server.headersTimeout = 20_000
  server.requestTimeout = 60_000
  await listen(server, options.port ?? 0, host)
  const { port } = server.address() as AddressInfo
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    host,
    port,
    token,
    origin,
    url: `${origin}/?token=${token}`,
    close: () => closeServer(server, context.streams),
  }
}

interface RequestContext extends Required<Omit<HttpBridgeOptions, 'port' | 'benchmarkProgress'>> {
  benchmarkProgress: ProgressHub<BenchmarkProgressEvent> | null
  streams: Set<ServerResponse>
}

async function handle(context: RequestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  applySecurityHeaders(res)
  // The port the connection arrived on: the bridge's own, also when it was started with port 0.
  const port = req.socket.localPort ?? 0
  if (!hostAllowed(req.headers.host, context.host, port)) return sendError(res, 403, 'BAD_ARGUMENT', `Requests must be addressed to ${loopbackNames(port)}.`)
  const rawPath = (req.url ?? '/').split('?')[0]
  const url = new URL(req.url ?? '/', 'http://bridge.invalid')
  if (rawPath === '/api/events') {
    if (req.method !== 'GET') return sendMethodNotAllowed(res, 'GET')
    if (!tokenMatches(presentedToken(req, url, true), context.token)) return sendUnauthorized(res)
    return openEventStream(context, req, res)
  }
  if (rawPath.startsWith('/api/')) {
    if (req.method !== 'POST') return sendMethodNotAllowed(res, 'POST')
    if (!tokenMatches(presentedToken(req, url, false), context.token)) return sendUnauthorized(res)
    return handleApiRequest(context, rawPath.slice('/api/'.length), req, res)
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendMethodNotAllowed(res, 'GET, HEAD')
  return serveStatic(context.rendererDir, rawPath, req, res)
}

async function handleApiRequest(context: RequestContext, encodedChannel: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let channel: string
  try {
    channel = decodeURIComponent(encodedChannel)
  } catch {
    channel = encodedChannel
  }
  if (!isApiChannel(channel)) return sendError(res, 404, 'BAD_ARGUMENT', `Unknown API channel ${JSON.stringify(channel)}.`)
  const body = await readBody(req, context.maxBodyBytes)
  if (body === 'too-large') {
    res.setHeader('Connection', 'close')
    res.once('finish', () => req.destroy())
    return sendError(res, 413, 'BAD_ARGUMENT', `The request body is larger than ${context.maxBodyBytes} bytes.`)
  }
  let request: unknown
  try {
    request = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'))
  } catch (error) {
    return sendError(res, 400, 'BAD_ARGUMENT', `The request body is not valid JSON (${error instanceof Error ? error.message : String(error)}).`)
  }
  const result = await dispatch(context.handlers, channel, request)
  sendJson(res, result.ok ? 200 : statusOf(result.error), result)
}

/** Failures the caller can fix are 4xx; the rest are the server's. */
function statusOf(error: SerializedError): number {
  if (error.code.startsWith('BAD_')) return 400
  if (error.code === 'BUSY' || error.code === 'CANCELLED') return 409
  if (error.code === 'BACKEND_UNAVAILABLE') return 503
  return 500
}

function openEventStream(context: RequestContext, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' })
  res.write('retry: 2000\n: connected\n\n')
  const unsubscribeJobs = context.progress.subscribe((event) => {
    res.write(`event: ${PROGRESS_CHANNEL}\ndata: ${JSON.stringify(event)}\n\n`)
  })
  const unsubscribeBenchmarks = context.benchmarkProgress?.subscribe((event) => {
    res.write(`event: ${BENCHMARK_PROGRESS_CHANNEL}\ndata: ${JSON.stringify(event)}\n\n`)
  })
  const unsubscribe = (): void => {
    unsubscribeJobs()
    unsubscribeBenchmarks?.()
  }
  const heartbeat = setInterval(() => res.write(': ping\n\n'), context.heartbeatMs)
  heartbeat.unref()
  context.streams.add(res)
  const cleanup = (): void => {
    clearInterval(heartbeat)
    unsubscribe()
    context.streams.delete(res)
  }
  req.on('close', cleanup)
  res.on('close', cleanup)
}

/** The body, or 'too-large' as soon as it passes `limit` (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too-large')
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) {
        req.off('data', onData)
        req.pause()
        resolve('too-large')
      } else chunks.push(chunk)
    }
    req.on('data', onData)
    req.once('end', () => resolve(Buffer.concat(chunks)))
    req.once('error', reject)
  })
}

function sendJson(res: ServerResponse, status: number, body: ApiResult<unknown>): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' })
  res.end(text)
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } })
}

function sendUnauthorized(res: ServerResponse): void {
  res.setHeader('WWW-Authenticate', 'Bearer')
  sendError(res, 401, 'UNAUTHORIZED', 'Missing or wrong token: use the URL epsinas serve printed (send Authorization: Bearer TOKEN).')
}

function sendMethodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow)
  sendError(res, 405, 'BAD_ARGUMENT', `Method not allowed here; use ${allow}.`)
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function closeServer(server: Server, streams: Set<ServerResponse>): Promise<void> {
  for (const stream of streams) stream.end()
  streams.clear()
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()))
    server.closeIdleConnections()
  })
}
