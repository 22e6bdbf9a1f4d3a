/** Progress of an import, reported a few times a second at most. */
export interface ImportProgress {
  /** 'reading': parsing the source; 'writing': the final copy into the cache file. */
  phase: 'reading' | 'writing'
  /** Source bytes consumed so far (compressed bytes for archives). */
  bytesRead: number
  /** Size of the source file, when known. */
  totalBytes: number | null
  /** Records, entries or logs parsed so far. */
  items: number
}

/** Callback receiving progress; it must not throw. */
export type ProgressListener = (progress: ImportProgress) => void

/** What an import stored. */
export interface ImportResult {
  /** Benchmark name in benchmark_imports ('nb201', 'nb101', 'nbnlp:<collection>', 'suite-zero:<space>'). */
  benchmark: string
  /** Rows of the main table written (archs, modules, runs or scores). */
  items: number
  /** Source records read, including those that contributed no row (e.g. other epoch budgets). */
  records: number
}

/** Options every importer accepts. */
export interface ImportOptions {
  /** Stops the import between records; nothing is written. */
  signal?: AbortSignal
}

/** Wraps a listener so it fires at most every `intervalMs` (always on `force`). */
export function throttledProgress(listener: ProgressListener | undefined, intervalMs = 200): (progress: ImportProgress, force?: boolean) => void {
  let last = 0
  return (progress, force = false) => {
    if (!listener) return
    const now = Date.now()
    if (!force && now - last < intervalMs) return
    last = now
    listener(progress)
  }
}
