/**
 * The e2e world: a temp data folder with a real SQLite cache, the real API services behind the
 * real HTTP bridge serving the built renderer, a local file server with the fixture benchmark,
 * and one Chromium page opened at the URL `epsinas serve` would print.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { bundledCatalogueData } from '../../src/main/benchmarks/catalogue.ts'
import { startHttpBridge, type HttpBridge } from '../../src/main/bridge/index.ts'
import { createApiServices, type ApiServices } from '../../src/main/services/api/index.ts'
import { openStore } from '../../src/main/store/index.ts'
import type { ScoreStore } from '../../src/main/store/index.ts'
import type { GpuWorkerPool } from '../../src/main/gpu/worker-client.ts'
import { startServer, type TestServer } from '../benchmarks/download/server.ts'
import { launchChromium } from './browser.ts'
import { RENDERER_OUT } from './build-renderer.ts'
import { suiteZeroItem, suiteZeroJson, writeCatalogueFile } from './fixture-benchmark.ts'

/** Everything a test drives or checks. */
export interface World {
  dir: string
  store: ScoreStore
  services: ApiServices
  bridge: HttpBridge
  files: TestServer
  fixture: Buffer
  browser: Browser
  page: Page
  /** Folder the screenshots go to. */
  artifacts: string
  close(): Promise<void>
}

/** Starts everything; `archs` are the architectures the fixture must cover; `gpuPool`: GPU workers for jobs:start-gpu. */
export async function startWorld(archs: readonly string[], options: { gpuPool?: GpuWorkerPool } = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'epsinas-e2e-'))
  const artifacts = process.env.E2E_ARTIFACTS ?? join(tmpdir(), 'epsinas-e2e-artifacts')
  mkdirSync(artifacts, { recursive: true })
  const files = await startServer()
  const fixture = suiteZeroJson(archs, 3000)
  files.route('/zc_nasbench201.json', { body: fixture, etag: '"fixture-1"' })
  // The real catalogue, with its Suite-Zero NB201 item pointing at the local fixture instead.
  const real = bundledCatalogueData().items.filter((item) => item.id !== 'zc-nasbench201')
  const cataloguePath = writeCatalogueFile(dir, [suiteZeroItem(fixture, files.url('/zc_nasbench201.json')), ...real])
  const store = openStore(join(dir, 'epsinas.db'))
  const services = createApiServices({ store, version: '0.0.0-e2e', workers: 2, dataDir: join(dir, 'data'), cataloguePath, progressIntervalMs: 50, downloadRetry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 10 }, gpuPool: options.gpuPool })
  const bridge = await startHttpBridge({ handlers: services.handlers, progress: services.progress, benchmarkProgress: services.benchmarkProgress, rendererDir: RENDERER_OUT })
  const browser = await launchChromium()
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 })
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(String(error)))
  // Chromium reports what the renderer's CSP blocked (inline styles included) as console errors;
  // any of them fails the run, so the strict policy is checked on every page the tests visit.
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) errors.push(`CSP violation: ${message.text()}`)
  })
  return {
    dir,
    store,
    services,
    bridge,
    files,
    fixture,
    browser,
    page,
    artifacts,
    async close() {
      await browser.close().catch(() => {})
      await bridge.close().catch(() => {})
      await services.dispose()
      store.close()
      await files.close()
      rmSync(dir, { recursive: true, force: true })
      if (errors.length > 0) throw new Error(`the page threw or broke its CSP: ${errors.join('; ')}`)
    },
  }
}
