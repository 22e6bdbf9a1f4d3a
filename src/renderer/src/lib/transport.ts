/**
 * How the renderer reaches the backend: through the preload bridge in the desktop app, or over
 * the HTTP bridge (`epsinas serve`) in a browser. Both speak the same contract; this is the only
 * file that touches `window.epsinas`, `fetch` to the API or `EventSource`.
 */
import { API_EVENT_CHANNELS, API_METHODS, type ApiChannel, type ApiEventChannel, type ApiEvents, type ApiResult, type EpsinasBridge, type Unsubscribe } from '../../../shared/api.ts'

/** One backend connection: requests and event subscriptions. */
export interface Transport {
  /** Which way the page is connected, shown in the status bar. */
  readonly kind: 'desktop' | 'http'
  invoke(channel: ApiChannel, request: unknown): Promise<ApiResult<unknown>>
  subscribe<E extends ApiEventChannel>(channel: E, callback: (event: ApiEvents[E]) => void): Unsubscribe
  close(): void
}

/** The preload bridge of the desktop app. */
export class IpcTransport implements Transport {
  readonly kind = 'desktop'
  readonly #bridge: EpsinasBridge

  constructor(bridge: EpsinasBridge) {
    this.#bridge = bridge
  }

  invoke(channel: ApiChannel, request: unknown): Promise<ApiResult<unknown>> {
    // Each named function checks its own request type; here the channel picks it at runtime.
    const method = this.#bridge[API_METHODS[channel]] as (request: unknown) => Promise<ApiResult<unknown>>
    return method(request)
  }

  subscribe<E extends ApiEventChannel>(channel: E, callback: (event: ApiEvents[E]) => void): Unsubscribe {
    if (channel === 'jobs:progress') return this.#bridge.onProgress(callback as (event: ApiEvents['jobs:progress']) => void)
    return this.#bridge.onBenchmarkProgress(callback as (event: ApiEvents['benchmarks:progress']) => void)
  }

  close(): void {}
}

/** The HTTP bridge: POST /api/<channel> with the bearer token, one EventSource for every event. */
export class HttpTransport implements Transport {
  readonly kind = 'http'
  readonly #origin: string
  readonly #token: string
  readonly #listeners = new Map<ApiEventChannel, Set<(event: unknown) => void>>()
  #source: EventSource | null = null

  constructor(origin: string, token: string) {
    this.#origin = origin
    this.#token = token
  }

  async invoke(channel: ApiChannel, request: unknown): Promise<ApiResult<unknown>> {
    let response: Response
    try {
      response = await fetch(`${this.#origin}/api/${channel}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.#token}`, 'Content-Type': 'application/json' },
        body: request === undefined ? '' : JSON.stringify(request),
      })
    } catch (error) {
      return { ok: false, error: { code: 'INTERNAL', message: `The workbench server does not answer (${String(error)}); is epsinas serve still running?` } }
    }
    try {
      // Every answer of the bridge, 4xx and 5xx included, is an ApiResult.
      return (await response.json()) as ApiResult<unknown>
    } catch {
      return { ok: false, error: { code: 'INTERNAL', message: `The server answered ${response.status} without a result.` } }
    }
  }

  subscribe<E extends ApiEventChannel>(channel: E, callback: (event: ApiEvents[E]) => void): Unsubscribe {
    this.#open()
    let set = this.#listeners.get(channel)
    if (!set) this.#listeners.set(channel, (set = new Set()))
    const listener = callback as (event: unknown) => void
    set.add(listener)
    return () => {
      set.delete(listener)
    }
  }

  close(): void {
    this.#source?.close()
    this.#source = null
    this.#listeners.clear()
  }

  /** One stream for every channel; EventSource cannot send headers, so the token goes in the query. */
  #open(): void {
    if (this.#source) return
    const source = new EventSource(`${this.#origin}/api/events?token=${encodeURIComponent(this.#token)}`)
    for (const channel of API_EVENT_CHANNELS) {
      source.addEventListener(channel, (message: MessageEvent<string>) => {
        let payload: unknown
        try {
          payload = JSON.parse(message.data)
        } catch {
          return
        }
        for (const listener of this.#listeners.get(channel) ?? []) listener(payload)
      })
    }
    this.#source = source
  }
}

/** The token from `?token=` (what `epsinas serve` prints), kept for reloads and removed from the address bar. */
export function takeToken(location: Location, history: History, storage: Storage): string | null {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    storage.setItem('epsinas-token', fromUrl)
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return storage.getItem('epsinas-token')
}

/** The desktop bridge when present, else the HTTP bridge of this page's origin when it has a token. */
export function connectTransport(): Transport | null {
  if (window.epsinas) return new IpcTransport(window.epsinas)
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return null
  const token = takeToken(location, history, sessionStorage)
  return token ? new HttpTransport(location.origin, token) : null
}
