/**
 * Electron entry: creates the hardened window and wires each API channel to its handler.
 * Kept thin on purpose; everything testable lives in window.ts, app-protocol.ts and api-handlers.ts.
 */
import { app, BrowserWindow, ipcMain, protocol, session, type IpcMainInvokeEvent } from 'electron'
import { fileURLToPath } from 'node:url'
import { API_CHANNELS, BENCHMARK_PROGRESS_CHANNEL, PROGRESS_CHANNEL, type ApiResult } from '../shared/api.ts'
import { EpsinasError, serializeError } from '../shared/errors.ts'
import { createApiServices, dispatch, type ApiHandlers, type ApiServices } from './api-handlers.ts'
import { answerAppRequest, APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES } from './app-protocol.ts'
import { openStore } from './store/index.ts'
import { defaultDatabasePath } from './services/paths.ts'
import { buildWindowOptions, denyAllPermissions, hardenContents, isTrustedSender } from './window.ts'
import { existsSync } from 'node:fs'
import { GPU_ASSETS } from './gpu/assets.ts'
import { switchParts, webGpuSwitches } from './gpu/chromium-switches.ts'
import { electronGpuWorkerPool } from './gpu/electron-workers.ts'
import type { GpuWorkerPool } from './gpu/worker-client.ts'

// Built layout (electron-vite): out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url))
const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url))
// The GPU worker window, written by scripts/build-gpu-worker.ts (npm run build).
const gpuAssetsDir = fileURLToPath(new URL('../gpu/', import.meta.url))

/** The hidden GPU windows, when the build wrote them (it skips them without tfjs-backend-webgpu). */
function gpuPool(): GpuWorkerPool | undefined {
  return existsSync(`${gpuAssetsDir}${GPU_ASSETS.script}`) ? electronGpuWorkerPool(gpuAssetsDir) : undefined
}

/** The URL the window shows: the Vite dev server under `electron-vite dev`, else the bundle over app://. */
function appUrl(): string {
  const devServer = process.env.ELECTRON_RENDERER_URL
  return !app.isPackaged && devServer ? devServer : APP_ENTRY_URL
}

function createWindow(url: string): BrowserWindow {
  // DevTools only for a developer's unpackaged run, never in the shipped app.
  const window = new BrowserWindow(buildWindowOptions({ preloadPath, devTools: !app.isPackaged }))
  window.once('ready-to-show', () => window.show())
  void window.loadURL(url)
  return window
}

/** Registers one ipcMain.handle per contract channel; only the top frame of a window showing our app may call. */
function registerIpc(handlers: ApiHandlers, url: string): void {
  for (const channel of API_CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, request: unknown): Promise<ApiResult<unknown>> => {
      if (!isTrustedSender(event.senderFrame, url)) {
        return { ok: false, error: serializeError(new EpsinasError('INTERNAL', 'Request refused: it did not come from the workbench window.')) }
      }
      return dispatch(handlers, channel, request)
    })
  }
}

/** The services over the default score cache; on quit, running jobs are paused (resumable) and the cache closed. */
function createServices(): ApiServices {
  const store = openStore(defaultDatabasePath())
  const services = createApiServices({ store, version: app.getVersion(), gpuPool: gpuPool() })
  let closing = false
  app.on('will-quit', (event) => {
    if (closing) return
    closing = true
    event.preventDefault()
    void services.dispose().finally(() => {
      store.close()
      app.quit()
    })
  })
  return services
}

// Before ready: app:// must be a standard, secure scheme for the page to get a real origin.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }])
app.enableSandbox()
// Chromium reads its switches at start-up: WebGPU for the GPU workers must be switched on before ready.
for (const flag of webGpuSwitches(process.platform, process.env)) app.commandLine.appendSwitch(...switchParts(flag))

const url = appUrl()
// Every WebContents the app ever creates is hardened, not only the main window's.
app.on('web-contents-created', (_event, contents) => hardenContents(contents, url))

void app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, (request) => answerAppRequest(request, rendererDir))
  denyAllPermissions(session.defaultSession)
  const services = createServices()
  registerIpc(services.handlers, url)
  // Progress goes to every window of the app (each shows only our own page).
  services.progress.subscribe((event) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(PROGRESS_CHANNEL, event)
  })
  services.benchmarkProgress.subscribe((event) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(BENCHMARK_PROGRESS_CHANNEL, event)
  })
  createWindow(url)

  // macOS: re-create the window when the dock icon is clicked and none is open.
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(url)
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
