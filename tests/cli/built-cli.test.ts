import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tempDir, type CliRun } from './helpers.ts'
import { callApi } from '../bridge/helpers.ts'

// The built CLI (scripts/build-cli.mjs -> out/cli/) is exercised in a copy of the project, so these
// tests can edit its sources and its bundle without touching the tree other tests run from.
const REPO = join(import.meta.dirname, '../..')
const COPIED = ['bin', 'scripts/build-cli.mjs', 'src/main', 'src/shared', 'resources', 'package.json', 'tsconfig.json']

const ARCHS = [
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|',
]

/** Text that only the bundle prints once the test has patched it in (the program's description). */
const DESCRIPTION = 'epsilon zero-cost NAS metric'
const BUNDLE_MARKER = 'bundle-marker zero-cost NAS metric'

describe('the built CLI', () => {
  let dir: string
  let cleanup: () => void
  let project: string

  /** Runs the copy's bin/epsinas.mjs as a user would. */
  const run = (args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun => {
    const child = spawnSync(process.execPath, [join(project, 'bin/epsinas.mjs'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, EPSINAS_FROM_SOURCE: '', ...env },
      timeout: 120_000,
    })
    return { status: child.status, stdout: child.stdout, stderr: child.stderr }
  }
  const fromSources = (args: readonly string[]): CliRun => run(args, { EPSINAS_FROM_SOURCE: '1' })
  const bundleFile = (name: string): string => join(project, 'out/cli', name)
  const build = (...flags: string[]): CliRun => {
    const child = spawnSync(process.execPath, [join(project, 'scripts/build-cli.mjs'), ...flags], { encoding: 'utf8', timeout: 120_000 })
    return { status: child.status, stdout: child.stdout, stderr: child.stderr }
  }

  beforeAll(() => {
    ;({ dir, cleanup } = tempDir())
    project = join(dir, 'project')
    for (const path of COPIED) cpSync(join(REPO, path), join(project, path), { recursive: true })
    // A stale bundle copied from the working tree must not count: the copy builds its own.
    rmSync(join(project, 'out'), { recursive: true, force: true })
    symlinkSync(join(REPO, 'node_modules'), join(project, 'node_modules'))
    const built = build()
    expect(built.stderr).toContain('build-cli: out/cli/')
    expect(built.status).toBe(0)
  })
  afterAll(() => cleanup())

  test('the build writes the CLI, the worker entry and a manifest of every compiled source', () => {
    for (const name of ['cli.js', 'score-worker.js', 'manifest.json']) expect(existsSync(bundleFile(name))).toBe(true)
    const manifest = JSON.parse(readFileSync(bundleFile('manifest.json'), 'utf8')) as { files: string[]; digest: string }
    expect(manifest.files).toEqual(expect.arrayContaining(['src/main/cli.ts', 'src/main/jobs/score-worker.ts', 'resources/catalogue.json', 'scripts/build-cli.mjs']))
    // Pure-JS packages are bundled, so they count as inputs; native, optional and worker-spawning
    // packages load from node_modules as usual.
    const packages = new Set(manifest.files.map((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1]).filter((name) => name !== undefined))
    expect([...packages]).toEqual(expect.arrayContaining(['commander', 'csv-parse', 'yauzl']))
    for (const external of ['better-sqlite3', 'piscina', '@tensorflow/tfjs-core', 'tsx']) expect(packages.has(external), external).toBe(false)
    expect(manifest.digest).toMatch(/^[0-9a-f]{64}$/)
  })

  test('--help prints the same from the bundle as from the sources', () => {
    // serve's defaults include a path found from the module's own location.
    for (const args of [['--help'], ['score', '--help'], ['serve', '--help']]) {
      const bundled = run(args)
      const sources = fromSources(args)
      expect(bundled.status, args.join(' ')).toBe(0)
      expect(bundled.stdout, args.join(' ')).toBe(sources.stdout)
    }
    expect(run(['serve', '--help']).stdout.replace(/\s+/g, ' ')).toContain(join(project, 'out/renderer'))
  })

  test('scores with worker threads from the bundle, the same scores as from the sources', () => {
    const archs = join(dir, 'archs.txt')
    writeFileSync(archs, `${ARCHS.join('\n')}\n`)
    const scoreInto = (name: string, runner: (args: readonly string[]) => CliRun): Record<string, string>[] => {
      const out = join(dir, `${name}.csv`)
      const result = runner(['score', '--archs', archs, '--batch', '8', '--workers', '1', '--no-progress', '--db', join(dir, `${name}.db`), '--out', out])
      expect(result.stderr).toContain('2 scored now')
      expect(result.status).toBe(0)
      return (parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[]).map(({ arch, epsilon, nan_reason }) => ({ arch, epsilon, nan_reason }))
    }
    // The sources' worker bootstrap (tsx) is not part of the bundle: breaking it proves the workers
    // load out/cli/score-worker.js.
    const bootstrap = join(project, 'src/main/jobs/score-worker.bootstrap.mjs')
    const original = readFileSync(bootstrap, 'utf8')
    writeFileSync(bootstrap, "throw new Error('the bundle must not load the tsx worker bootstrap')\n")
    const bundled = scoreInto('bundled', run)
    writeFileSync(bootstrap, original)
    expect(bundled).toEqual(scoreInto('sources', fromSources))
  })

  test('serve from the bundle reports the version of the package.json above it', async () => {
    const child = spawn(process.execPath, [join(project, 'bin/epsinas.mjs'), 'serve', '--port', '0', '--db', join(dir, 'serve.db'), '--workers', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, EPSINAS_FROM_SOURCE: '' },
    })
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      let output = ''
      const [, origin, token] = await new Promise<RegExpExecArray>((resolve, reject) => {
        const onData = (chunk: Buffer): void => {
          output += chunk.toString()
          const match = /open (http:\/\/[\d.]+:\d+)\/\?token=([A-Za-z0-9_-]+)\n/.exec(output)
          if (match) resolve(match)
        }
        child.stdout.on('data', onData)
        child.stderr.on('data', onData)
        child.on('exit', () => reject(new Error(`serve exited before printing its URL: ${output}`)))
      })
      const info = await callApi(origin, token, 'app:info')
      const { version } = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { version: string }
      expect(info.json()).toMatchObject({ ok: true, value: { version } })
    } finally {
      child.kill('SIGINT')
    }
    expect(await exit).toBe(0)
  })

  test('runs the bundle only while it was built from exactly the current sources', () => {
    const cli = bundleFile('cli.js')
    writeFileSync(cli, readFileSync(cli, 'utf8').replace(DESCRIPTION, BUNDLE_MARKER))
    const help = (env: NodeJS.ProcessEnv = {}): string => run(['--help'], env).stdout
    expect(help()).toContain(BUNDLE_MARKER)
    expect(help({ EPSINAS_FROM_SOURCE: '1' })).toContain(DESCRIPTION)

    // A comment in a module deep in the import graph: the sources run, as edited.
    const source = join(project, 'src/main/jobs/score-task.ts')
    const original = readFileSync(source, 'utf8')
    writeFileSync(source, `${original}// edited after the build\n`)
    expect(help()).toContain(DESCRIPTION)
    // The same content again (newer mtime): the bundle matches, and runs.
    writeFileSync(source, original)
    expect(help()).toContain(BUNDLE_MARKER)

    // A data file compiled into the bundle counts as a source too.
    const catalogue = join(project, 'resources/catalogue.json')
    const catalogueText = readFileSync(catalogue, 'utf8')
    writeFileSync(catalogue, `${catalogueText}\n`)
    expect(help()).toContain(DESCRIPTION)
    writeFileSync(catalogue, catalogueText)
    expect(help()).toContain(BUNDLE_MARKER)
  })

  test('build --if-stale (before the tests) rebuilds only a stale bundle, and --if-possible never fails', () => {
    const cli = bundleFile('cli.js')
    const markBundle = (): void => writeFileSync(cli, readFileSync(cli, 'utf8').replace(DESCRIPTION, BUNDLE_MARKER))
    const help = (): string => run(['--help']).stdout
    markBundle()
    expect(build('--if-stale').stderr).toBe('')
    expect(help()).toContain(BUNDLE_MARKER)

    const source = join(project, 'src/main/jobs/score-task.ts')
    writeFileSync(source, `${readFileSync(source, 'utf8')}// edited after the build\n`)
    expect(build('--if-stale').stderr).toContain('build-cli: out/cli/')
    // The rebuilt bundle matches the edited sources: it runs.
    markBundle()
    expect(help()).toContain(BUNDLE_MARKER)

    // A source the bundle was built from is gone: the sources run (and report it), never the bundle,
    // and the build says why it made none without failing the test run.
    rmSync(join(project, 'src/main/cli/jobs-command.ts'))
    const missing = run(['--help'])
    expect(missing.stdout).not.toContain(BUNDLE_MARKER)
    expect(missing.status).not.toBe(0)
    const attempt = build('--if-stale', '--if-possible')
    expect(attempt.stderr).toContain('build-cli: no bundle (')
    expect(attempt.status).toBe(0)
    expect(build().status).not.toBe(0)
  })
})
