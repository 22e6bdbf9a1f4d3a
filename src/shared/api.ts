/**
 * The API contract between the renderer and the main process: one type map of request channels
 * that drives the IPC handlers, the preload bridge, the renderer client and a future HTTP bridge.
 * Types and plain constants only: the renderer imports this file, so nothing environment-specific.
 */
import type { DatasetId, SpaceId } from './types.ts'
import type { SerializedError } from './errors.ts'

/** Facts about the running workbench, shown on the start page. */
export interface AppInfo {
  version: string
  engines: string[]
  backend: string
  /** Why that backend was picked (or why a faster one is unavailable). */
  backendReason: string
  dbPath: string
}

/** Which cached scores to list. */
export interface ScoresListRequest {
  space: SpaceId
  dataset: DatasetId
  /** At most this many rows; the service picks a default when absent. */
  limit?: number
}

/** One cached score; `epsilon` is null exactly when the score is NaN. */
export interface ScoreListItem {
  arch: string
  epsilon: number | null
}

/** Every request channel with its request and response types. Adding a call starts here. */
export interface ApiContract {
  'app:info': { request: void; response: AppInfo }
  'scores:list': { request: ScoresListRequest; response: ScoreListItem[] }
}

/** A request channel name. */
export type ApiChannel = keyof ApiContract

/** What a caller sends on a channel. */
export type ApiRequest<C extends ApiChannel> = ApiContract[C]['request']

/** What a channel answers on success. */
export type ApiResponse<C extends ApiChannel> = ApiContract[C]['response']

// A Record over ApiChannel must name every channel and no other, so the list below stays complete.
const CHANNEL_SET: Record<ApiChannel, true> = { 'app:info': true, 'scores:list': true }

/** Every request channel, for allow-lists at runtime. */
export const API_CHANNELS: readonly ApiChannel[] = Object.freeze(Object.keys(CHANNEL_SET) as ApiChannel[])

/** Narrows an untrusted value to a known request channel. */
export function isApiChannel(value: unknown): value is ApiChannel {
  return typeof value === 'string' && (API_CHANNELS as readonly string[]).includes(value)
}

/** What crosses the boundary: a value, or an error as data (never a raw Error, which loses its code). */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: SerializedError }

/** Progress of a long job, pushed from main to the renderer. */
export interface ProgressEvent {
  jobId: string
  done: number
  total: number
  /** Items per second so far. */
  rate: number
  etaSeconds: number | null
}

/** The event channel on which ProgressEvent is pushed. */
export const PROGRESS_CHANNEL = 'jobs:progress'

/** Stops a subscription. */
export type Unsubscribe = () => void

/** What the preload exposes to the page as `window.epsinas`. */
export interface EpsinasBridge {
  /** Sends a request on a contract channel; errors come back as data in the result. */
  invoke<C extends ApiChannel>(channel: C, request: ApiRequest<C>): Promise<ApiResult<ApiResponse<C>>>
  /** Calls back on every progress event until the returned function is called. */
  onProgress(callback: (event: ProgressEvent) => void): Unsubscribe
}
