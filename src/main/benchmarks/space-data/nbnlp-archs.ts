import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { normalizeNbnlpArch } from '../../core/spaces/nbnlp/index.ts'
import { EpsinasError } from '../../../shared/errors.ts'

/**
 * NAS-Bench-NLP architectures from the command line's --archs PATH: a file with one JSON per line
 * (a recepie, or an object with "recepie" and hyper-parameters), a JSON array of them (the form of
 * the benchmark's data/recepies_example.json), or a folder of the benchmark's
 * training-log JSON files (log_stats_model_*.json), whose recepie and emsize / nhid / nlayers / tied
 * fix the network. Every entry is validated before anything is scored; the first bad one is
 * reported with its file and line, and nothing is scored.
 */
export async function readNbnlpArchs(path: string): Promise<string[]> {
  let isFolder: boolean
  try {
    isFolder = (await stat(path)).isDirectory()
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `cannot read architectures from ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  const archs = isFolder ? await readLogFolder(path) : await readRecepieFile(path)
  if (archs.length === 0) {
    throw new EpsinasError('BAD_FILE', `${path} contains no architectures (one recepie JSON per line, a JSON array of recepies, or a folder of training-log .json files)`)
  }
  return archs
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}

function located(where: string, error: unknown): never {
  if (error instanceof EpsinasError) throw new EpsinasError(error.code, `${where}: ${error.message}`)
  throw error
}

/** A recepie is a JSON object, so a file whose first character is '[' can only be an array of them. */
async function readRecepieFile(path: string): Promise<string[]> {
  const text = await readText(path)
  return /^\uFEFF?\s*\[/.test(text) ? readArray(path, text) : readLines(path, text)
}

function readArray(path: string, text: string): string[] {
  let entries: unknown
  try {
    entries = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `${path}: not a valid JSON array of recepies: ${(error as Error).message}`)
  }
  if (!Array.isArray(entries)) throw new EpsinasError('BAD_FILE', `${path}: not a JSON array of recepies`)
  return entries.map((entry, index) => {
    try {
      return normalizeNbnlpArch(JSON.stringify(entry))
    } catch (error) {
      return located(`${path} entry ${index + 1} of ${entries.length}`, error)
    }
  })
}

function readLines(path: string, text: string): string[] {
  const archs: string[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return
    try {
      archs.push(normalizeNbnlpArch(trimmed))
    } catch (error) {
      located(`${path} line ${index + 1}`, error)
    }
  })
  return archs
}

async function readLogFolder(path: string): Promise<string[]> {
  const names = (await readdir(path)).filter((name) => name.endsWith('.json')).sort()
  const archs: string[] = []
  for (const name of names) {
    const file = join(path, name)
    try {
      archs.push(normalizeNbnlpArch(withoutNonFiniteNumbers(await readText(file))))
    } catch (error) {
      located(file, error)
    }
  }
  return archs
}

/**
 * The benchmark's logs hold bare NaN / Infinity (Python's json.dump), which JSON.parse rejects: turn
 * each such token outside a string into null. Strings are matched first so their contents stay.
 */
export function withoutNonFiniteNumbers(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|-?\b(?:NaN|Infinity)\b/g, (token) => (token.startsWith('"') ? token : 'null'))
}
