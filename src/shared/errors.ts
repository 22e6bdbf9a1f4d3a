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
