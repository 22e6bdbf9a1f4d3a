import { readFile } from 'node:fs/promises'
import { SeededRandom } from '../core/random.ts'
import { normalizeArch } from '../core/scoring/index.ts'
import { enumerateNb201 } from '../core/spaces/nb201/index.ts'
import { NB101_SIZE, sampleNb101Specs } from '../core/spaces/nb101/index.ts'
import type { SpaceId } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'

/** How the user picked architectures on the command line. */
export type ArchSelection =
  | { kind: 'file'; path: string }
  | { kind: 'all' }
  | { kind: 'sample'; limit: number; seed: number }
  | { kind: 'list'; archs: readonly string[] }

/** Every architecture of a space, in the benchmark's index order. */
export function allArchs(space: SpaceId): string[] {
  switch (space) {
    case 'nb201':
      return enumerateNb201()
    case 'nb101':
      throw new EpsinasError(
        'BAD_ARGUMENT',
        `every NAS-Bench-101 graph (${NB101_SIZE.toLocaleString('en-US')}) needs the benchmark data, which arrives with the data issue; use --limit N --seed S for a random sample or --archs FILE (one {"matrix": [[...]], "ops": [...]} per line)`,
      )
    default:
      throw new EpsinasError('BAD_ARGUMENT', `unknown search space '${String(space)}'`)
  }
}

/** The archs of a selection, validated: a malformed line of a file is reported with its line number. */
export async function selectArchs(space: SpaceId, selection: ArchSelection): Promise<string[]> {
  switch (selection.kind) {
    case 'all':
      return allArchs(space)
    case 'sample': {
      if (space === 'nb101') return sampleNb101Specs(selection.limit, selection.seed)
      const all = allArchs(space)
      return new SeededRandom(selection.seed).sampleWithoutReplacement(all.length, selection.limit).map((i) => all[i])
    }
    case 'file':
      return readArchFile(space, selection.path)
    case 'list':
      return selection.archs.map((arch) => normalizeArch(space, arch))
  }
}

/** One arch per line (an NB201 arch string, an NB101 spec as JSON); blank lines and lines starting with # are skipped. */
async function readArchFile(space: SpaceId, path: string): Promise<string[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `cannot read architectures from ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  const archs: string[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return
    try {
      archs.push(normalizeArch(space, trimmed))
    } catch (error) {
      if (error instanceof EpsinasError) throw new EpsinasError(error.code, `${path} line ${index + 1}: ${error.message}`)
      throw error
    }
  })
  if (archs.length === 0) {
    const form = space === 'nb101' ? 'one {"matrix": [[...]], "ops": [...]} per line' : 'one arch string per line'
    throw new EpsinasError('BAD_FILE', `${path} contains no architectures (${form})`)
  }
  return archs
}
