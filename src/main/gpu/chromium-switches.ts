/**
 * The Chromium switches the GPU workers need (docs/gpu.md), as one list for the desktop app
 * (src/main/index.ts appends them before app ready) and the headless-Chromium tests.
 */

/**
 * Linux: WebGPU is behind a flag and on Vulkan only; tfjs-backend-webgpu's synchronous read draws a
 * WebGPU canvas into a 2D one, which must run on Vulkan too (ANGLE on Vulkan), else every read of a
 * GPU tensor came back as zeros in G's measurements. The worker's readback check refuses to run
 * when reads are still wrong, so a machine these do not suit gets an error, never silent numbers.
 */
export const WEBGPU_LINUX_SWITCHES = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=vulkan'] as const

/** No GPU: SwiftShader's CPU-emulated Vulkan (correct, slow). Tests, or EPSINAS_GPU_SWIFTSHADER=1. */
export const SWIFTSHADER_SWITCHES = ['--enable-unsafe-swiftshader', '--use-vulkan=swiftshader'] as const

/** The switches for this platform; other platforms offer WebGPU without any. */
export function webGpuSwitches(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): string[] {
  if (platform !== 'linux') return []
  return env.EPSINAS_GPU_SWIFTSHADER === '1' ? [...WEBGPU_LINUX_SWITCHES, ...SWIFTSHADER_SWITCHES] : [...WEBGPU_LINUX_SWITCHES]
}

/** `--name=value` / `--name` as Electron's app.commandLine.appendSwitch takes them. */
export function switchParts(flag: string): [name: string, value?: string] {
  const body = flag.replace(/^--/, '')
  const equals = body.indexOf('=')
  return equals < 0 ? [body] : [body.slice(0, equals), body.slice(equals + 1)]
}
