import { replaceSpaceRows, type BenchmarkStore } from '../../store/benchmarks.ts'
import { bunzip2 } from '../archive/bz2.ts'
import { entryBaseName } from '../archive/entry-path.ts'
import { openMaybeGzip } from '../archive/extract.ts'
import { readTar } from '../archive/tar.ts'
import { asFileError, badFile } from './errors.ts'
import { NATS_SIZE, NATS_TOPOLOGY, type NatsSearchSpace } from '../nats-spaces.ts'
import { extractNatsArch, extractNatsMeta, type NatsArch } from './nats-extract.ts'
import { unpickle } from './pickle/index.ts'
import { throttledProgress, type ImportOptions, type ImportResult, type ProgressListener } from './progress.ts'
import { folderFiles, statSource, type SourceFile } from './source-file.ts'
import { checkAborted, Staging } from './staging.ts'

/** An uncompressed per-arch pickle is about 326 KB; anything past this is not a NATS file. */
const MAX_PICKLE_BYTES = 64 * 1024 * 1024
const ARCH_FILE = /^(\d{6})\.pickle\.pbz2$/
const META_FILE = 'meta.pickle.pbz2'

/**
 * Imports a NATS-Bench "simple" archive (NATS-tss-v1_0-3ffb9-simple.tar for the topology space,
 * NATS-sss-v1_0-50262-simple.tar for the size space, or its extracted folder): one bz2-compressed
 * protocol-4 pickle per architecture plus meta.pickle.pbz2, in any member order. Every file is
 * decoded by the restricted unpickler. Replaces `space`'s rows of space_archs (benchmark index),
 * space_accuracies (final-epoch accuracy over seeds per training set, evaluation set and budget)
 * and space_costs; other spaces' rows stay. All or nothing; an archive of the other space is
 * refused naming its item.
 */
export async function importNatsSimple(
  store: BenchmarkStore,
  path: string,
  space: NatsSearchSpace,
  onProgress?: ProgressListener,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const report = throttledProgress(onProgress)
  const info = await statSource(path)
  const totalBytes = info.isDirectory() ? null : info.size
  const counter = { bytes: 0 }
  const staging = new Staging(
    store,
    (s) => `
      CREATE TABLE ${s}.archs (arch TEXT PRIMARY KEY, bench_index INTEGER NOT NULL UNIQUE, source TEXT NOT NULL);
      CREATE TABLE ${s}.meta (bench_index INTEGER PRIMARY KEY, arch TEXT NOT NULL);
      CREATE TABLE ${s}.accuracies (arch TEXT, dataset TEXT, split TEXT, epochs INTEGER, accuracy REAL, accuracy_min REAL, accuracy_max REAL, seeds INTEGER);
      CREATE TABLE ${s}.costs (arch TEXT, dataset TEXT, params REAL, flops REAL, latency REAL);
    `,
  )
  try {
    const s = staging.schema
    const archs = staging.writer(`INSERT INTO ${s}.archs VALUES (?, ?, ?)`, 500)
    const meta = staging.writer(`INSERT INTO ${s}.meta VALUES (?, ?)`, 5000)
    const accuracies = staging.writer(`INSERT INTO ${s}.accuracies VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, 5000)
    const costs = staging.writer(`INSERT INTO ${s}.costs VALUES (?, ?, ?, ?, ?)`, 2000)
    const seen = new Map<string, string>()
    let records = 0
    let sawMeta = false
    const files = info.isDirectory() ? folderFiles(path) : tarFiles(path, counter)
    try {
      for await (const file of files) {
        checkAborted(options.signal, path)
        const base = entryBaseName(file.name)
        const isMeta = base === META_FILE
        const number = ARCH_FILE.exec(base)?.[1]
        if (!isMeta && number === undefined) continue
        let value
        try {
          value = unpickle(bunzip2(await file.read(), MAX_PICKLE_BYTES)).value
        } catch (error) {
          throw asFileError(path, error, file.where)
        }
        records++
        if (isMeta) {
          if (sawMeta) throw badFile(path, file.where, `a second ${META_FILE}`)
          sawMeta = true
          const list = wrap(path, file.where, () => extractNatsMeta(value, space))
          list.forEach((arch, index) => meta.add([index, arch]))
        } else {
          const arch: NatsArch = wrap(path, file.where, () => extractNatsArch(value, space))
          if (arch.index !== Number(number)) throw badFile(path, file.where, `holds arch_index ${arch.index}, not ${Number(number)} as its name says`)
          const previous = seen.get(arch.arch)
          if (previous !== undefined) throw badFile(path, file.where, `architecture ${arch.arch} was already in ${previous}`)
          seen.set(arch.arch, file.where)
          archs.add([arch.arch, arch.index, file.where])
          for (const a of arch.accuracies) accuracies.add([arch.arch, a.dataset, a.split, a.epochs, a.mean, a.min, a.max, a.seeds])
          for (const c of arch.costs) costs.add([arch.arch, c.dataset, c.params, c.flops, c.latency])
        }
        report({ phase: 'reading', bytesRead: counter.bytes, totalBytes, items: records })
      }
    } catch (error) {
      throw asFileError(path, error)
    }
    for (const writer of [archs, meta, accuracies, costs]) writer.flush()
    if (seen.size === 0) throw badFile(path, '', 'no NATS per-architecture files (NNNNNN.pickle.pbz2) found')
    const mismatch = store.db
      .prepare<[], { bench_index: number; arch: string; listed: string; source: string }>(
        `SELECT a.bench_index, a.arch, m.arch AS listed, a.source FROM ${s}.archs a JOIN ${s}.meta m USING (bench_index) WHERE m.arch != a.arch LIMIT 1`,
      )
      .get()
    if (mismatch) throw badFile(path, mismatch.source, `architecture ${mismatch.bench_index} is ${mismatch.arch} but meta_archs lists ${mismatch.listed}`)
    report({ phase: 'writing', bytesRead: counter.bytes, totalBytes, items: records }, true)
    const items = staging.commit({ benchmark: space.space, format: space.format, source: path }, () => {
      replaceSpaceRows(store, space.space, {
        archs: `SELECT arch, bench_index FROM ${s}.archs UNION ALL SELECT arch, bench_index FROM ${s}.meta WHERE arch NOT IN (SELECT arch FROM ${s}.archs)`,
        accuracies: `SELECT * FROM ${s}.accuracies`,
        costs: `SELECT * FROM ${s}.costs`,
      })
      return seen.size
    })
    return { benchmark: space.space, items, records }
  } finally {
    staging.close()
  }
}

/** The NATS-Bench topology archive into the nb201 rows. */
export function importNb201FromNats(store: BenchmarkStore, path: string, onProgress?: ProgressListener, options: ImportOptions = {}): Promise<ImportResult> {
  return importNatsSimple(store, path, NATS_TOPOLOGY, onProgress, options)
}

/** The NATS-Bench size archive into the natssss rows. */
export function importNatsSssFromNats(store: BenchmarkStore, path: string, onProgress?: ProgressListener, options: ImportOptions = {}): Promise<ImportResult> {
  return importNatsSimple(store, path, NATS_SIZE, onProgress, options)
}

function wrap<T>(path: string, where: string, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    throw asFileError(path, error, where)
  }
}

/** Members of the tar (plain or gzipped), counting compressed bytes for progress. */
async function* tarFiles(path: string, counter: { bytes: number }): AsyncGenerator<SourceFile> {
  const source = await openMaybeGzip(path, (bytes) => (counter.bytes = bytes))
  for await (const member of readTar(source, { maxEntryBytes: MAX_PICKLE_BYTES })) {
    if (member.type !== 'file') continue
    yield { name: member.name, where: `entry ${JSON.stringify(member.name)} (tar header at byte ${member.offset})`, read: () => member.read() }
  }
}
