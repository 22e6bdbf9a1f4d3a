/**
 * The Benchmarks page's service: the catalogue with each item's status, and background downloads
 * and conversions (one per item) that report progress through a hub and can be cancelled. Import,
 * verify and remove run while the request waits. Everything delegates to benchmarks/install.
 */
import type { BenchmarkActionResponse, BenchmarkItemView, BenchmarkProgressEvent, BenchmarkTaskView } from '../../../shared/api.ts'
import { EpsinasError, serializeError } from '../../../shared/errors.ts'
import { findItem, itemSize, loadCatalogue, type Catalogue, type CatalogueItem } from '../../benchmarks/catalogue.ts'
import type { RetryPolicy } from '../../benchmarks/download/index.ts'
import { convertItem } from '../../benchmarks/convert/index.ts'
import { downloadItem, downloadedLines, importedLine, importItem, itemStatus, removeItem, verifyItem, type ItemStatus } from '../../benchmarks/install/index.ts'
import type { ProgressHub } from './progress-hub.ts'

/** What the manager works with. */
export interface BenchmarkManagerOptions {
  dataDir: string
  /** Catalogue file; default the bundled one. */
  cataloguePath?: string
  hub: ProgressHub<BenchmarkProgressEvent>
  /** The SQLite file conversions write the benchmark tables into (the score cache, so Compare finds them). */
  database: string
  retry?: RetryPolicy
  /** Least time between two progress events of one task. */
  progressIntervalMs?: number
}

interface Task {
  controller: AbortController
  view: BenchmarkTaskView
  finished: Promise<void>
}

/** Owns the background tasks on catalogue items; `dispose` cancels them (partial downloads stay resumable). */
export class BenchmarkManager {
  readonly #options: BenchmarkManagerOptions
  readonly #tasks = new Map<string, Task>()
  #catalogue: Promise<Catalogue> | null = null

  constructor(options: BenchmarkManagerOptions) {
    this.#options = options
  }

  /** Every catalogue item with its status on this machine. */
  async list(): Promise<BenchmarkItemView[]> {
    const catalogue = await this.#loadCatalogue()
    return Promise.all(catalogue.items.map(async (item) => this.#view(item, await itemStatus(this.#options.dataDir, item))))
  }

  /** Starts downloading the item's missing files in the background (a partial file is resumed). */
  async download(id: string, mirror?: number): Promise<BenchmarkItemView> {
    const item = await this.#item(id)
    this.#assertIdle(item.id)
    this.#begin(item, 'download', async (controller, view, report) => {
      const result = await downloadItem(item, {
        dataDir: this.#options.dataDir,
        mirror,
        signal: controller.signal,
        retry: this.#options.retry,
        onPhase: (phase) => {
          view.phase = phase.phase
          view.file = phase.file
          report(true)
        },
        onProgress: (p) => {
          Object.assign(view, { file: p.file, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, rate: p.rate, etaSeconds: p.etaSeconds })
          report(false)
        },
      })
      return result.fetched.length > 0 ? (await downloadedLines(this.#options.dataDir, item, result.fetched)).join('; ') : 'every file was already installed'
    })
    return this.#view(item, await itemStatus(this.#options.dataDir, item))
  }

  /** Cancels the item's running task and waits for it to stop. */
  async cancel(id: string): Promise<BenchmarkItemView> {
    const item = await this.#item(id)
    const task = this.#tasks.get(item.id)
    if (!task) throw new EpsinasError('BAD_ARGUMENT', `Nothing is running on ${item.id}.`)
    task.controller.abort()
    await task.finished
    return this.#view(item, await itemStatus(this.#options.dataDir, item))
  }

  /** Imports a file or folder the user already has (verified like a download). */
  async import(id: string, path: string): Promise<BenchmarkActionResponse> {
    const item = await this.#item(id)
    this.#assertIdle(item.id)
    const result = await importItem(item, path, { dataDir: this.#options.dataDir })
    const details = result.imported.map(importedLine)
    if (result.missing.length > 0) details.push(`still missing: ${result.missing.join(', ')}`)
    return { item: this.#view(item, result.status), message: `${item.id}: ${result.imported.length} file(s) imported`, details }
  }

  /** Re-checks the installed files. */
  async verify(id: string): Promise<BenchmarkActionResponse> {
    const item = await this.#item(id)
    this.#assertIdle(item.id)
    const result = await verifyItem(item, { dataDir: this.#options.dataDir })
    const failed = result.checked.filter((c) => !c.ok).length
    const message = result.checked.length === 0 ? `${item.id}: nothing installed to verify` : failed === 0 ? `${item.id}: every file verified` : `${item.id}: ${failed} file(s) failed verification; download them again`
    return { item: this.#view(item, result.status), message, details: result.checked.map((c) => `${c.ok ? 'ok' : 'FAILED'} ${c.name}: ${c.detail}`) }
  }

  /** Deletes the item's files and state. */
  async remove(id: string): Promise<BenchmarkActionResponse> {
    const item = await this.#item(id)
    this.#assertIdle(item.id)
    const result = await removeItem(item, { dataDir: this.#options.dataDir })
    const message = result.removed ? `${item.id} removed (${result.bytesFreed} bytes freed)` : `${item.id} was not installed`
    return { item: this.#view(item, await itemStatus(this.#options.dataDir, item)), message, details: [] }
  }

  /** Converts an installed item into the benchmark tables in the background. */
  async convert(id: string): Promise<BenchmarkItemView> {
    const item = await this.#item(id)
    this.#assertIdle(item.id)
    if (!item.conversion.needed || item.conversion.parser === undefined) throw new EpsinasError('BAD_ARGUMENT', `${item.id} needs no conversion: ${item.conversion.into}.`)
    const status = await itemStatus(this.#options.dataDir, item)
    if (status.state !== 'needs-conversion' && status.state !== 'ready') throw new EpsinasError('BAD_ARGUMENT', `${item.id} is ${status.state}; download or import it first.`)
    this.#begin(item, 'convert', async (controller, view, report) => {
      const result = await convertItem(item, {
        dataDir: this.#options.dataDir,
        database: this.#options.database,
        signal: controller.signal,
        onProgress: (p) => {
          Object.assign(view, { file: p.file, bytesDone: p.bytesRead, bytesTotal: p.totalBytes ?? 0, rate: p.rate, etaSeconds: p.etaSeconds })
          report(false)
        },
      })
      return `converted into ${result.converted.map((c) => `${c.benchmark} (${c.items} rows)`).join(', ')}`
    })
    return this.#view(item, await itemStatus(this.#options.dataDir, item))
  }

  /** Resolves once no task runs. */
  async idle(): Promise<void> {
    await Promise.all([...this.#tasks.values()].map((task) => task.finished))
  }

  /** Cancels every task and waits for them to stop. */
  async dispose(): Promise<void> {
    for (const task of this.#tasks.values()) task.controller.abort()
    await this.idle()
  }

  /** Runs `work` in the background as the item's task (its failures end as events, never rejections). */
  #begin(
    item: CatalogueItem,
    action: 'download' | 'convert',
    work: (controller: AbortController, view: BenchmarkTaskView, report: (force: boolean) => void) => Promise<string>,
  ): void {
    const controller = new AbortController()
    const view: BenchmarkTaskView = { action, phase: action === 'download' ? 'download' : 'convert', file: null, bytesDone: 0, bytesTotal: action === 'download' ? itemSize(item) : 0, rate: 0, etaSeconds: null }
    const interval = this.#options.progressIntervalMs ?? 200
    let last = Number.NEGATIVE_INFINITY
    const emit = (state: BenchmarkProgressEvent['state'], message: string | null): void => this.#options.hub.emit({ id: item.id, state, task: { ...view }, message })
    const report = (force: boolean): void => {
      const now = performance.now()
      if (!force && now - last < interval) return
      last = now
      emit('running', null)
    }
    const run = async (): Promise<void> => {
      emit('running', null)
      try {
        emit('done', await work(controller, view, report))
      } catch (error) {
        const serialized = serializeError(error)
        const cancelled = controller.signal.aborted || serialized.code === 'CANCELLED'
        emit(cancelled ? 'cancelled' : 'failed', cancelled ? `${item.id}: stopped; the partial download is kept, resume it with Download` : serialized.message)
      } finally {
        this.#tasks.delete(item.id)
      }
    }
    const task: Task = { controller, view, finished: Promise.resolve() }
    this.#tasks.set(item.id, task)
    task.finished = run()
  }

  #assertIdle(id: string): void {
    const task = this.#tasks.get(id)
    if (task) throw new EpsinasError('BUSY', `${id} is busy (${task.view.action} running); wait for it or cancel it first.`)
  }

  async #item(id: string): Promise<CatalogueItem> {
    return findItem(await this.#loadCatalogue(), id)
  }

  #loadCatalogue(): Promise<Catalogue> {
    // A failed load is not memoised, so fixing the file and retrying works.
    this.#catalogue ??= loadCatalogue(this.#options.cataloguePath).catch((error: unknown) => {
      this.#catalogue = null
      throw error
    })
    return this.#catalogue
  }

  #view(item: CatalogueItem, status: ItemStatus): BenchmarkItemView {
    const task = this.#tasks.get(item.id)
    return {
      id: item.id,
      title: item.title,
      provides: item.provides.map((p) => ({ kind: p.kind, space: p.space, datasets: [...p.datasets], detail: p.detail })),
      sizeBytes: itemSize(item),
      sizeExact: item.files.every((f) => f.size.exact),
      licence: { ...item.licence },
      files: status.files.map((f) => ({ name: f.name, state: f.state, bytes: f.bytes, expected: f.expected })),
      state: task?.view.action === 'download' ? 'downloading' : status.state,
      bytesPresent: status.bytesPresent,
      problem: status.problem,
      convertible: item.conversion.needed && item.conversion.parser !== undefined,
      conversionNeeded: item.conversion.needed,
      task: task ? { ...task.view } : null,
    }
  }
}
