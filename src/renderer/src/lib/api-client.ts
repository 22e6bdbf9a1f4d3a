/**
 * The renderer's one connection to the backend and the only file that touches `window.epsinas`.
 * Unwraps `{ ok, value | error }` results and rethrows failures as EpsinasError with their code.
 */
import type { ApiChannel, ApiRequest, ApiResponse, EpsinasBridge, ProgressEvent, Unsubscribe } from '../../../shared/api.ts'
import { deserializeError } from '../../../shared/errors.ts'

/** Typed access to the shared API through the preload bridge. */
export class ApiClient {
  readonly #bridge: EpsinasBridge

  constructor(bridge: EpsinasBridge) {
    this.#bridge = bridge
  }

  /** The client for this page, or null when no bridge is present (e.g. a plain browser). */
  static connect(): ApiClient | null {
    return window.epsinas ? new ApiClient(window.epsinas) : null
  }

  /** Sends one request; resolves with the response or rejects with an EpsinasError. */
  async request<C extends ApiChannel>(channel: C, request: ApiRequest<C>): Promise<ApiResponse<C>> {
    const result = await this.#bridge.invoke(channel, request)
    if (!result.ok) throw deserializeError(result.error)
    return result.value
  }

  /** Subscribes to job progress; the caller owns the returned unsubscribe. */
  onProgress(callback: (event: ProgressEvent) => void): Unsubscribe {
    return this.#bridge.onProgress(callback)
  }
}
