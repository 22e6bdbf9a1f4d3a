import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command } from 'commander'
import { startHttpBridge, DEFAULT_RENDERER_DIR } from '../bridge/index.ts'
import { isLoopback } from '../bridge/security.ts'
import { createApiServices } from '../services/api/index.ts'
import { defaultDatabasePath } from '../services/paths.ts'
import { openStore } from '../store/index.ts'
import { parseInteger } from './parse.ts'
import { packageRoot } from '../package-root.ts'
import { EpsinasError } from '../../shared/errors.ts'

interface ServeOptions {
  port: number
  host: string
  db: string
  renderer: string
  workers?: number
  catalogue?: string
  dataDir?: string
}

/** The workbench version from package.json. */
function packageVersion(): string {
  const text = readFileSync(join(packageRoot(), 'package.json'), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}

/** `epsinas serve`: the workbench API and the built renderer over HTTP, behind a token made at each start. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the workbench (API, progress events, built renderer) over HTTP on 127.0.0.1 with a random token')
    .option('--port <p>', 'TCP port (0: any free port)', parseInteger('--port', 0), 7411)
    .option('--host <address>', 'address to bind; anything but 127.0.0.1 exposes the API to the network (still behind the token)', '127.0.0.1')
    .option('--db <file>', 'SQLite score cache', defaultDatabasePath())
    .option('--renderer <dir>', 'folder of the built renderer (npm run build)', DEFAULT_RENDERER_DIR)
    .option('--workers <n>', 'worker threads per job (default: one per core)', parseInteger('--workers', 1))
    .option('--catalogue <file>', 'catalogue JSON of downloadable benchmarks (default: the one shipped in resources/catalogue.json)')
    .option('--data-dir <dir>', 'data folder for benchmark files (default: $EPSINAS_HOME, else ~/.epsinas)')
    .action(async (options: ServeOptions) => {
      await serve(options)
    })
}

async function serve(options: ServeOptions): Promise<void> {
  const store = openStore(options.db)
  const services = createApiServices({ store, version: packageVersion(), workers: options.workers, cataloguePath: options.catalogue, dataDir: options.dataDir })
  const bridge = await startHttpBridge({ handlers: services.handlers, progress: services.progress, benchmarkProgress: services.benchmarkProgress, host: options.host, port: options.port, rendererDir: options.renderer }).catch(
    async (error: unknown) => {
      // Port taken or address not available: release what was opened, then report it.
      await services.dispose()
      store.close()
      const reason = (error as NodeJS.ErrnoException).code ?? String(error)
      throw new EpsinasError('BAD_ARGUMENT', `cannot listen on ${options.host}:${options.port} (${reason}); choose another --port or --host`)
    },
  )
  const lines = [`epsinas workbench serving ${store.path}`, `open ${bridge.url}`, `API token (Authorization: Bearer): ${bridge.token}`]
  if (!isLoopback(bridge.host)) lines.push(`warning: listening on ${bridge.host}: anyone who can reach it and has the token controls this workbench`)
  process.stdout.write(`${lines.join('\n')}\nCtrl-C stops the server; running jobs are paused (resume them later).\n`)
  // Serve until SIGINT/SIGTERM, then pause running jobs, close the server and the cache.
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await bridge.close()
  await services.dispose()
  store.close()
  process.stderr.write('epsinas serve stopped\n')
}
