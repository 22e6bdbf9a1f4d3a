/**
 * The request side of the API contract, free of Electron: validates untrusted requests and
 * delegates to one handler per channel. The IPC wiring in index.ts (and later the HTTP bridge)
 * call `dispatch`, so both get the same checks and the same `{ ok, value | error }` results.
 */
import {
  isApiChannel,
  type ApiChannel,
  type ApiRequest,
  type ApiResponse,
  type ApiResult,
  type ScoresListRequest,
} from '../shared/api.ts'
import { DATASETS, type DatasetId } from '../shared/types.ts'
import { EpsinasError, serializeError } from '../shared/errors.ts'

/** One function per channel, taking an already validated request. */
export type ApiHandlers = { [C in ApiChannel]: (request: ApiRequest<C>) => Promise<ApiResponse<C>> }

/** What the placeholder handlers need from their environment. */
export interface HandlerContext {
  /** The app version (Electron's app.getVersion() in the desktop app). */
  version: string
}

/** Largest `limit` a caller may ask for in one page of scores. */
export const MAX_SCORES_LIMIT = 100_000

/** Checks one channel's untrusted request and returns it typed, or throws BAD_ARGUMENT. */
type Validator<C extends ApiChannel> = (raw: unknown) => ApiRequest<C>

const validators: { [C in ApiChannel]: Validator<C> } = {
  'app:info': (raw) => {
    if (raw !== undefined && raw !== null) badArgument('app:info takes no request; send nothing.')
  },
  'scores:list': (raw) => validateScoresList(raw),
}

function validateScoresList(raw: unknown): ScoresListRequest {
  if (typeof raw !== 'object' || raw === null) badArgument('scores:list needs an object { space, dataset, limit? }.')
  const { space, dataset, limit } = raw as Record<string, unknown>
  if (space !== 'nb201') badArgument(`Unknown search space ${JSON.stringify(space)}; use "nb201".`)
  if (typeof dataset !== 'string' || !Object.hasOwn(DATASETS, dataset)) {
    badArgument(`Unknown dataset ${JSON.stringify(dataset)}; use one of ${Object.keys(DATASETS).join(', ')}.`)
  }
  if (limit !== undefined && !(Number.isInteger(limit) && (limit as number) >= 1 && (limit as number) <= MAX_SCORES_LIMIT)) {
    badArgument(`limit must be a whole number from 1 to ${MAX_SCORES_LIMIT}; got ${JSON.stringify(limit)}.`)
  }
  return { space, dataset: dataset as DatasetId, ...(limit === undefined ? {} : { limit: limit as number }) }
}

function badArgument(message: string): never {
  throw new EpsinasError('BAD_ARGUMENT', message)
}

/**
 * Placeholder handlers for the skeleton.
 * TODO(services): replace with the services layer (src/main/services) once it implements the
 * shared API: app:info from the backend probe and store path, scores:list from the score store.
 */
export function createPlaceholderHandlers(context: HandlerContext): ApiHandlers {
  return {
    'app:info': async () => ({
      version: context.version,
      engines: ['collapsed', 'full'],
      backend: 'unknown',
      backendReason: 'Not probed yet: the services layer is not connected to the desktop app.',
      dbPath: '',
    }),
    'scores:list': async () => [],
  }
}

/** Validates and runs one request; every failure, expected or not, comes back as data. */
export async function dispatch(handlers: ApiHandlers, channel: unknown, rawRequest: unknown): Promise<ApiResult<unknown>> {
  try {
    if (!isApiChannel(channel)) badArgument(`Unknown API channel ${JSON.stringify(channel)}.`)
    return { ok: true, value: await runChannel(handlers, channel, rawRequest) }
  } catch (error) {
    return { ok: false, error: serializeError(error) }
  }
}

// Generic over the channel so each validator's output feeds its own handler without casts.
function runChannel<C extends ApiChannel>(handlers: ApiHandlers, channel: C, rawRequest: unknown): Promise<ApiResponse<C>> {
  const validate = validators[channel] as Validator<C>
  const handle = handlers[channel] as (request: ApiRequest<C>) => Promise<ApiResponse<C>>
  return handle(validate(rawRequest))
}
