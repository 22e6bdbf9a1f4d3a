/** The switches src/main/index.ts appends before app ready, as Electron's appendSwitch takes them. */
import { describe, expect, test } from 'vitest'
import { switchParts, webGpuSwitches } from '../../src/main/gpu/chromium-switches.ts'

describe('WebGPU Chromium switches', () => {
  test('Linux gets WebGPU on Vulkan with the 2D canvas on Vulkan too; SwiftShader only when asked', () => {
    expect(webGpuSwitches('linux', {})).toEqual(['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=vulkan'])
    expect(webGpuSwitches('linux', { EPSINAS_GPU_SWIFTSHADER: '1' })).toEqual([
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      '--use-angle=vulkan',
      '--enable-unsafe-swiftshader',
      '--use-vulkan=swiftshader',
    ])
    expect(webGpuSwitches('darwin', { EPSINAS_GPU_SWIFTSHADER: '1' })).toEqual([])
    expect(webGpuSwitches('win32', {})).toEqual([])
  })

  test('a flag splits into the name and value appendSwitch takes', () => {
    expect(switchParts('--enable-unsafe-webgpu')).toEqual(['enable-unsafe-webgpu'])
    expect(switchParts('--enable-features=Vulkan')).toEqual(['enable-features', 'Vulkan'])
  })
})
