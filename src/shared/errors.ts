/** Machine-readable error codes; every failure the user can cause or meet has one. */
export type ErrorCode =
  | 'BAD_ARCH'
  | 'BAD_ARGUMENT'
  | 'BAD_WEIGHTS'
  | 'BAD_FILE'
  | 'STORE_FAILED'
  | 'BACKEND_UNAVAILABLE'
  | 'WORKER_FAILED'
  | 'DOWNLOAD_FAILED'
  | 'NO_SPACE'
  | 'BUSY'
  | 'UNAUTHORIZED'
  | 'CANCELLED'
  | 'INTERNAL'

/** The one error type crossing module, thread and process boundaries: a code plus a message for people. */
export class EpsinasError extends Error {
  readonly code: ErrorCode

  constructor(code: ErrorCode, message: string) {
    super(message)
    this.name = 'EpsinasError'
    this.code = code
  }

  /** Plain-data form for postMessage / IPC / JSON. */
  toJSON(): SerializedError {
    return { code: this.code, message: this.message }
  }
}

/** What an error looks like after crossing a boundary. */
export interface SerializedError {
  code: ErrorCode
  message: string
}

/** Serialises any thrown value; unknown errors become INTERNAL with their message kept. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof EpsinasError) return error.toJSON()
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message }
  return { code: 'INTERNAL', message: String(error) }
}

/** Rebuilds a typed error on the receiving side of a boundary. */
export function deserializeError(error: SerializedError): EpsinasError {
  return new EpsinasError(error.code, error.message)
}

/** Longest piece of user input an error message quotes; past it the message says how long the input was. */
export const QUOTED_INPUT_LIMIT = 80

/**
 * User input (an arch line, a CSV cell, a JSON value, an option value) as an error message echoes
 * it: whole up to QUOTED_INPUT_LIMIT characters, else its first QUOTED_INPUT_LIMIT characters and
 * its length, so a malformed 3 MB line makes a short error, not a 3 MB one. Every error that
 * echoes input goes through here (or quoteInput). A library message that embeds input (csv-parse
 * quotes the bad field) is cut with a larger `limit`, so its own words survive.
 */
export function cutInput(text: string, limit: number = QUOTED_INPUT_LIMIT): string {
  if (text.length <= limit) return text
  return `${text.slice(0, limit)}... (${text.length.toLocaleString('en-US')} characters)`
}

/** cutInput of the input as JSON (strings JSON-quoted, so quotes and newlines stay on one line). */
export function quoteInput(value: unknown): string {
  const text = (typeof value === 'string' ? value : JSON.stringify(value)) ?? String(value)
  if (typeof value !== 'string') return cutInput(text)
  return text.length <= QUOTED_INPUT_LIMIT ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, QUOTED_INPUT_LIMIT))}${cutInput(text).slice(QUOTED_INPUT_LIMIT)}`
}
