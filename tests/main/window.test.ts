import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { RENDERER_CSP, SECURITY_HEADERS } from '../../src/main/bridge/index.ts'
import { RENDERER_CSP_DEV, RENDERER_CSP_HEADER } from '../../src/main/renderer-csp.ts'
import {
  buildWindowOptions,
  denyAllPermissions,
  hardenContents,
  isSameAppUrl,
  isTrustedSender,
  type GuardableContents,
  type NavigationEvent,
  type PermissionSession,
  type PreventableEvent,
} from '../../src/main/window.ts'

const APP = 'app://workbench/index.html'

type GuardEvent = 'will-navigate' | 'will-redirect' | 'will-frame-navigate' | 'will-attach-webview'

/** A WebContents stand-in recording what the guards register (structural type, not a mock of ours). */
function contents(): GuardableContents & { listeners: Map<GuardEvent, (event: NavigationEvent & PreventableEvent) => void>; openHandler: (() => { action: 'deny' }) | null } {
  const listeners = new Map<GuardEvent, (event: NavigationEvent & PreventableEvent) => void>()
  const record = {
    listeners,
    openHandler: null as (() => { action: 'deny' }) | null,
    on(event: GuardEvent, listener: (event: NavigationEvent & PreventableEvent) => void) {
      listeners.set(event, listener)
      return record
    },
    setWindowOpenHandler(handler: () => { action: 'deny' }) {
      record.openHandler = handler
    },
  }
  return record
}

/** Fires one guard event; returns whether the guard prevented it. */
function fire(target: ReturnType<typeof contents>, kind: GuardEvent, url: string, isMainFrame?: boolean): boolean {
  let prevented = false
  const listener = target.listeners.get(kind)
  if (!listener) throw new Error(`no ${kind} guard registered`)
  listener({ url, isMainFrame, preventDefault: () => (prevented = true) })
  return prevented
}

describe('buildWindowOptions', () => {
  const prefs = buildWindowOptions({ preloadPath: '/app/out/preload/index.cjs', devTools: false }).webPreferences ?? {}

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

  test('should turn DevTools off unless asked for (index.ts asks only when not packaged)', () => {
    expect(prefs.devTools).toBe(false)
    expect(buildWindowOptions({ preloadPath: '/p.cjs', devTools: true }).webPreferences?.devTools).toBe(true)
  })
})

describe('hardenContents', () => {
  test('should deny every new window (window.open, target=_blank links)', () => {
    const target = contents()
    hardenContents(target, APP)
    expect(target.openHandler?.()).toEqual({ action: 'deny' })
  })

  test('should block navigation and redirects to anything but the app itself', () => {
    const target = contents()
    hardenContents(target, APP)
    for (const kind of ['will-navigate', 'will-redirect', 'will-frame-navigate'] as const) {
      expect(fire(target, kind, 'https://example.com/', true)).toBe(true)
      expect(fire(target, kind, 'file:///etc/passwd', true)).toBe(true)
      expect(fire(target, kind, 'app://other/index.html', true)).toBe(true)
      expect(fire(target, kind, 'not a url', true)).toBe(true)
      expect(fire(target, kind, `${APP}#/compare`, true)).toBe(false)
    }
  })

  test('should block every navigation inside a sub-frame, even to the app (it has no frames)', () => {
    const target = contents()
    hardenContents(target, APP)
    expect(fire(target, 'will-frame-navigate', `${APP}#/runs`, false)).toBe(true)
    expect(fire(target, 'will-frame-navigate', 'https://example.com/', false)).toBe(true)
  })

  test('should refuse to attach any <webview>', () => {
    const target = contents()
    hardenContents(target, APP)
    expect(fire(target, 'will-attach-webview', 'app://workbench/index.html')).toBe(true)
  })
})

describe('isSameAppUrl', () => {
  test('should compare dev-server URLs by origin', () => {
    expect(isSameAppUrl('http://localhost:5173/#/runs', 'http://localhost:5173/')).toBe(true)
    expect(isSameAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false)
  })

  test('should compare app:// URLs by scheme and host, not by their opaque "null" origin', () => {
    expect(isSameAppUrl('app://workbench/assets/index.js', APP)).toBe(true)
    expect(isSameAppUrl('foo://workbench/index.html', APP)).toBe(false)
    expect(isSameAppUrl('evil://attacker/', APP)).toBe(false)
    expect(isSameAppUrl('app://attacker/index.html', APP)).toBe(false)
  })

  test('should compare file: apps by the file itself', () => {
    const file = 'file:///opt/epsinas/out/renderer/index.html'
    expect(isSameAppUrl(`${file}#/compare`, file)).toBe(true)
    expect(isSameAppUrl('file:///etc/passwd', file)).toBe(false)
  })
})

describe('isTrustedSender', () => {
  test('should serve IPC only from the top frame of a window showing the app', () => {
    expect(isTrustedSender({ url: `${APP}#/runs`, parent: null }, APP)).toBe(true)
    expect(isTrustedSender({ url: APP, parent: { url: APP } }, APP)).toBe(false)
    expect(isTrustedSender({ url: 'https://example.com/', parent: null }, APP)).toBe(false)
    expect(isTrustedSender({ url: 'foo://workbench/', parent: null }, APP)).toBe(false)
    expect(isTrustedSender(null, APP)).toBe(false)
    expect(isTrustedSender(undefined, APP)).toBe(false)
  })
})

describe('denyAllPermissions', () => {
  test('should refuse every permission request and check, every device and every screen capture', () => {
    const answers: Record<string, unknown> = {}
    const session: PermissionSession = {
      setPermissionRequestHandler: (handler) => handler({}, 'media', (granted) => (answers.request = granted)),
      setPermissionCheckHandler: (handler) => (answers.check = handler({}, 'clipboard-read')),
      setDevicePermissionHandler: (handler) => (answers.device = handler({ deviceType: 'usb' })),
      setDisplayMediaRequestHandler: (handler) => handler({}, (streams) => (answers.displayMedia = streams)),
    }
    denyAllPermissions(session)
    expect(answers).toEqual({ request: false, check: false, device: false, displayMedia: null })
  })
})

describe('the renderer Content-Security-Policy', () => {
  const html = readFileSync(new URL('../../src/renderer/index.html', import.meta.url), 'utf8')
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''
  const directive = (policy: string, name: string): string => policy.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? ''

  test('should be in index.html (a dev-server page has no other) and equal the one the bridge and app:// use', () => {
    expect(csp).toBe(RENDERER_CSP)
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(RENDERER_CSP_HEADER)
  })

  test('should allow only our own scripts, styles and connections: no eval, no inline script or style, no remote origin', () => {
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/)
    expect(directive(csp, 'script-src')).toBe("script-src 'self'")
    expect(directive(csp, 'style-src')).toBe("style-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
  })

  test('should, as a header, also forbid framing, <base> and form posts', () => {
    expect(RENDERER_CSP_HEADER.startsWith(RENDERER_CSP)).toBe(true)
    for (const d of ["frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"]) expect(RENDERER_CSP_HEADER).toContain(d)
  })

  test('should loosen only style-src, only for the dev server', () => {
    expect(directive(RENDERER_CSP_DEV, 'style-src')).toBe("style-src 'self' 'unsafe-inline'")
    expect(RENDERER_CSP_DEV.replace(" 'unsafe-inline'", '')).toBe(RENDERER_CSP)
  })
})
