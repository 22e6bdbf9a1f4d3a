import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { ProgressEvent } from '../../src/shared/api.ts'

/** One HTTP exchange as the tests see it. */
export interface Reply {
  status: number
  headers: IncomingHttpHeaders
  body: string
  json: () => unknown
}

/** Sends a raw request (the path is sent as is, unlike fetch, which normalises `..`). */
export function send(origin: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(origin)
    const req = httpRequest({ hostname, port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) })
      })
    })
    req.on('error', reject)
    // A server that refuses a large body may close the socket while we still write it.
    if (options.body !== undefined) req.write(options.body, () => {})
    req.end()
  })
}

/** POST /api/<channel> with a JSON body and the given token. */
export function callApi(origin: string, token: string | null, channel: string, body?: unknown): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token !== null) headers.Authorization = `Bearer ${token}`
  return send(origin, `/api/${channel}`, { method: 'POST', headers, body: body === undefined ? '' : JSON.stringify(body) })
}

/** A server-sent-event stream read the way EventSource reads it (token in the query). */
export class EventStream {
  readonly events: ProgressEvent[] = []
  #waiters: Array<() => void> = []
  #close: () => void = () => {}
  status = 0
  contentType = ''

  /** Connects and resolves once the response headers arrived. */
  static open(origin: string, token: string): Promise<EventStream> {
    const stream = new EventStream()
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${origin}/api/events?token=${encodeURIComponent(token)}`, (res) => {
        stream.status = res.statusCode ?? 0
        stream.contentType = String(res.headers['content-type'])
        let buffer = ''
        res.setEncoding('utf8')
        res.on('data', (text: string) => {
          buffer += text
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            stream.#onBlock(buffer.slice(0, end))
            buffer = buffer.slice(end + 2)
          }
        })
        res.on('error', () => {})
        resolve(stream)
      })
      stream.#close = () => req.destroy()
      req.on('error', reject)
      req.end()
    })
  }

  #onBlock(block: string): void {
    // Only job progress; benchmark events share the stream under their own event name.
    if (!block.split('\n').includes('event: jobs:progress')) return
    const data = block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n')
    if (!data) return
    this.events.push(JSON.parse(data) as ProgressEvent)
    for (const wake of this.#waiters.splice(0)) wake()
  }

  /** The first event from index `from` on (already received or later) satisfying `until`. */
  async waitFor(until: (event: ProgressEvent) => boolean, options: { from?: number; timeoutMs?: number } = {}): Promise<ProgressEvent> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000)
    for (;;) {
      const found = this.events.slice(options.from ?? 0).find(until)
      if (found) return found
      if (Date.now() > deadline) throw new Error(`no matching event; got ${JSON.stringify(this.events.slice(-3))}`)
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
  }

  close(): void {
    this.#close()
  }
}
