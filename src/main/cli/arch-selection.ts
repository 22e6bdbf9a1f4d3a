import { readFile } from 'node:fs/promises'
import { getSpace } from '../core/spaces/registry.ts'
import { openArchIdResolver } from '../benchmarks/space-data/arch-id-resolver.ts'
import { spaceBenchmarkData } from '../benchmarks/space-data/index.ts'
import { defaultDatabasePath } from '../services/paths.ts'
import type { SpaceId } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'

/** How the user picked architectures on the command line. */
export type ArchSelection =
  /** db: the cache whose benchmark tables resolve NB201 indices / NB101 hashes in the file (default cache). */
  | { kind: 'file'; path: string; db?: string }
  /** db: the cache whose installed NB201 order / NB101 modules define "all" (default cache). */
  | { kind: 'all'; db?: string }
  | { kind: 'sample'; limit: number; seed: number }
  | { kind: 'list'; archs: readonly string[] }

/**
 * Every architecture of a space: in the benchmark's own order when its tables are installed in
 * `db` (default cache; NB201: the NATS index order, NB101: the installed modules, its only source),
 * else the space's enumeration (the same set), else BAD_ARGUMENT saying how to pick archs instead.
 */
export function allArchs(space: SpaceId, db: string = defaultDatabasePath()): string[] {
  const definition = getSpace(space)
  const data = spaceBenchmarkData(definition.id)
  const all = data.installedArchs?.(db) ?? definition.enumerate()
  if (all !== null) return all
  throw new EpsinasError(
    'BAD_ARGUMENT',
    data.allArchsUnavailable?.(db) ?? `${definition.title} cannot be enumerated: use --archs FILE (one ${definition.writtenForm} per line) or --limit N --seed S for a random sample`,
  )
}

/**
 * The archs of a selection, validated: a malformed line of a file is reported with its line number.
 * Each arch comes once (the first time it appears): a job counts archs, and a repeated line would
 * count in its total but never in its done. `report` gets a note when repeats were skipped.
 */
export async function selectArchs(space: SpaceId, selection: ArchSelection, report: (note: string) => void = () => {}): Promise<string[]> {
  const archs = await selectionArchs(space, selection)
  const unique = [...new Set(archs)]
  const skipped = archs.length - unique.length
  if (skipped > 0) {
    const source = selection.kind === 'file' ? selection.path : 'the list'
    report(`${source}: ${skipped} duplicate architecture${skipped === 1 ? '' : 's'} skipped; ${unique.length} remain`)
  }
  return unique
}

/** The CLI's `report` for selectArchs: a note line on stderr, beside the progress output. */
export function noteOnStderr(note: string): void {
  process.stderr.write(`note: ${note}\n`)
}

async function selectionArchs(space: SpaceId, selection: ArchSelection): Promise<string[]> {
  switch (selection.kind) {
    case 'all':
      return allArchs(space, selection.db)
    case 'sample': {
      const definition = getSpace(space)
      const size = definition.size
      // Sampling more than the space would silently become "all" (for NB201 an 8-minute run).
      if (size !== null && selection.limit > size) {
        throw new EpsinasError(
          'BAD_ARGUMENT',
          `cannot sample ${selection.limit.toLocaleString('en-US')} of the ${size.toLocaleString('en-US')} architectures of ${space}: ask for at most ${size.toLocaleString('en-US')}, or for all of them (--all)`,
        )
      }
      return definition.sample(selection.limit, selection.seed)
    }
    case 'file': {
      // A space with file forms of its own (NB-NLP: recepie arrays, training-log folders) reads them itself.
      const readArchs = spaceBenchmarkData(getSpace(space).id).readArchs
      return readArchs ? readArchs(selection.path) : readArchFile(space, selection.path, selection.db ?? defaultDatabasePath())
    }
    case 'list': {
      const definition = getSpace(space)
      return selection.archs.map((arch) => definition.normalize(arch))
    }
  }
}

/**
 * One arch per line (an NB201 arch string or benchmark index, an NB101 spec as JSON or module
 * hash; ids are looked up in the installed benchmark tables of `db`); blank lines and lines
 * starting with # are skipped.
 */
async function readArchFile(space: SpaceId, path: string, db: string): Promise<string[]> {
  const definition = getSpace(space)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `cannot read architectures from ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  const archs: string[] = []
  const ids = openArchIdResolver(db)
  try {
    text.split(/\r?\n/).forEach((line, index) => {
      const trimmed = line.trim()
      if (trimmed === '' || trimmed.startsWith('#')) return
      try {
        archs.push(definition.normalize(ids.resolve(space, trimmed) ?? trimmed))
      } catch (error) {
        if (error instanceof EpsinasError) throw new EpsinasError(error.code, `${path} line ${index + 1}: ${error.message}`)
        throw error
      }
    })
  } finally {
    ids.close()
  }
  if (archs.length === 0) {
    throw new EpsinasError('BAD_FILE', `${path} contains no architectures (one ${definition.writtenForm} per line)`)
  }
  return archs
}
