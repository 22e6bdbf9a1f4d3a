import { createRequire } from 'node:module'
import { describe, expect, test } from 'vitest'
import { loadTfjs } from '../../../../src/main/core/backends/tfjs/index.ts'

function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg)
    return true
  } catch {
    return false
  }
}

// This repository's CI has neither native package (their install downloads libtensorflow).
const hasNodeGpu = installed('@tensorflow/tfjs-node-gpu')
const hasNode = installed('@tensorflow/tfjs-node')

describe('loadTfjs', () => {
  describe('should throw BACKEND_UNAVAILABLE', () => {
    test.skipIf(hasNodeGpu)('for tfjs-node-gpu when it is not installed, naming it and why', async () => {
      await expect(loadTfjs('tfjs-node-gpu')).rejects.toMatchObject({
        code: 'BACKEND_UNAVAILABLE',
        message: 'TensorFlow.js backend tfjs-node-gpu is unavailable: not installed',
      })
    })

    test.skipIf(hasNode)('for tfjs-node when it is not installed', async () => {
      await expect(loadTfjs('tfjs-node')).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringContaining('tfjs-node is unavailable: not installed') })
    })
  })

  describe('should return a runtime', () => {
    test.skipIf(hasNodeGpu || hasNode)('for auto: tfjs-wasm, saying the node backends are not installed', async () => {
      const runtime = await loadTfjs('auto')
      expect(runtime.backend).toBe('tfjs-wasm')
      expect(runtime.reason).toBe('tfjs-wasm (tfjs-node-gpu not installed; tfjs-node not installed)')
      expect(runtime.tf.getBackend()).toBe('wasm')
    })

    test.each(['tfjs-wasm', 'tfjs-cpu'] as const)('for %s, requested explicitly', async (backend) => {
      const runtime = await loadTfjs(backend)
      expect(runtime.backend).toBe(backend)
      expect(runtime.reason).toBe(`${backend} (requested)`)
      expect(runtime.tf.getBackend()).toBe(backend === 'tfjs-wasm' ? 'wasm' : 'cpu')
    })

    test('once per process: a second request gives the same runtime', async () => {
      expect(await loadTfjs('tfjs-wasm')).toBe(await loadTfjs('tfjs-wasm'))
    })
  })
})
