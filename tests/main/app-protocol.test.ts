/**
 * The app:// protocol of the desktop app, answered in Node exactly as Electron's protocol.handle
 * passes requests to it: a real renderer folder in a temp dir, a secret file beside it, a symlink out.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { answerAppRequest, APP_ENTRY_URL, APP_SCHEME_PRIVILEGES } from '../../src/main/app-protocol.ts'
import { RENDERER_CSP_HEADER } from '../../src/main/renderer-csp.ts'
import { isSameAppUrl } from '../../src/main/window.ts'

let dir: string
let renderer: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'epsinas-app-protocol-'))
  renderer = join(dir, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>workbench</title>')
  writeFileSync(join(renderer, 'assets', 'index.js'), 'console.log(1)')
  writeFileSync(join(dir, 'secret.txt'), 'do not serve')
  symlinkSync(join(dir, 'secret.txt'), join(renderer, 'assets', 'link.txt'))
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const get = (url: string, method = 'GET'): Promise<Response> => answerAppRequest({ url, method }, renderer)

describe('answerAppRequest', () => {
  test('should serve the entry page and assets of the renderer folder with their types and the CSP header', async () => {
    const page = await get(APP_ENTRY_URL)
    expect(page.status).toBe(200)
    expect(await page.text()).toBe('<!doctype html><title>workbench</title>')
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toBe(RENDERER_CSP_HEADER)
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    const script = await get('app://workbench/assets/index.js')
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toBe('console.log(1)')
    expect(await (await get('app://workbench/')).text()).toContain('<title>workbench</title>')
  })

  test('should refuse every way out of the renderer folder', async () => {
    // Encoded separators and NUL survive URL parsing and are refused as such.
    for (const url of ['app://workbench/..%2fsecret.txt', 'app://workbench/assets/..%5c..%5csecret.txt', 'app://workbench/index.html%00.js']) {
      const answer = await get(url)
      expect(answer.status, url).toBe(400)
      expect(await answer.text()).not.toContain('do not serve')
    }
    // URL parsing folds ../ and %2e%2e/ segments at the root, so they look inside the folder only.
    for (const url of ['app://workbench/../secret.txt', 'app://workbench/%2e%2e/secret.txt', 'app://workbench/assets/%2E%2E/%2e%2e/secret.txt']) {
      const answer = await get(url)
      expect(answer.status, url).toBe(404)
      expect(await answer.text()).not.toContain('do not serve')
    }
    const link = await get('app://workbench/assets/link.txt')
    expect(link.status).toBe(404)
    expect(await link.text()).not.toContain('do not serve')
  })

  test('should refuse other hosts and schemes, and anything but GET and HEAD', async () => {
    for (const url of ['app://attacker/index.html', 'file:///etc/passwd', 'http://workbench/index.html', 'not a url']) {
      const answer = await get(url)
      expect([400, 403], url).toContain(answer.status)
      expect(answer.headers.get('content-security-policy')).toBe(RENDERER_CSP_HEADER)
    }
    expect((await get(APP_ENTRY_URL, 'POST')).status).toBe(405)
    expect((await get('app://workbench/missing.js')).status).toBe(404)
  })

  test('should answer HEAD with the length and no body', async () => {
    const head = await get(APP_ENTRY_URL, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('39')
    expect(await head.text()).toBe('')
  })
})

describe('the app scheme', () => {
  test('should be standard and secure (a real origin, a secure context) without bypassing the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true, bypassCSP: false, allowServiceWorkers: false })
  })

  test('should be the app URL the window and IPC checks compare against', () => {
    expect(isSameAppUrl('app://workbench/index.html#/compare', APP_ENTRY_URL)).toBe(true)
    expect(isSameAppUrl('app://attacker/index.html', APP_ENTRY_URL)).toBe(false)
  })
})
