/**
 * The GPU worker's code on tfjs-wasm in Node: the same evaluation and port protocol that run on
 * WebGPU in a browser (tests/e2e/webgpu.test.ts), checked against the CPU paths it must match
 * bit for bit on the same backend (`score --engine full` and `epsinas proxies`), and its
 * progress / cancel / refusal messages.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prepareGpuJob, type GpuJobSpec } from '../../src/main/gpu/job.ts'
import { evaluateGpuArch, runGpuJob } from '../../src/main/gpu/evaluate.ts'
import { serveGpuJobs } from '../../src/main/gpu/serve.ts'
import type { GpuArchResult, GpuJob, GpuWorkerMessage, GpuWorkerRequest, PortLike } from '../../src/main/gpu/protocol.ts'
import { loadProxyRuntime } from '../../src/main/proxies/runtime.ts'
import { runProxies } from '../../src/main/services/proxies.ts'
import { runScoreTask } from '../../src/main/jobs/score-task.ts'
import type { TfjsRuntime } from '../../src/main/core/backends/tfjs/runtime.ts'

const ARCHS = [
  '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|',
  '|avg_pool_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_3x3~1|skip_connect~2|',
  '|nor_conv_1x1~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|',
]
const SPEC: GpuJobSpec = { space: 'nb201', dataset: 'ImageNet16-120', input: 'normal', inputSeed: 3, batchSize: 2, initSeed: 1, proxies: ['nwot', 'jacov'] }

/** Both ends of a port pair; `messages` collects what the worker says, `until` waits for a state. */
function connect(runtime: TfjsRuntime): { send(request: GpuWorkerRequest): void; until(done: (messages: GpuWorkerMessage[]) => boolean): Promise<GpuWorkerMessage[]>; close(): void } {
  const { port1, port2 } = new MessageChannel()
  serveGpuJobs(port2 as unknown as PortLike<GpuWorkerRequest, GpuWorkerMessage>, () => Promise.resolve(runtime))
  const messages: GpuWorkerMessage[] = []
  const waiters: (() => void)[] = []
  ;(port1 as MessagePort & { onmessage: ((event: { data: GpuWorkerMessage }) => void) | null }).onmessage = ({ data }) => {
    messages.push(data)
    for (const wake of waiters.splice(0)) wake()
  }
  return {
    send: (request) => port1.postMessage(request),
    until: async (done) => {
      while (!done(messages)) await new Promise<void>((resolve) => waiters.push(resolve))
      return messages
    },
    close: () => {
      port1.close()
      port2.close()
    },
  }
}

const results = (messages: GpuWorkerMessage[]): GpuArchResult[] => messages.flatMap((m) => (m.type === 'result' ? [m.result] : []))
const finished = (count: number) => (messages: GpuWorkerMessage[]) => messages.filter((m) => m.type === 'done' || m.type === 'error').length >= count

describe('GPU worker code on tfjs-wasm', () => {
  let runtime: TfjsRuntime
  let job: GpuJob
  let folder: string
  beforeAll(async () => {
    runtime = await loadProxyRuntime('tfjs-wasm')
    job = await prepareGpuJob(SPEC, ARCHS)
    folder = mkdtempSync(join(tmpdir(), 'epsinas-gpu-'))
  })
  afterAll(() => rmSync(folder, { recursive: true, force: true }))

  it('gives the epsilon of `score --engine full` and the proxies of `epsinas proxies`, bit for bit, on the same backend', async () => {
    const ours = ARCHS.map((arch) => evaluateGpuArch(runtime, job, arch))
    const scored = await runScoreTask({
      config: { space: 'nb201', dataset: 'ImageNet16-120', input: 'normal', inputSeed: 3, batchSize: 2, engine: { engine: 'full', backend: 'tfjs-wasm' } },
      weights: [...job.weights],
      pairs: [[0, 1]],
      items: ARCHS.map((arch) => ({ arch, form: 'literal' as const, pairs: [0] })),
    })
    const proxies = await runProxies({ ...SPEC, backend: 'tfjs-wasm' }, ARCHS, join(folder, 'cache.db'))
    for (const [i, arch] of ARCHS.entries()) {
      const cpu = scored[i]
      if (!cpu.ok) throw new Error(cpu.error.message)
      expect(ours[i].epsilon).toBe(cpu.scores[0].epsilon)
      expect(ours[i].proxies).toEqual({ nwot: proxies.values.get(arch)!.get('nwot'), jacov: proxies.values.get(arch)!.get('jacov') })
    }
    // Not a comparison of nulls: epsilon and both proxies are finite on some archs.
    expect(ours.map((r) => [r.epsilon !== null, r.proxies.nwot !== null, r.proxies.jacov !== null])).toContainEqual([true, true, true])
    expect(ours.map((r) => r.nanReason)).toEqual(scored.map((r) => (r.ok ? r.scores[0].nanReason : 'failed')))
  })

  it('answers ready with its backend, a result per arch in order with progress, then done', async () => {
    const port = connect(runtime)
    port.send({ type: 'run', job })
    const messages = await port.until(finished(1))
    port.close()
    expect(messages[0]).toEqual({ type: 'ready', backend: 'tfjs-wasm', reason: runtime.reason })
    expect(messages.filter((m) => m.type === 'result').map((m) => (m.type === 'result' ? [m.result.arch, m.done, m.total] : []))).toEqual(ARCHS.map((arch, i) => [arch, i + 1, 3]))
    expect(messages.at(-1)).toEqual({ type: 'done', cancelled: false })
  })

  it('stops before the next arch once cancelled', async () => {
    const seen: GpuArchResult[] = []
    let cancelled = false
    const outcome = await runGpuJob(runtime, job, { isCancelled: () => cancelled, onResult: (result) => { seen.push(result); cancelled = true } })
    expect(outcome).toEqual({ cancelled: true })
    expect(seen.map((r) => r.arch)).toEqual([ARCHS[0]])

    const port = connect(runtime)
    port.send({ type: 'run', job })
    port.send({ type: 'cancel' })
    const messages = await port.until(finished(1))
    port.close()
    expect(messages.at(-1)).toEqual({ type: 'done', cancelled: true })
    expect(results(messages).length).toBeLessThan(ARCHS.length)
  })

  it('refuses a second job while one runs, in one line, and finishes the first', async () => {
    const port = connect(runtime)
    port.send({ type: 'run', job })
    port.send({ type: 'run', job })
    const messages = await port.until(finished(2))
    port.close()
    const error = messages.find((m) => m.type === 'error')
    expect(error).toEqual({ type: 'error', error: expect.objectContaining({ code: 'BAD_ARGUMENT', message: 'this GPU worker is already running a job; cancel it or use another worker' }) })
    expect(results(messages).map((r) => r.arch)).toEqual(ARCHS)
    expect(messages.at(-1)).toEqual({ type: 'done', cancelled: false })
  })

  it('reports a malformed arch as a one-line BAD_ARCH error', async () => {
    const port = connect(runtime)
    port.send({ type: 'run', job: { ...job, archs: ['|nor_conv_3x3~0|+|bogus~0|'] } })
    const messages = await port.until(finished(1))
    port.close()
    const error = messages.at(-1)
    expect(error?.type).toBe('error')
    if (error?.type !== 'error') return
    expect(error.error.code).toBe('BAD_ARCH')
    expect(error.error.message).not.toContain('\n')
  })

  it('prepares no job for a text dataset or an unknown proxy', async () => {
    await expect(prepareGpuJob({ ...SPEC, space: 'nbnlp', dataset: 'ptb' }, ['x'])).rejects.toThrow(/GPU workers score image networks|not defined on|ptb/)
    await expect(prepareGpuJob({ ...SPEC, proxies: ['nope'] }, ARCHS)).rejects.toThrow("unknown proxy 'nope'")
  })
})
