import { readFile } from 'node:fs/promises'
import { SeededRandom } from '../core/random.ts'
import { normalizeArch } from '../core/scoring/index.ts'
import { enumerateNb201, NB201_SIZE } from '../core/spaces/nb201/index.ts'
import { NB101_SIZE, sampleNb101Specs } from '../core/spaces/nb101/index.ts'
import { sampleRecepies } from '../core/spaces/nbnlp/index.ts'
import { readNbnlpArchs } from './nbnlp-archs.ts'
import { installedNb101Specs, installedNb201Order, openArchIdResolver } from '../benchmarks/arch-ids.ts'
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
 * Every architecture of a space: for NB201 in the benchmark's index order when NATS is converted
 * into `db` (default cache), else in our enumeration order (the same set).
 */
export function allArchs(space: SpaceId, db: string = defaultDatabasePath()): string[] {
  switch (space) {
    case 'nb201':
      return installedNb201Order(db) ?? enumerateNb201()
    case 'nb101': {
      const specs = installedNb101Specs(db)
      if (specs !== null) return specs
      throw new EpsinasError(
        'BAD_ARGUMENT',
        `every NAS-Bench-101 graph (${NB101_SIZE.toLocaleString('en-US')}) comes from the benchmark data, which is not installed in ${db}: run epsinas data download nb101-only108 then epsinas data convert nb101-only108 (or nb101-nni-db); or use --limit N --seed S for a random sample or --archs FILE (one {"matrix": [[...]], "ops": [...]} per line)`,
      )
    }
    case 'nbnlp':
      throw new EpsinasError('BAD_ARGUMENT', 'NAS-Bench-NLP has no enumerable space: use --archs PATH (one recepie JSON per line, or a folder of training-log JSON files) or --limit N --seed S for random recepies')
    default:
      throw new EpsinasError('BAD_ARGUMENT', `unknown search space '${String(space)}'`)
  }
}

/** Sizes of the spaces a sample is drawn from (NB-NLP recepies are sampled from an unbounded space). */
const SPACE_SIZES: Partial<Record<SpaceId, number>> = { nb201: NB201_SIZE, nb101: NB101_SIZE }

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
      const size = SPACE_SIZES[space]
      // Sampling more than the space would silently become "all" (for NB201 an 8-minute run).
      if (size !== undefined && selection.limit > size) {
        throw new EpsinasError(
          'BAD_ARGUMENT',
          `cannot sample ${selection.limit.toLocaleString('en-US')} of the ${size.toLocaleString('en-US')} architectures of ${space}: ask for at most ${size.toLocaleString('en-US')}, or for all of them (--all)`,
        )
      }
      if (space === 'nb101') return sampleNb101Specs(selection.limit, selection.seed)
      if (space === 'nbnlp') return sampleRecepies(selection.limit, selection.seed).map((recepie) => normalizeArch(space, recepie))
      // Our enumeration, not the installed index order: a seed names the same sample on every machine.
      const all = enumerateNb201()
      return new SeededRandom(selection.seed).sampleWithoutReplacement(all.length, selection.limit).map((i) => all[i])
    }
    case 'file':
      if (space === 'nbnlp') return readNbnlpArchs(selection.path)
      return readArchFile(space, selection.path, selection.db ?? defaultDatabasePath())
    case 'list':
      return selection.archs.map((arch) => normalizeArch(space, arch))
  }
}

/**
 * One arch per line (an NB201 arch string or benchmark index, an NB101 spec as JSON or module
 * hash; ids are looked up in the installed benchmark tables of `db`); blank lines and lines
 * starting with # are skipped.
 */
async function readArchFile(space: SpaceId, path: string, db: string): Promise<string[]> {
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
        archs.push(normalizeArch(space, ids.resolve(space, trimmed) ?? trimmed))
      } catch (error) {
        if (error instanceof EpsinasError) throw new EpsinasError(error.code, `${path} line ${index + 1}: ${error.message}`)
        throw error
      }
    })
  } finally {
    ids.close()
  }
  if (archs.length === 0) {
    const form = space === 'nb101' ? 'one {"matrix": [[...]], "ops": [...]} per line' : 'one arch string per line'
    throw new EpsinasError('BAD_FILE', `${path} contains no architectures (${form})`)
  }
  return archs
}
