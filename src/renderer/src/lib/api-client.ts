/**
 * The renderer's one client of the backend: typed requests over a transport (preload or HTTP),
 * rethrowing failures as EpsinasError with their code so pages show our message.
 */
import type { ApiChannel, ApiEventChannel, ApiEvents, ApiRequest, ApiResponse, Unsubscribe } from '../../../shared/api.ts'
import { deserializeError } from '../../../shared/errors.ts'
import { connectTransport, type Transport } from './transport.ts'

/** Typed access to the shared API. */
export class ApiClient {
  readonly #transport: Transport

  constructor(transport: Transport) {
    this.#transport = transport
  }

  /** The client for this page, or null when neither bridge is available. */
  static connect(): ApiClient | null {
    const transport = connectTransport()
    return transport ? new ApiClient(transport) : null
  }

  /** 'desktop' (preload) or 'http' (epsinas serve). */
  get kind(): Transport['kind'] {
    return this.#transport.kind
  }

  /** Sends one request; resolves with the response or rejects with an EpsinasError. */
  async request<C extends ApiChannel>(channel: C, request: ApiRequest<C>): Promise<ApiResponse<C>> {
    const result = await this.#transport.invoke(channel, request)
    if (!result.ok) throw deserializeError(result.error)
    return result.value as ApiResponse<C>
  }

  /** Subscribes to an event channel; the caller owns the returned unsubscribe. */
  on<E extends ApiEventChannel>(channel: E, callback: (event: ApiEvents[E]) => void): Unsubscribe {
    return this.#transport.subscribe(channel, callback)
  }

  /** Closes the connection (event stream included). */
  close(): void {
    this.#transport.close()
  }
}

/** A failure as one line for people. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
