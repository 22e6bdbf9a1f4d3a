/** State of the Benchmarks page: the catalogue with statuses, live task progress and the last outcome. */
import type { BenchmarkItemView, BenchmarkProgressEvent, Unsubscribe } from '../../../shared/api.ts'
import { messageOf, type ApiClient } from './api-client.ts'

/** The outcome of the last action, shown above the table. */
export interface Outcome {
  tone: 'ok' | 'error' | 'info'
  text: string
  details: string[]
}

/** Loads the catalogue, follows benchmark events and runs the item actions. */
export class BenchmarksState {
  items = $state<BenchmarkItemView[]>([])
  loading = $state(true)
  outcome = $state<Outcome | null>(null)
  /** Item ids with a request in flight (buttons disabled). */
  busy = $state<Record<string, boolean>>({})

  readonly #client: ApiClient
  #unsubscribe: Unsubscribe | null = null

  constructor(client: ApiClient) {
    this.#client = client
  }

  /** Subscribes to progress and loads the list; returns the cleanup. */
  start(): () => void {
    this.#unsubscribe = this.#client.on('benchmarks:progress', (event) => this.#onEvent(event))
    void this.refresh()
    return () => this.#unsubscribe?.()
  }

  async refresh(): Promise<void> {
    try {
      this.items = await this.#client.request('benchmarks:list', undefined)
    } catch (error) {
      this.outcome = { tone: 'error', text: messageOf(error), details: [] }
    } finally {
      this.loading = false
    }
  }

  download(id: string): Promise<void> {
    return this.#act(id, async () => {
      this.#replace(await this.#client.request('benchmarks:download', { id }))
    })
  }

  cancel(id: string): Promise<void> {
    return this.#act(id, async () => {
      this.#replace(await this.#client.request('benchmarks:cancel', { id }))
    })
  }

  convert(id: string): Promise<void> {
    return this.#act(id, async () => {
      this.#replace(await this.#client.request('benchmarks:convert', { id }))
    })
  }

  verify(id: string): Promise<void> {
    return this.#act(id, async () => this.#showAction(await this.#client.request('benchmarks:verify', { id })))
  }

  remove(id: string): Promise<void> {
    return this.#act(id, async () => this.#showAction(await this.#client.request('benchmarks:remove', { id })))
  }

  import(id: string, path: string): Promise<void> {
    return this.#act(id, async () => this.#showAction(await this.#client.request('benchmarks:import', { id, path })))
  }

  #showAction(result: { item: BenchmarkItemView; message: string; details: string[] }): void {
    this.#replace(result.item)
    this.outcome = { tone: result.details.some((d) => d.startsWith('FAILED')) ? 'error' : 'ok', text: result.message, details: result.details }
  }

  async #act(id: string, action: () => Promise<void>): Promise<void> {
    this.busy = { ...this.busy, [id]: true }
    try {
      await action()
    } catch (error) {
      this.outcome = { tone: 'error', text: messageOf(error), details: [] }
    } finally {
      this.busy = { ...this.busy, [id]: false }
    }
  }

  #replace(item: BenchmarkItemView): void {
    this.items = this.items.map((i) => (i.id === item.id ? item : i))
  }

  #onEvent(event: BenchmarkProgressEvent): void {
    if (event.state === 'running') {
      this.items = this.items.map((i) => (i.id === event.id ? { ...i, task: event.task, state: event.task.action === 'download' ? 'downloading' : i.state } : i))
      return
    }
    this.outcome = { tone: event.state === 'done' ? 'ok' : event.state === 'cancelled' ? 'info' : 'error', text: `${event.id}: ${event.message ?? event.state}`, details: [] }
    // The task ended: the list has the item's real status now.
    void this.refresh()
  }
}
