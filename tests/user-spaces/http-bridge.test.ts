import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startHttpBridge, type HttpBridge } from '../../src/main/bridge/index.ts'
import { createApiServices, type ApiServices } from '../../src/main/services/api/index.ts'
import { openStore, type ScoreStore } from '../../src/main/store/index.ts'
import { loadedUserSpace, removeUserSpace } from '../../src/main/user-spaces/index.ts'
import type { SpaceDetails, SpaceView } from '../../src/shared/api.ts'
import { tempDir } from '../services/api/helpers.ts'
import { callApi } from '../bridge/helpers.ts'
import { SMALL_MODELS, writeModels } from './helpers.ts'

type Answer<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } }

describe('spaces:import, list, show and remove over the HTTP bridge', () => {
  let dir: string
  let cleanup: () => void
  let store: ScoreStore
  let services: ApiServices
  let bridge: HttpBridge
  const call = async <T>(channel: string, body?: unknown): Promise<Answer<T>> => (await callApi(bridge.origin, bridge.token, channel, body)).json() as Answer<T>

  beforeAll(async () => {
    ;({ dir, cleanup } = tempDir('epsinas-bridge-user-spaces-'))
    store = openStore(join(dir, 'scores.db'))
    services = createApiServices({ store, version: '1.2.3', workers: 1, dataDir: join(dir, 'home') })
    bridge = await startHttpBridge({ handlers: services.handlers, progress: services.progress, port: 0 })
  })
  afterAll(async () => {
    await bridge.close()
    await services.dispose()
    store.close()
    if (loadedUserSpace('bridged')) removeUserSpace('bridged', join(dir, 'home'))
    cleanup()
  })

  test('an imported folder is listed with its kind, input shape and source, shown with its files, then removed', async () => {
    const models = writeModels(join(dir, 'models'), SMALL_MODELS)
    const imported = await call<SpaceView>('spaces:import', { name: 'bridged', path: models })
    expect(imported.ok).toBe(true)
    const view = (imported as { value: SpaceView }).value
    expect(view).toMatchObject({ id: 'bridged', title: 'bridged', kind: 'onnx', size: 3, datasets: ['custom'], defaultWeights: [1e-7, 1], inputShape: [3, 8, 8], source: models, warnings: [] })
    expect(Date.parse(view.importedAt as string)).not.toBeNaN()

    const listed = await call<SpaceView[]>('spaces:list')
    expect(listed.ok && listed.value.map((s) => [s.id, s.kind])).toEqual([
      ['nb201', 'built-in'],
      ['nb101', 'built-in'],
      ['nbnlp', 'built-in'],
      ['natssss', 'built-in'],
      ['bridged', 'onnx'],
    ])
    const shown = await call<SpaceDetails>('spaces:show', { name: 'bridged' })
    expect(shown.ok && shown.value.archs.map((a) => a.id)).toEqual(['net-a', 'net-b', 'net-c'])
    expect(shown.ok && shown.value.archs.every((a) => /^[0-9a-f]{64}$/.test(a.sha256) && a.bytes > 0)).toBe(true)

    expect(await call('spaces:remove', { name: 'bridged' })).toEqual({ ok: true })
    const after = await call<SpaceView[]>('spaces:list')
    expect(after.ok && after.value.map((s) => s.id)).not.toContain('bridged')
  })

  test('bad requests come back as one-line errors and change nothing', async () => {
    const relative = await call('spaces:import', { name: 'rel', path: 'models' })
    expect(relative).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } })
    expect((relative as { error: { message: string } }).error.message).toContain('path must be an absolute path on the machine running the workbench')
    const badName = await call('spaces:import', { name: 'Bad Name', path: join(dir, 'models') })
    expect(badName).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } })
    expect(await call('spaces:remove', { name: 'nb201' })).toEqual({ ok: false, error: { code: 'BAD_ARGUMENT', message: 'nb201 is a built-in search space and cannot be removed' } })
    const missing = await call('spaces:import', { name: 'nofiles', path: join(dir, 'nowhere') })
    expect(missing).toEqual({ ok: false, error: { code: 'BAD_FILE', message: `cannot read ${join(dir, 'nowhere')}: ENOENT` } })
    const listed = await call<SpaceView[]>('spaces:list')
    expect(listed.ok && listed.value.map((s) => s.id)).toEqual(['nb201', 'nb101', 'nbnlp', 'natssss'])
  })
})
