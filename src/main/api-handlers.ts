/**
 * The request side of the API contract, free of Electron: validates untrusted requests against
 * each channel's schema and delegates to the service handlers. The IPC wiring in index.ts and the
 * HTTP bridge call `dispatch`, so both get the same checks and the same `{ ok, value | error }` results.
 */
import { isApiChannel, type ApiChannel, type ApiRequest, type ApiResponse, type ApiResult } from '../shared/api.ts'
import { EpsinasError, serializeError } from '../shared/errors.ts'
import { SCHEMAS, formatIssues, type ApiHandlers, type Schema } from './services/api/index.ts'

export { createApiServices, type ApiHandlers, type ApiServices } from './services/api/index.ts'

/** Validates and runs one request; every failure, expected or not, comes back as data. */
export async function dispatch(handlers: ApiHandlers, channel: unknown, rawRequest: unknown): Promise<ApiResult<unknown>> {
  try {
    if (!isApiChannel(channel)) throw new EpsinasError('BAD_ARGUMENT', `Unknown API channel ${JSON.stringify(channel)}.`)
    return { ok: true, value: await runChannel(handlers, channel, rawRequest) }
  } catch (error) {
    return { ok: false, error: serializeError(error) }
  }
}

// Generic over the channel so each schema's output feeds its own handler without casts.
async function runChannel<C extends ApiChannel>(handlers: ApiHandlers, channel: C, rawRequest: unknown): Promise<ApiResponse<C>> {
  const schema = SCHEMAS[channel] as Schema<C>
  const checked = schema(rawRequest)
  if (!checked.ok) throw new EpsinasError('BAD_ARGUMENT', `Invalid ${channel} request: ${formatIssues(checked.issues)}.`)
  const handle = handlers[channel] as (request: ApiRequest<C>) => Promise<ApiResponse<C>>
  return handle(checked.value)
}
