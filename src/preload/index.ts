/**
 * The only bridge between the page and the main process: exposes `window.epsinas`, limited to the
 * channels of the shared contract. Runs sandboxed, so it is bundled as CommonJS and imports only
 * `electron` (everything else is inlined by the build).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  PROGRESS_CHANNEL,
  isApiChannel,
  type ApiChannel,
  type ApiRequest,
  type ApiResponse,
  type ApiResult,
  type EpsinasBridge,
  type ProgressEvent,
} from '../shared/api.ts'
import { serializeError } from '../shared/errors.ts'

const bridge: EpsinasBridge = {
  async invoke<C extends ApiChannel>(channel: C, request: ApiRequest<C>): Promise<ApiResult<ApiResponse<C>>> {
    // The page is untrusted: refuse any channel outside the contract before it reaches ipcRenderer.
    if (!isApiChannel(channel)) {
      return { ok: false, error: { code: 'BAD_ARGUMENT', message: `Unknown API channel ${JSON.stringify(channel)}.` } }
    }
    try {
      return (await ipcRenderer.invoke(channel, request)) as ApiResult<ApiResponse<C>>
    } catch (error) {
      // Only reached when main has no handler or the request cannot be cloned; keep it as data too.
      return { ok: false, error: serializeError(error) }
    }
  },

  onProgress(callback: (event: ProgressEvent) => void): () => void {
    // Never hand the IpcRendererEvent to the page: it carries the sender.
    const listener = (_event: IpcRendererEvent, payload: ProgressEvent): void => callback(payload)
    ipcRenderer.on(PROGRESS_CHANNEL, listener)
    return () => {
      ipcRenderer.removeListener(PROGRESS_CHANNEL, listener)
    }
  },
}

contextBridge.exposeInMainWorld('epsinas', bridge)
