import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startHttpBridge, type HttpBridge } from '../../src/main/bridge/index.ts'
import { createApiServices, type ApiServices } from '../../src/main/services/api/index.ts'
import { openStore, type ScoreStore } from '../../src/main/store/index.ts'
import type { SpaceView } from '../../src/shared/api.ts'
import { tempDir } from '../services/api/helpers.ts'
import { callApi } from './helpers.ts'

describe('spaces:list over the HTTP bridge', () => {
  let cleanup: () => void
  let store: ScoreStore
  let services: ApiServices
  let bridge: HttpBridge

  beforeAll(async () => {
    const temp = tempDir('epsinas-bridge-spaces-')
    cleanup = temp.cleanup
    store = openStore(join(temp.dir, 'scores.db'))
    services = createApiServices({ store, version: '1.2.3', workers: 1, dataDir: temp.dir })
    bridge = await startHttpBridge({ handlers: services.handlers, progress: services.progress, port: 0 })
  })
  afterAll(async () => {
    await bridge.close()
    await services.dispose()
    store.close()
    cleanup()
  })

  test('should list every registered space with its title, datasets, default weights and size, the default first', async () => {
    const reply = await callApi(bridge.origin, bridge.token, 'spaces:list')
    expect(reply.status).toBe(200)
    const body = reply.json() as { ok: true; value: SpaceView[] }
    expect(body.ok).toBe(true)
    const builtIn = { kind: 'built-in', source: null, importedAt: null, warnings: [] }
    expect(body.value).toEqual([
      { id: 'nb201', title: 'NAS-Bench-201', datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], defaultWeights: [1e-7, 1], size: 15_625, inputShape: [3, 32, 32], ...builtIn },
      { id: 'nb101', title: 'NAS-Bench-101', datasets: ['cifar10'], defaultWeights: [1e-4, 10], size: 423_624, inputShape: [3, 32, 32], ...builtIn },
      { id: 'nbnlp', title: 'NAS-Bench-NLP', datasets: ['ptb'], defaultWeights: [1e-5, 1e-3], size: null, inputShape: null, ...builtIn },
      { id: 'natssss', title: 'NATS-Bench size', datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], defaultWeights: [1e-5, 1], size: 32_768, inputShape: [3, 32, 32], ...builtIn },
    ])
  })

  test('should refuse arguments, and an unknown space elsewhere in one line listing the known ones', async () => {
    const withArgs = (await callApi(bridge.origin, bridge.token, 'spaces:list', { space: 'nb201' })).json() as { ok: false; error: { code: string } }
    expect(withArgs).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } })
    const config = { space: 'nb999', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 4, weights: [1e-7, 1], engine: 'collapsed' }
    const unknown = (await callApi(bridge.origin, bridge.token, 'scores:list', config)).json() as { ok: false; error: { code: string; message: string } }
    expect(unknown.error.code).toBe('BAD_ARGUMENT')
    expect(unknown.error.message).toContain('"nb201", "nb101", "nbnlp", "natssss"')
    expect(unknown.error.message).not.toContain('\n')
  })
})
