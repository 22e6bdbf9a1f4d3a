/**
 * Fan-out of job progress to subscribers (IPC windows, SSE streams, tests). A subscriber that
 * throws is dropped rather than allowed to stop the job or the other subscribers.
 */
import type { ProgressEvent, Unsubscribe } from '../../../shared/api.ts'

/** Receives progress events. */
export type ProgressListener<E = ProgressEvent> = (event: E) => void

/** Broadcasts progress events (job progress by default); the owner disposes it, which removes every subscriber. */
export class ProgressHub<E = ProgressEvent> {
  readonly #listeners = new Set<ProgressListener<E>>()
  #disposed = false

  /** Calls `listener` on every later event until the returned function is called. */
  subscribe(listener: ProgressListener<E>): Unsubscribe {
    if (this.#disposed) return () => {}
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  /** Sends one event to every subscriber. */
  emit(event: E): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event)
      } catch {
        this.#listeners.delete(listener)
      }
    }
  }

  /** Number of current subscribers. */
  get size(): number {
    return this.#listeners.size
  }

  /** Removes every subscriber; later subscriptions are ignored. */
  dispose(): void {
    this.#disposed = true
    this.#listeners.clear()
  }
}
