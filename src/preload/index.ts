/**
 * The only bridge between the page and the main process: exposes `window.epsinas` with one named
 * function per channel of the shared contract plus the progress subscriptions, nothing generic.
 * Runs sandboxed, so it is bundled as CommonJS and imports only `electron` (the rest is inlined).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  BENCHMARK_PROGRESS_CHANNEL,
  PROGRESS_CHANNEL,
  type ApiEventChannel,
  type ApiEvents,
  type ApiResult,
  type EpsinasBridge,
  type Unsubscribe,
} from '../shared/api.ts'
import { serializeError } from '../shared/errors.ts'
import { buildBridgeMethods } from './methods.ts'

const methods = buildBridgeMethods(async (channel, request): Promise<ApiResult<unknown>> => {
  try {
    return (await ipcRenderer.invoke(channel, request)) as ApiResult<unknown>
  } catch (error) {
    // Only reached when main has no handler or the request cannot be cloned; keep it as data too.
    return { ok: false, error: serializeError(error) }
  }
})

/** Subscribes to one event channel; the page never sees the IpcRendererEvent (it carries the sender). */
function subscribe<E extends ApiEventChannel>(channel: E, callback: (event: ApiEvents[E]) => void): Unsubscribe {
  const listener = (_event: IpcRendererEvent, payload: ApiEvents[E]): void => callback(payload)
  ipcRenderer.on(channel, listener)
  return () => {
    ipcRenderer.removeListener(channel, listener)
  }
}

const bridge: EpsinasBridge = {
  ...methods,
  onProgress: (callback) => subscribe(PROGRESS_CHANNEL, callback),
  onBenchmarkProgress: (callback) => subscribe(BENCHMARK_PROGRESS_CHANNEL, callback),
}

contextBridge.exposeInMainWorld('epsinas', bridge)
