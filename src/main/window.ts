/**
 * Window hardening as plain functions: the options builder and the navigation rules import nothing
 * from Electron at runtime, so a Node unit test can check them without the Electron binary.
 */
import type { BrowserWindowConstructorOptions } from 'electron'

/** What the window options depend on. */
export interface WindowOptionsInput {
  /** Absolute path of the built preload script. */
  preloadPath: string
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
    },
  }
}

/**
 * Whether `target` is still our app: same origin as the dev server, or the same file as the built
 * index.html (a reload or a hash change). Unparsable URLs are never allowed.
 */
export function isSameAppUrl(target: string, appUrl: string): boolean {
  const to = parseUrl(target)
  const app = parseUrl(appUrl)
  if (!to || !app) return false
  // file: URLs have the opaque origin "null", so compare the file itself.
  if (app.protocol === 'file:') return to.protocol === 'file:' && to.pathname === app.pathname
  return to.origin === app.origin
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/** The parts of a navigation event the guard needs (Electron's event satisfies it). */
export interface NavigationEvent {
  readonly url: string
  preventDefault(): void
}

/** The parts of a WebContents the guard needs, typed structurally so a test can pass a plain object. */
export interface GuardableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent) => void): unknown
  setWindowOpenHandler(handler: () => { action: 'deny' }): void
}

/** Blocks navigation away from the app and every new window (links to the web included). */
export function guardNavigation(contents: GuardableContents, appUrl: string): void {
  const blockForeign = (event: NavigationEvent): void => {
    if (!isSameAppUrl(event.url, appUrl)) event.preventDefault()
  }
  contents.on('will-navigate', blockForeign)
  contents.on('will-redirect', blockForeign)
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}
