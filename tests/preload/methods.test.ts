import { describe, expect, test } from 'vitest'
import { API_CHANNELS, API_METHODS, type ApiChannel } from '../../src/shared/api.ts'
import { buildBridgeMethods } from '../../src/preload/methods.ts'

describe('buildBridgeMethods', () => {
  const sent: Array<{ channel: ApiChannel; request: unknown }> = []
  const methods = buildBridgeMethods(async (channel, request) => {
    sent.push({ channel, request })
    return { ok: true, value: channel }
  })

  test('should expose exactly one named function per contract channel and nothing generic', () => {
    expect(Object.keys(methods).sort()).toEqual(Object.values(API_METHODS).sort())
    expect(Object.keys(methods)).not.toContain('invoke')
    expect(new Set(Object.values(API_METHODS)).size).toBe(API_CHANNELS.length)
  })

  test('should send each function on its own channel only, with the request unchanged', async () => {
    for (const channel of API_CHANNELS) {
      const method = methods[API_METHODS[channel]] as (request: unknown) => Promise<unknown>
      await expect(method({ probe: channel })).resolves.toEqual({ ok: true, value: channel })
      expect(sent.at(-1)).toEqual({ channel, request: { probe: channel } })
    }
  })

  test('should be frozen, so the page cannot add or swap a function', () => {
    expect(Object.isFrozen(methods)).toBe(true)
  })
})
