/**
 * State of the Spaces page's actions on user spaces: import a folder of ONNX files, remove a space,
 * show one space's files. Every change to the registry is announced with spacesChanged(), so the
 * space pickers of the other pages list what the main process now has.
 */
import type { SpaceDetails, SpaceImportRequest, SpaceView } from '../../../shared/api.ts'
import { messageOf, type ApiClient } from './api-client.ts'
import { spacesChanged } from './spaces.svelte.ts'

/** Import, remove and details, each with its own outcome. */
export class UserSpacesState {
  /** The path of the import in flight; null while none is. */
  importing = $state<string | null>(null)
  /** The last failed import's message, as the main process wrote it (names the file and why). */
  importError = $state<string | null>(null)
  /** The last space imported, until the next import starts. */
  imported = $state<SpaceView | null>(null)
  /** The space shown in detail, with its files. */
  details = $state<SpaceDetails | null>(null)
  /** Ids with a remove in flight. */
  removing = $state<Record<string, boolean>>({})

  readonly #client: ApiClient
  /** Where remove and details failures go (the page's error line). */
  readonly #onError: (message: string) => void

  constructor(client: ApiClient, onError: (message: string) => void) {
    this.#client = client
    this.#onError = onError
  }

  /** Imports a space; on success shows its details. Resolves whether it was imported. */
  async import(request: SpaceImportRequest): Promise<boolean> {
    this.importing = request.path
    this.importError = null
    this.imported = null
    let imported: SpaceView
    try {
      imported = await this.#client.request('spaces:import', request)
    } catch (error) {
      this.importError = messageOf(error)
      return false
    } finally {
      this.importing = null
    }
    this.imported = imported
    spacesChanged()
    await this.show(imported.id)
    return true
  }

  /** Removes a user space (its stored copy; cached scores stay). */
  async remove(id: string): Promise<void> {
    this.removing = { ...this.removing, [id]: true }
    try {
      await this.#client.request('spaces:remove', { name: id })
      if (this.details?.space.id === id) this.details = null
      if (this.imported?.id === id) this.imported = null
      spacesChanged()
    } catch (error) {
      this.#onError(messageOf(error))
    } finally {
      const { [id]: _done, ...rest } = this.removing
      this.removing = rest
    }
  }

  /** Shows a space's files and warnings. */
  async show(id: string): Promise<void> {
    try {
      this.details = await this.#client.request('spaces:show', { name: id })
    } catch (error) {
      this.#onError(messageOf(error))
    }
  }

  /** Closes the details. */
  hide(): void {
    this.details = null
  }
}
