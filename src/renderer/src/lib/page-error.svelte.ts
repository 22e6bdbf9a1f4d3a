/**
 * A page's one error line and the try/catch around each of its requests, so a page says only which
 * request it makes and what it does with the answer.
 */
import { messageOf } from './api-client.ts'

/** The message a page shows for its last failed request; null while there is none. */
export class PageError {
  message = $state<string | null>(null)

  /**
   * Runs one request. On failure shows its message and resolves undefined (so it never throws); on
   * success resolves the value, clearing an earlier message only when `clearOnSuccess` is set: where
   * several requests share the line, a background refresh must not hide another request's error.
   * Not for requests whose answer may itself be undefined.
   */
  async run<T>(work: () => Promise<T>, { clearOnSuccess = false }: { clearOnSuccess?: boolean } = {}): Promise<T | undefined> {
    try {
      const value = await work()
      if (clearOnSuccess) this.message = null
      return value
    } catch (error) {
      this.message = messageOf(error)
      return undefined
    }
  }

  clear(): void {
    this.message = null
  }
}
