import { Command, Option } from 'commander'
import { findItem, itemSize, loadCatalogue, type Catalogue, type CatalogueItem } from '../benchmarks/catalogue.ts'
import { formatBytes } from '../benchmarks/bytes.ts'
import { downloadItem, downloadedLines, importedLine, importItem, itemStatus, removeItem, uncheckedBecause, verifyItem, type ItemStatus } from '../benchmarks/install/index.ts'
import { folderCheckedBy } from '../benchmarks/install/extracted-folder.ts'
import { DEFAULT_RETRY } from '../benchmarks/download/index.ts'
import { CONVERSION_NOTES, convertItem } from '../benchmarks/convert/index.ts'
import { dataDirectory, defaultDatabasePath } from '../services/paths.ts'
import { EpsinasError } from '../../shared/errors.ts'
import { parseInteger } from './parse.ts'
import { createTransferBar } from './transfer-progress.ts'

interface CommonOptions {
  catalogue?: string
  dataDir?: string
}

// Resolved when the command runs, so EPSINAS_HOME set by the caller counts.
const dataDirOf = (options: CommonOptions): string => options.dataDir ?? dataDirectory()

interface DownloadOptions extends CommonOptions {
  mirror?: number
  progress: boolean
  retries: number
  retryDelay: number
}

/** `epsinas data list|info|download|import|verify|remove|convert`: benchmark data on this machine. */
export function dataCommand(): Command {
  const data = new Command('data').description('benchmark data: list, download, import, verify, remove and convert catalogue items')
  const common = (command: Command): Command =>
    command
      .option('--catalogue <file>', 'catalogue JSON (default: the one shipped in resources/catalogue.json)')
      .option('--data-dir <dir>', 'data folder, items go to <dir>/benchmarks/<id> (default: $EPSINAS_HOME, else ~/.epsinas)')

  common(data.command('list').description('every catalogue item: id, size, status, title').option('--json', 'print JSON instead of a table')).action(
    async (options: CommonOptions & { json?: boolean }) => {
      const catalogue = await loadCatalogue(options.catalogue)
      const statuses = await Promise.all(catalogue.items.map((item) => itemStatus(dataDirOf(options), item)))
      if (options.json) {
        const rows = catalogue.items.map((item, i) => ({ id: item.id, title: item.title, size: itemSize(item), sizeExact: item.files.every((f) => f.size.exact), status: statuses[i].state, bytesPresent: statuses[i].bytesPresent, problem: statuses[i].problem }))
        process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`)
        return
      }
      process.stdout.write(`${formatList(catalogue, statuses)}\n`)
    },
  )

  common(data.command('info').argument('<id>').description('what an item provides, its URLs (numbered for --mirror), checksums, licence and needs')).action(
    async (id: string, options: CommonOptions) => {
      const item = findItem(await loadCatalogue(options.catalogue), id)
      process.stdout.write(`${formatInfo(item, await itemStatus(dataDirOf(options), item))}\n`)
    },
  )

  common(
    data
      .command('download')
      .argument('<id>')
      .description('download, verify and install an item (resumes a partial download)')
      .option('--mirror <n>', 'start with URL number N of each file (0 = official; see epsinas data info ID)', parseInteger('--mirror', 0))
      .option('--no-progress', 'no progress bar')
      .addOption(new Option('--retries <n>', 'failed attempts per URL before the next URL').argParser(parseInteger('--retries', 1)).default(DEFAULT_RETRY.attempts))
      .addOption(new Option('--retry-delay <ms>', 'delay after the first failure, doubled after each').argParser(parseInteger('--retry-delay', 0)).default(DEFAULT_RETRY.baseDelayMs)),
  ).action(async (id: string, options: DownloadOptions) => {
    await runDownload(id, options)
  })

  common(
    data
      .command('import')
      .argument('<id>')
      .argument('<path>', "a file of the item, or a folder holding the item's files")
      .description('install files you already have, after the same verification as a download')
      .addOption(new Option('--copy', 'always copy (default: hard link when on the same disk, else copy)').conflicts('link'))
      .addOption(new Option('--link', 'hard link only; fail rather than copy')),
  ).action(async (id: string, path: string, options: CommonOptions & { copy?: boolean; link?: boolean }) => {
    const item = findItem(await loadCatalogue(options.catalogue), id)
    const result = await importItem(item, path, { dataDir: dataDirOf(options), mode: options.copy ? 'copy' : options.link ? 'link' : 'auto' })
    const lines = result.imported.map(importedLine)
    if (result.missing.length > 0) lines.push(`still missing: ${result.missing.join(', ')}`)
    lines.push(...result.warnings.map((w) => `warning: ${w}`))
    lines.push(describeStatus(item, result.status))
    process.stdout.write(`${lines.join('\n')}\n`)
  })

  common(data.command('verify').argument('<id>').description("re-check the installed files' sizes, formats and checksums")).action(async (id: string, options: CommonOptions) => {
    const item = findItem(await loadCatalogue(options.catalogue), id)
    const result = await verifyItem(item, { dataDir: dataDirOf(options) })
    const lines = result.checked.map((c) => `${c.ok ? 'ok    ' : 'FAILED'} ${c.name}: ${c.detail}`)
    if (result.checked.length === 0) lines.push(`${id}: nothing installed to verify`)
    lines.push(...result.warnings.map((w) => `warning: ${w}`))
    lines.push(describeStatus(item, result.status))
    process.stdout.write(`${lines.join('\n')}\n`)
    const failed = result.checked.filter((c) => !c.ok)
    if (failed.length > 0) throw new EpsinasError('BAD_FILE', `${failed.length} file${failed.length === 1 ? '' : 's'} of ${id} failed verification; download them again with: epsinas data download ${id}`)
  })

  common(data.command('remove').argument('<id>').description("delete an item's files, partial downloads and state")).action(async (id: string, options: CommonOptions) => {
    const item = findItem(await loadCatalogue(options.catalogue), id)
    const result = await removeItem(item, { dataDir: dataDirOf(options) })
    process.stdout.write(result.removed ? `removed ${id} (${formatBytes(result.bytesFreed)} freed)\n` : `${id} is not installed\n`)
  })

  common(
    data
      .command('convert')
      .argument('<id>')
      .description('turn an installed item into the benchmark tables of the score cache (what stats and --archs read)')
      .option('--db <file>', 'SQLite score cache the tables go into', defaultDatabasePath())
      .option('--no-progress', 'no progress bar'),
  ).action(async (id: string, options: ConvertOptions) => {
    await runConvert(id, options)
  })
  return data
}

async function runDownload(id: string, options: DownloadOptions): Promise<void> {
  const item = findItem(await loadCatalogue(options.catalogue), id)
  const abort = new AbortController()
  const onSigint = (): void => abort.abort()
  process.once('SIGINT', onSigint)
  const bar = options.progress ? createTransferBar(id) : null
  try {
    const result = await downloadItem(item, {
      dataDir: dataDirOf(options),
      mirror: options.mirror,
      signal: abort.signal,
      retry: { ...DEFAULT_RETRY, attempts: options.retries, baseDelayMs: options.retryDelay },
      onProgress: (p) => bar?.update(p),
    })
    bar?.stop()
    const lines = await downloadedLines(dataDirOf(options), item, result.fetched)
    if (result.alreadyPresent.length > 0) lines.push(`already installed: ${result.alreadyPresent.join(', ')}`)
    lines.push(...result.warnings.map((w) => `warning: ${w}`))
    lines.push(describeStatus(item, result.status))
    process.stdout.write(`${lines.join('\n')}\n`)
  } catch (error) {
    bar?.stop()
    if (error instanceof EpsinasError && error.code === 'CANCELLED') {
      throw new EpsinasError('CANCELLED', `download of ${id} stopped; the partial file is kept: run epsinas data download ${id} to resume`)
    }
    throw error
  } finally {
    process.off('SIGINT', onSigint)
  }
}

interface ConvertOptions extends CommonOptions {
  db: string
  progress: boolean
}

async function runConvert(id: string, options: ConvertOptions): Promise<void> {
  const item = findItem(await loadCatalogue(options.catalogue), id)
  const abort = new AbortController()
  const onSigint = (): void => abort.abort()
  process.once('SIGINT', onSigint)
  const bar = options.progress ? createTransferBar(`convert ${id}`) : null
  try {
    const result = await convertItem(item, {
      dataDir: dataDirOf(options),
      database: options.db,
      signal: abort.signal,
      onProgress: (p) => {
        const doing = p.phase === 'writing' ? 'writing the tables' : 'read'
        bar?.update({ bytesDone: p.bytesRead, bytesTotal: p.totalBytes ?? 0, rate: p.rate, etaSeconds: p.etaSeconds, file: `${p.file}: ${p.items} records ${doing}` })
      },
    })
    bar?.stop()
    const lines = result.converted.map((c) => `converted ${c.file}: ${c.records} records -> ${c.items} rows of ${c.benchmark} in ${result.database}`)
    lines.push(describeStatus(item, result.status))
    process.stdout.write(`${lines.join('\n')}\n`)
  } catch (error) {
    bar?.stop()
    if (error instanceof EpsinasError && error.code === 'CANCELLED') {
      throw new EpsinasError('CANCELLED', `conversion of ${id} stopped; the benchmark tables are unchanged`)
    }
    throw error
  } finally {
    process.off('SIGINT', onSigint)
  }
}

/** "nb101-only108: needs-conversion (499.0 MB in /x/benchmarks/nb101-only108) ..." with the next step. */
function describeStatus(item: CatalogueItem, status: ItemStatus): string {
  const next: Record<ItemStatus['state'], string> = {
    ready: 'ready to use',
    // Not "verified": a file without a published checksum is installed unverified (see the lines above).
    'needs-conversion': `installed; next: epsinas data convert ${item.id}`,
    missing: `not installed: epsinas data download ${item.id}`,
    partial: `partly installed: epsinas data download ${item.id} resumes it`,
    corrupt: `corrupt: epsinas data download ${item.id} fetches it again`,
    downloading: `being downloaded by process ${status.holder?.pid}`,
  }
  const problem = status.problem && status.state !== 'ready' ? `\n  ${status.problem}` : ''
  return `${item.id}: ${status.state}, ${formatBytes(status.bytesPresent)} on disk; ${next[status.state]}${problem}`
}

function formatList(catalogue: Catalogue, statuses: ItemStatus[]): string {
  const rows = catalogue.items.map((item, i) => {
    const status = statuses[i]
    const estimate = item.files.some((f) => !f.size.exact) ? '~' : ''
    const share = status.state === 'partial' || status.state === 'downloading' ? ` ${Math.floor((100 * status.bytesPresent) / Math.max(1, status.bytesTotal))}%` : ''
    return [item.id, `${estimate}${formatBytes(itemSize(item))}`, `${status.state}${share}`, item.title]
  })
  const table = [['id', 'size', 'status', 'title'], ...rows]
  const widths = [0, 1, 2].map((c) => Math.max(...table.map((row) => row[c].length)))
  return table.map((row) => row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell)).join('  ')).join('\n')
}

function formatInfo(item: CatalogueItem, status: ItemStatus): string {
  const lines = [`${item.id}: ${item.title}`, `  status: ${status.state}`, `  format: ${item.format}`]
  for (const p of item.provides) lines.push(`  provides ${p.kind}${p.space ? ` (${p.space})` : ''} for ${p.datasets.join(', ') || '-'}: ${p.detail}`)
  for (const file of item.files) {
    const sum = file.checksum
      ? `${file.checksum.algorithm}${file.checksum.of ? ` of ${file.checksum.of}` : ''} ${file.checksum.value} (${file.checksum.verified ? '' : 'unverified; '}source: ${file.checksum.source})`
      : uncheckedBecause(file)
    lines.push(`  file ${file.name}: ${file.size.exact ? '' : '~'}${formatBytes(file.size.bytes)}, ${file.format}; ${sum}`)
    if (file.extracted) lines.push(`    or its extracted folder ${file.extracted.folder}/ (epsinas data import ${item.id} FOLDER): ${folderCheckedBy(file.extracted)}`)
    file.urls.forEach((u, i) => lines.push(`    [${i}] ${u.kind} ${u.url}${u.note ? ` (${u.note})` : ''}`))
  }
  for (const source of item.manualSources) lines.push(`  by hand: ${source.url} (${source.note})`)
  lines.push(`  licence: ${item.licence.name}${item.licence.url ? ` (${item.licence.url})` : ''}: ${item.licence.terms}`)
  lines.push(`  conversion: ${item.conversion.needed ? `${item.conversion.into} (parser ${item.conversion.parser}; epsinas data convert ${item.id})` : `not needed (${item.conversion.into})`}`)
  const how = item.conversion.parser === undefined ? null : CONVERSION_NOTES[item.conversion.parser]
  if (how) lines.push(`    how: ${how}`)
  lines.push(`  needs: ${formatBytes(item.disk.bytes)} of disk (${item.disk.note}), ${formatBytes(item.memory.bytes)} of memory (${item.memory.note})`)
  for (const note of item.notes) lines.push(`  note: ${note}`)
  return lines.join('\n')
}
