/** State of the app-info panel: loaded once from the backend, or the reason it is not shown. */
import type { AppInfo } from '../../../shared/api.ts'
import type { ApiClient } from './api-client.ts'

/** Where loading the app info stands. */
export type AppInfoStatus = 'not-connected' | 'loading' | 'ready' | 'failed'

/** Loads app:info through a client and exposes it as reactive fields. */
export class AppInfoState {
  status = $state<AppInfoStatus>('loading')
  info = $state<AppInfo | null>(null)
  error = $state<string | null>(null)

  readonly #client: ApiClient | null

  constructor(client: ApiClient | null) {
    this.#client = client
    if (!client) this.status = 'not-connected'
  }

  /** Fetches the info; failures end up in `error`, never thrown. */
  async load(): Promise<void> {
    if (!this.#client) return
    this.status = 'loading'
    try {
      this.info = await this.#client.request('app:info', undefined)
      this.error = null
      this.status = 'ready'
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error)
      this.status = 'failed'
    }
  }
}
