/** `epsinas doctor`: every backend with whether it runs here and why, as text and JSON (docs/gpu.md). */
import { describe, expect, it } from 'vitest'
import { epsinas } from '../cli/helpers.ts'
import { formatDiagnoses } from '../../src/main/cli/doctor-command.ts'
import type { BackendDiagnosis } from '../../src/shared/api.ts'

describe('epsinas doctor', () => {
  it('lists every backend once, exactly one full-width backend in use, and says why for each', () => {
    const run = epsinas(['doctor', '--json'])
    expect(run.status).toBe(0)
    const diagnoses = JSON.parse(run.stdout) as BackendDiagnosis[]
    expect(diagnoses.map((d) => d.id)).toEqual(['collapsed/ts', 'tfjs-node-gpu', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-webgpu', 'webgpu (Dawn for Node)', 'onnxruntime-node'])
    const tfjs = diagnoses.filter((d) => d.id.startsWith('tfjs-') && d.id !== 'tfjs-webgpu')
    // auto takes the first that loads: wasm and cpu always do (they are dependencies).
    expect(tfjs.filter((d) => d.used)).toHaveLength(1)
    const used = tfjs.findIndex((d) => d.used)
    expect(tfjs.slice(0, used).every((d) => !d.available)).toBe(true)
    expect(tfjs.find((d) => d.id === 'tfjs-cpu')?.available).toBe(true)
    for (const d of diagnoses) {
      expect(d.reason.length, d.id).toBeGreaterThan(10)
      expect(d.reason, d.id).not.toContain('\n')
    }
    // The WebGPU backend is installed (an optional dependency) and never claims this Node process.
    expect(diagnoses.find((d) => d.id === 'tfjs-webgpu')).toMatchObject({ available: false, used: false, reason: expect.stringMatching(/^installed; runs in the desktop app's Chromium/) })
  })

  it('prints one line per backend with its mark, then the legend', () => {
    const text = formatDiagnoses([
      { id: 'tfjs-wasm', role: 'engine', available: true, used: true, reason: 'loads' },
      { id: 'tfjs-cpu', role: 'engine', available: true, used: false, reason: 'loads too' },
      { id: 'webgpu', role: 'evaluated', available: false, used: false, reason: 'not installed' },
    ])
    expect(text).toBe('* tfjs-wasm  engine: loads\n+ tfjs-cpu   engine: loads too\n- webgpu     evaluated: not installed\n(* in use, + available, - not available here)\n')
  })
})
