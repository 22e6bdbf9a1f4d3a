/**
 * Finished `epsinas study` tables, kept for the Studies page: one JSON document per study in the
 * studies/ folder beside the cache file whose scores it read (<data>/studies for the default cache,
 * which is the one the app reads), named by a hash of what fixes its numbers (study, space, dataset, configuration,
 * sample, accuracies), so a rerun of the same study replaces its document. The scores themselves stay
 * in the cache; the document holds the table built from them (rows, the paper's values, notes).
 * A document is self-contained: the page needs neither the accuracies file nor the cache it came from.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { StoredStudyView } from '../../shared/api.ts'
import { EpsinasError } from '../../shared/errors.ts'

/** The folder of the studies stored beside the cache file at `cachePath`. */
export function studiesDirectory(cachePath: string): string {
  return join(dirname(cachePath), 'studies')
}

/** A study as the command finished it, before it is named and dated. */
export type StudyDocument = Omit<StoredStudyView, 'id' | 'savedAt'>

/** The document's id: its study and a hash of everything its numbers depend on. */
export function studyId(document: StudyDocument): string {
  const { study, space, dataset, config, sample, accuracies } = document
  const hash = createHash('sha256').update(JSON.stringify({ study, space, dataset, config, sample, accuracies })).digest('hex').slice(0, 16)
  return `${study}-${hash}`
}

/** Stores the document beside the cache at `cachePath` (atomically: written beside, then renamed); returns its path. */
export function saveStudy(cachePath: string, document: StudyDocument, now: Date = new Date()): string {
  const dir = studiesDirectory(cachePath)
  const id = studyId(document)
  const path = join(dir, `${id}.json`)
  const stored: StoredStudyView = { id, savedAt: now.toISOString(), ...document }
  try {
    mkdirSync(dir, { recursive: true })
    writeFileSync(`${path}.part`, `${JSON.stringify(stored)}\n`)
    renameSync(`${path}.part`, path)
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `cannot store the study in ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  return path
}

function isStoredStudy(value: unknown): value is StoredStudyView {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.id === 'string' && typeof v.study === 'string' && typeof v.space === 'string' && typeof v.savedAt === 'string' && Array.isArray(v.rows) && Array.isArray(v.notes)
}

/**
 * Every stored study, newest first. A file that is not a study document (hand-edited, cut short)
 * is skipped rather than failing the list: the others are still worth showing.
 */
export function listStoredStudies(cachePath: string): StoredStudyView[] {
  let names: string[]
  try {
    names = readdirSync(studiesDirectory(cachePath)).filter((name) => name.endsWith('.json'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const studies: StoredStudyView[] = []
  for (const name of names) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(studiesDirectory(cachePath), name), 'utf8'))
      if (isStoredStudy(parsed)) studies.push(parsed)
    } catch {
      // Unreadable or not JSON: skipped, as above.
    }
  }
  return studies.sort((a, b) => b.savedAt.localeCompare(a.savedAt) || a.id.localeCompare(b.id))
}
