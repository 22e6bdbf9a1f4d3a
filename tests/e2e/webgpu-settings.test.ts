/**
 * The Settings page lists every backend as `epsinas doctor` does: which runs here, which is
 * installed but idle (tfjs-webgpu outside the desktop app), which was only evaluated, and why.
 * Leaves webgpu-settings.png in the artifacts folder.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { chromiumPath } from './browser.ts'
import { ensureRendererBuilt } from './build-renderer.ts'
import { startWorld, type World } from './harness.ts'
import { openPage, screenshot, until } from './steps.ts'

let world: World

beforeAll(async () => {
  chromiumPath()
  await ensureRendererBuilt()
  world = await startWorld([nb201ArchAt(0)])
})
afterAll(async () => {
  await world?.close()
})

describe('Settings: the backends', () => {
  test('one row per backend of app:info, with its state and reason', async () => {
    const { page } = world
    await openPage(page, world.bridge.url, 'settings')
    const info = await world.services.handlers['app:info']()
    const rows = page.getByTestId('backends').locator('tbody tr')
    await until('the backend rows', () => rows.count(), (n) => n === info.backends.length)
    for (const [i, backend] of info.backends.entries()) {
      const text = (await rows.nth(i).textContent()) ?? ''
      expect(text).toContain(backend.id)
      expect(text).toContain(backend.used ? 'in use' : backend.available ? 'available' : 'not available')
      expect(text).toContain(backend.reason)
    }
    expect(info.backends.find((b) => b.id === 'tfjs-webgpu')?.reason).toMatch(/desktop app's Chromium/)
    await screenshot(page, world.artifacts, 'webgpu-settings')
  })
})
