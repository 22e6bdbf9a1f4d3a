/**
 * Electron entry: creates the hardened window and wires each API channel to its handler.
 * Kept thin on purpose; everything testable lives in window.ts and api-handlers.ts.
 */
import { app, BrowserWindow, ipcMain, session, type IpcMainInvokeEvent } from 'electron'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { API_CHANNELS, BENCHMARK_PROGRESS_CHANNEL, PROGRESS_CHANNEL, type ApiResult } from '../shared/api.ts'
import { EpsinasError, serializeError } from '../shared/errors.ts'
import { createApiServices, dispatch, type ApiHandlers, type ApiServices } from './api-handlers.ts'
import { openStore } from './store/index.ts'
import { defaultDatabasePath } from './services/paths.ts'
import { buildWindowOptions, guardNavigation, isSameAppUrl } from './window.ts'

// Built layout (electron-vite): out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url))
const rendererFile = fileURLToPath(new URL('../renderer/index.html', import.meta.url))

/** The URL the window shows: the Vite dev server under `electron-vite dev`, else the built file. */
function appUrl(): string {
  const devServer = process.env.ELECTRON_RENDERER_URL
  return !app.isPackaged && devServer ? devServer : pathToFileURL(rendererFile).href
}

function createWindow(url: string): BrowserWindow {
  const window = new BrowserWindow(buildWindowOptions({ preloadPath }))
  guardNavigation(window.webContents, url)
  window.once('ready-to-show', () => window.show())
  void window.loadURL(url)
  return window
}

/** Registers one ipcMain.handle per contract channel; only frames showing our app may call. */
function registerIpc(handlers: ApiHandlers, url: string): void {
  for (const channel of API_CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, request: unknown): Promise<ApiResult<unknown>> => {
      const senderUrl = event.senderFrame?.url ?? ''
      if (!isSameAppUrl(senderUrl, url)) {
        return { ok: false, error: serializeError(new EpsinasError('INTERNAL', 'Request refused: it did not come from the workbench window.')) }
      }
      return dispatch(handlers, channel, request)
    })
  }
}

/** The app shows only its own bundled page, so it never needs a browser permission. */
function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
}

/** The services over the default score cache; on quit, running jobs are paused (resumable) and the cache closed. */
function createServices(): ApiServices {
  const store = openStore(defaultDatabasePath())
  const services = createApiServices({ store, version: app.getVersion() })
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

app.enableSandbox()

void app.whenReady().then(() => {
  const url = appUrl()
  denyAllPermissions()
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
