import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ProgressEvent } from '../../../src/shared/api.ts'
import type { ProgressHub } from '../../../src/main/services/api/index.ts'

/** The score configuration the API tests use: small batch, so scoring is quick. */
export const SMALL_CONFIG = { space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 4, weights: [1e-7, 1], engine: 'collapsed' } as const

/** A fresh temporary directory and its cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Resolves with the first event of `jobId` that satisfies `until`; rejects after `timeoutMs`. */
export function waitForEvent(hub: ProgressHub, jobId: string, until: (event: ProgressEvent) => boolean, timeoutMs = 30_000): Promise<ProgressEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error(`no matching progress event for ${jobId} within ${timeoutMs} ms`))
    }, timeoutMs)
    const unsubscribe = hub.subscribe((event) => {
      if (event.jobId !== jobId || !until(event)) return
      clearTimeout(timer)
      unsubscribe()
      resolve(event)
    })
  })
}
