/**
 * Window hardening as plain functions: the options builder, the navigation, webview, sender and
 * permission rules import nothing from Electron at runtime, so a Node unit test can check them
 * without the Electron binary (index.ts only wires them up).
 */
import type { BrowserWindowConstructorOptions } from 'electron'

/** What the window options depend on. */
export interface WindowOptionsInput {
  /** Absolute path of the built preload script. */
  preloadPath: string
  /** Whether DevTools can be opened: only in development, never in a packaged app. */
  devTools: boolean
}

/** Options of the main window, with every security setting spelled out rather than left to defaults. */
export function buildWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'epsinas workbench',
    autoHideMenuBar: true,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false,
      devTools: input.devTools,
    },
  }
}

/**
 * Whether `target` is still our app: the same app:// host or dev-server origin (a reload or a hash
 * change), or the same file as a file: app. Unparsable URLs are never allowed.
 */
export function isSameAppUrl(target: string, appUrl: string): boolean {
  const to = parseUrl(target)
  const app = parseUrl(appUrl)
  if (!to || !app) return false
  // file: URLs have the opaque origin "null", so compare the file itself.
  if (app.protocol === 'file:') return to.protocol === 'file:' && to.pathname === app.pathname
  // So do custom schemes such as app: in the URL standard (Node's URL), every one of them: comparing
  // origins would let foo://anything pass for app://workbench. Compare scheme and host instead.
  if (app.origin === 'null') return to.protocol === app.protocol && to.host === app.host
  return to.origin === app.origin
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/** The parts of a navigation event the guards need (Electron's events satisfy it). */
export interface NavigationEvent {
  readonly url: string
  /** Set by will-frame-navigate: false for a navigation inside a sub-frame. */
  readonly isMainFrame?: boolean
  preventDefault(): void
}

/** An event that can only be refused (will-attach-webview). */
export interface PreventableEvent {
  preventDefault(): void
}

/** The parts of a WebContents the guards need, typed structurally so a test can pass a plain object. */
export interface GuardableContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: NavigationEvent) => void): unknown
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown
  setWindowOpenHandler(handler: () => { action: 'deny' }): void
}

/**
 * Hardens one WebContents (every one the app creates, through app 'web-contents-created'): no
 * navigation or redirect away from the app, no navigation inside frames (the app has none), no
 * <webview>, no new windows (links to the web included).
 */
export function hardenContents(contents: GuardableContents, appUrl: string): void {
  const blockForeign = (event: NavigationEvent): void => {
    if (!isSameAppUrl(event.url, appUrl)) event.preventDefault()
  }
  contents.on('will-navigate', blockForeign)
  contents.on('will-redirect', blockForeign)
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame === false || !isSameAppUrl(event.url, appUrl)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}

/** The frame an IPC call came from (Electron's WebFrameMain satisfies it). */
export interface SenderFrame {
  readonly url: string
  /** null for the top frame of the window. */
  readonly parent: unknown
}

/** Whether an IPC call may be served: it comes from the top frame of a window showing our app. */
export function isTrustedSender(frame: SenderFrame | null | undefined, appUrl: string): boolean {
  return frame != null && frame.parent === null && isSameAppUrl(frame.url, appUrl)
}

/** The permission hooks of a session, typed structurally (Electron's Session satisfies it). */
export interface PermissionSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void
  setDisplayMediaRequestHandler(handler: (request: unknown, callback: (streams: null) => void) => void): void
}

/**
 * The app shows only its own bundled page, which needs no browser permission: every request and
 * check is refused (camera, notifications, clipboard...), every HID/USB/serial device, and every
 * screen capture (getDisplayMedia).
 */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
  session.setDisplayMediaRequestHandler((_request, callback) => callback(null))
}
