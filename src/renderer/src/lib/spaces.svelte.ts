/**
 * The search spaces the main process has registered (built-in and user), from `spaces:list`: the
 * renderer never keeps a list of its own, so a new space shows up in every picker by itself.
 */
import type { SpaceView } from '../../../shared/api.ts'
import type { ApiClient } from './api-client.ts'
import { PageError } from './page-error.svelte.ts'

/**
 * The reloads of every started list. The registry changes only through the Spaces page (import,
 * remove), which calls spacesChanged(), so no list in view can keep offering a removed space or
 * miss a new one.
 */
const reloads = new Set<() => void>()

/** Tells every started list that spaces were imported or removed. */
export function spacesChanged(): void {
  for (const reload of reloads) reload()
}

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

  /**
   * Loads the list now and again after each spacesChanged(), calling `onLoaded` after every load
   * (a form re-validates its choice there); returns the cleanup.
   */
  start(onLoaded: () => void = () => {}): () => void {
    const reload = (): void => {
      void this.load().then(onLoaded)
    }
    reloads.add(reload)
    reload()
    return () => {
      reloads.delete(reload)
    }
  }
}
