import { writeFile } from 'node:fs/promises'
import { Command, Option } from 'commander'
import { DEFAULT_SPACE_ID, getSpace, spaceIds } from '../core/spaces/registry.ts'
import { defaultDatabasePath } from '../services/paths.ts'
import { checkProxyRun, parseProxyList, runProxies, type ProxyRunSpec, type ProxyTable } from '../services/proxies.ts'
import { getProxy, proxyIds } from '../proxies/registry.ts'
import type { ProxyBackend } from '../proxies/runtime.ts'
import type { DatasetId, InputSource, SpaceId } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { noteOnStderr, selectArchs, type ArchSelection } from './arch-selection.ts'
import { checkOutputFile } from './output-file.ts'
import { parseInteger } from './parse.ts'
import { createProgressBar } from './progress.ts'
import { csvField } from './score-output.ts'

interface ProxiesOptions {
  space: SpaceId
  dataset?: DatasetId
  proxies: string[]
  archs?: string
  all?: boolean
  limit?: number
  seed: number
  initSeed: number
  input: InputSource
  inputSeed: number
  batch: number
  backend: ProxyBackend
  db: string
  out?: string
  progress: boolean
}

/** `epsinas proxies`: the workbench's own zero-cost proxies (docs/proxies.md), cached per arch and proxy. */
export function proxiesCommand(): Command {
  return new Command('proxies')
    .description('compute zero-cost proxies (nwot, synflow, snip, ...) on full-width networks at PyTorch\'s random initialisation; cached, a rerun computes only what is missing')
    .requiredOption('--proxies <list>', `comma-separated, of ${proxyIds().join(', ')}`, parseProxyList)
    .addOption(new Option('--space <space>', 'search space, built-in or imported').choices(spaceIds()).default(DEFAULT_SPACE_ID))
    .addOption(new Option('--dataset <dataset>', "dataset (default: the space's first)").choices(['cifar10', 'cifar100', 'ImageNet16-120', 'custom']))
    .option('--archs <file>', 'file with one architecture per line')
    .option('--all', 'every architecture of the space (the default without --archs or --limit)')
    .option('--limit <n>', 'a seeded random sample of n architectures', parseInteger('--limit', 1))
    .option('--seed <s>', 'seed of the --limit sample', parseInteger('--seed', 0), 0)
    .option('--init-seed <s>', "seed of the networks' random initialisation (PyTorch's default init)", parseInteger('--init-seed', 0), 0)
    .addOption(new Option('--input <source>', 'minibatch source (real: training images installed with epsinas data)').choices(['grey', 'normal', 'uniform', 'uniform-pos', 'real']).default('normal'))
    .option('--input-seed <s>', 'seed of the minibatch (and of its synthetic labels)', parseInteger('--input-seed', 0), 0)
    .option('--batch <n>', 'minibatch size (NASLib: 64, which tfjs-wasm cannot hold for the gradient proxies on large NB201 networks)', parseInteger('--batch', 2), 32)
    .addOption(new Option('--backend <backend>', 'TensorFlow.js backend (auto: tfjs-node-gpu > tfjs-node > wasm > cpu)').choices(['auto', 'tfjs-node-gpu', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu']).default('auto'))
    .option('--db <file>', 'SQLite cache', defaultDatabasePath())
    .option('--out <file>', 'write FILE.csv: arch and one column per proxy, empty where undefined (default: the CSV on stdout)')
    .option('--no-progress', 'no progress bar')
    .action(async (options: ProxiesOptions) => {
      await runProxiesCommand(options)
    })
}

function selection(options: ProxiesOptions): ArchSelection {
  const chosen = [options.archs !== undefined, options.all === true, options.limit !== undefined].filter(Boolean).length
  if (chosen > 1) throw new EpsinasError('BAD_ARGUMENT', 'choose one of --archs FILE, --all, --limit N')
  if (options.archs !== undefined) return { kind: 'file', path: options.archs, db: options.db }
  if (options.limit !== undefined) return { kind: 'sample', limit: options.limit, seed: options.seed }
  return { kind: 'all', db: options.db }
}

async function runProxiesCommand(options: ProxiesOptions): Promise<void> {
  // Every option is checked before the cache is opened or anything computed.
  if (options.out) checkOutputFile('--out', options.out)
  const spec: ProxyRunSpec = {
    space: options.space,
    dataset: options.dataset ?? getSpace(options.space).datasets[0],
    input: options.input,
    inputSeed: options.inputSeed,
    batchSize: options.batch,
    initSeed: options.initSeed,
    proxies: options.proxies,
    backend: options.backend,
  }
  await checkProxyRun(spec)
  const archs = await selectArchs(options.space, selection(options), noteOnStderr)
  const bar = options.progress ? createProgressBar('proxies') : null
  let table: ProxyTable
  try {
    table = await runProxies(spec, archs, options.db, (progress) => bar?.update(progress))
  } finally {
    bar?.stop()
  }
  process.stderr.write(`proxies: ${table.computed} computed, ${table.cached} from the cache (${options.db}); backend ${table.backend}\n`)
  for (const proxy of options.proxies.map(getProxy)) if (proxy.caveat) process.stderr.write(`note: ${proxy.id} is ${proxy.caveat}\n`)
  const csv = proxyCsv(table)
  if (!options.out) {
    process.stdout.write(csv)
    return
  }
  try {
    await writeFile(options.out, csv)
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `cannot write ${options.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}

/** The table as CSV: `arch` and one column per proxy, in the order asked; an undefined value is an empty field. */
export function proxyCsv(table: ProxyTable): string {
  const lines = [['arch', ...table.proxies].join(',')]
  for (const arch of table.archs) {
    const row = table.values.get(arch)
    lines.push([csvField(arch), ...table.proxies.map((id) => String(row?.get(id) ?? ''))].join(','))
  }
  return `${lines.join('\n')}\n`
}
