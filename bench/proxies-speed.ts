/**
 * Archs/s of each native proxy (docs/proxies.md) on full-width NB201 networks at the reference batch
 * (NASLib's 64), on one thread. Collapse does not apply to proxies (random weights), so this is the
 * cost a user pays per arch and proxy.
 *
 *   npx tsx bench/proxies-speed.ts [--archs 3] [--batch 64] [--backend tfjs-wasm] [--proxies nwot,synflow,...]
 */
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import { SeededRandom } from '../src/main/core/random.ts'
import { nb201ArchAt, NB201_SIZE } from '../src/main/core/spaces/nb201/index.ts'
import { buildNetwork } from '../src/main/core/scoring/network.ts'
import { normalSource } from '../src/main/data/index.ts'
import { initialiseParameters } from '../src/main/proxies/parameters.ts'
import { seededLabels } from '../src/main/proxies/labels.ts'
import { getProxy, proxyIds } from '../src/main/proxies/registry.ts'
import { loadProxyRuntime, type ProxyBackend } from '../src/main/proxies/runtime.ts'

const { values } = parseArgs({
  options: {
    archs: { type: 'string', default: '3' },
    batch: { type: 'string', default: '64' },
    backend: { type: 'string', default: 'tfjs-wasm' },
    proxies: { type: 'string', default: proxyIds().join(',') },
  },
})
const batchSize = Number(values.batch)
const runtime = await loadProxyRuntime(values.backend as ProxyBackend)
const random = new SeededRandom(15)
const archs = random.sampleWithoutReplacement(NB201_SIZE, Number(values.archs)).map(nb201ArchAt)
const shape = [batchSize, 3, 32, 32] as const
const minibatch = await normalSource.load(shape, 0)
const batch = { shape, data: minibatch.data, labels: seededLabels(batchSize, 10, 0), classes: 10 }
const seconds = new Map<string, number>()
for (const arch of archs) {
  const graph = buildNetwork(arch, { space: 'nb201', dataset: 'cifar10', batchSize }, 'literal')
  // A fresh network object per proxy: snip and grad_norm would otherwise share one backward pass.
  for (const id of values.proxies.split(',')) {
    const network = { graph, parameters: initialiseParameters(graph, 0) }
    const begin = performance.now()
    getProxy(id).compute(network, batch, { runtime })
    seconds.set(id, (seconds.get(id) ?? 0) + (performance.now() - begin) / 1000)
  }
}
console.log(`${runtime.backend}, batch ${batchSize}, ${archs.length} NB201 archs`)
for (const [id, total] of seconds) console.log(`${id.padEnd(10)} ${(total / archs.length).toFixed(2)} s/arch  ${(archs.length / total).toFixed(3)} archs/s`)
