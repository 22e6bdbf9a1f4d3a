import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { RENDERER_CSP } from '../../src/main/bridge/index.ts'
import { buildWindowOptions, guardNavigation, isSameAppUrl, type GuardableContents, type NavigationEvent } from '../../src/main/window.ts'

const APP = 'file:///opt/epsinas/resources/app/out/renderer/index.html'

/** A WebContents stand-in recording what the guard registers (structural type, not a mock of ours). */
function contents(): GuardableContents & { listeners: Map<string, (event: NavigationEvent) => void>; openHandler: (() => { action: 'deny' }) | null } {
  const listeners = new Map<string, (event: NavigationEvent) => void>()
  const record = {
    listeners,
    openHandler: null as (() => { action: 'deny' }) | null,
    on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent) => void) {
      listeners.set(event, listener)
      return record
    },
    setWindowOpenHandler(handler: () => { action: 'deny' }) {
      record.openHandler = handler
    },
  }
  return record
}

function navigate(target: ReturnType<typeof contents>, kind: 'will-navigate' | 'will-redirect', url: string): boolean {
  let prevented = false
  target.listeners.get(kind)?.({ url, preventDefault: () => (prevented = true) })
  return prevented
}

describe('buildWindowOptions', () => {
  const prefs = buildWindowOptions({ preloadPath: '/app/out/preload/index.cjs' }).webPreferences ?? {}

  test('should isolate the page: contextIsolation and sandbox on, no Node in the page, workers or frames', () => {
    expect(prefs.contextIsolation).toBe(true)
    expect(prefs.sandbox).toBe(true)
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.nodeIntegrationInWorker).toBe(false)
    expect(prefs.nodeIntegrationInSubFrames).toBe(false)
  })

  test('should keep web security on and the risky features off', () => {
    expect(prefs.webSecurity).toBe(true)
    expect(prefs.allowRunningInsecureContent).toBe(false)
    expect(prefs.webviewTag).toBe(false)
    expect(prefs.experimentalFeatures).toBe(false)
    expect(prefs.preload).toBe('/app/out/preload/index.cjs')
  })
})

describe('guardNavigation', () => {
  test('should deny every new window (window.open, target=_blank links)', () => {
    const target = contents()
    guardNavigation(target, APP)
    expect(target.openHandler?.()).toEqual({ action: 'deny' })
  })

  test('should block navigation and redirects to anything but the app itself', () => {
    const target = contents()
    guardNavigation(target, APP)
    for (const kind of ['will-navigate', 'will-redirect'] as const) {
      expect(navigate(target, kind, 'https://example.com/')).toBe(true)
      expect(navigate(target, kind, 'file:///etc/passwd')).toBe(true)
      expect(navigate(target, kind, 'not a url')).toBe(true)
      expect(navigate(target, kind, `${APP}#/compare`)).toBe(false)
    }
  })

  test('should compare dev-server URLs by origin', () => {
    expect(isSameAppUrl('http://localhost:5173/#/runs', 'http://localhost:5173/')).toBe(true)
    expect(isSameAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false)
  })
})

describe('the renderer Content-Security-Policy', () => {
  const html = readFileSync(new URL('../../src/renderer/index.html', import.meta.url), 'utf8')
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''

  test('should be in index.html (the Electron window has no server to send headers) and equal the bridge header', () => {
    expect(csp).toBe(RENDERER_CSP)
  })

  test('should allow only our own scripts and connections: no eval, no inline script, no remote origin', () => {
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/)
    expect(/script-src[^;]*unsafe-inline/.test(csp)).toBe(false)
  })
})
