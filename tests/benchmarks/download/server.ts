import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One scripted misbehaviour, used by the next request to a path (then the path serves normally). */
export type Step =
  | { kind: 'status'; status: number }
  /** Sends `after` body bytes, then destroys the socket (a dropped connection). */
  | { kind: 'drop'; after: number }
  /** Sends `after` body bytes, then waits until the client goes away (for cancellation). */
  | { kind: 'pause'; after: number }
  /** Answers 200 with an HTML page, like a file host's warning or quota page. */
  | { kind: 'html' }

/** A file served at a path. */
export interface Route {
  body: Buffer
  /** Answer 200 with the whole file even to a Range request. */
  ignoreRange?: boolean
  etag?: string
  script?: Step[]
  /** Answers every request with this status and `Location` (a redirect) instead of the file. */
  redirect?: { status: number; location: string }
  /** Sends the body without Content-Length (chunked), so the client cannot know its size in advance. */
  noLength?: boolean
}

/** What the server saw, for assertions. */
export interface SeenRequest {
  path: string
  range: string | null
  ifRange: string | null
}

/** A real HTTP server on 127.0.0.1 serving test files with Range support and scripted failures. */
export interface TestServer {
  url(path: string): string
  route(path: string, route: Route): void
  requests: SeenRequest[]
  close(): Promise<void>
}

export const HTML_PAGE = Buffer.from(
  '<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head><body>Google Drive can\'t scan this file for viruses.</body></html>',
)

/** Starts the server on a free port. */
export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Route>()
  const requests: SeenRequest[] = []
  const server = createServer((req, res) => handle(routes, requests, req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    route: (path, route) => routes.set(path, { ...route, script: [...(route.script ?? [])] }),
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function handle(routes: Map<string, Route>, requests: SeenRequest[], req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname
  requests.push({ path, range: req.headers.range ?? null, ifRange: (req.headers['if-range'] as string | undefined) ?? null })
  const route = routes.get(path)
  if (!route) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
    return
  }
  if (route.redirect) {
    res.writeHead(route.redirect.status, { location: route.redirect.location, 'content-type': 'text/plain' }).end('moved')
    return
  }
  const step = route.script?.shift()
  if (step?.kind === 'status') {
    res.writeHead(step.status, { 'content-type': 'text/plain' }).end(`scripted ${step.status}`)
    return
  }
  if (step?.kind === 'html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': HTML_PAGE.length }).end(HTML_PAGE)
    return
  }
  const size = route.body.length
  const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes' }
  if (route.etag) headers.etag = route.etag
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
  const ifRange = req.headers['if-range']
  const rangeValid = match && !route.ignoreRange && (ifRange === undefined || ifRange === route.etag)
  let start = 0
  if (rangeValid) {
    start = Number(match[1])
    if (start >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end()
      return
    }
    res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${size - 1}/${size}`, ...(route.noLength ? {} : { 'content-length': size - start }) })
  } else res.writeHead(200, { ...headers, ...(route.noLength ? {} : { 'content-length': size }) })
  const body = route.body.subarray(start)
  if (step?.kind === 'drop') {
    res.write(body.subarray(0, step.after), () => res.socket?.destroy())
    return
  }
  if (step?.kind === 'pause') {
    res.write(body.subarray(0, step.after))
    return // the client's abort closes the connection
  }
  res.end(body)
}
