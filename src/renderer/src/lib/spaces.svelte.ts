/**
 * The search spaces the main process has registered (built-in and user), from `spaces:list`: the
 * renderer never keeps a list of its own, so a new space shows up in every picker by itself.
 */
import type { SpaceView } from '../../../shared/api.ts'
import type { ApiClient } from './api-client.ts'
import { PageError } from './page-error.svelte.ts'

/** One page's copy of the list; empty until loaded. */
export class SpacesState {
  list = $state<SpaceView[]>([])
  readonly error = new PageError()

  constructor(private readonly client: ApiClient) {}

  /** Asks for the list; resolves once it is here (or its error is shown). */
  async load(): Promise<void> {
    const listed = await this.error.run(() => this.client.request('spaces:list', undefined), { clearOnSuccess: true })
    if (listed) this.list = listed
  }
}
