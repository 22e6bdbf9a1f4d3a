import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import { cutInput, EpsinasError, quoteInput } from '../../shared/errors.ts'

/** csv-parse quotes the offending field in its messages; keep its words, not a 3 MB field. */
const LIBRARY_MESSAGE_LIMIT = 240

/** How the caller turns an arch string from a file into the join key (default: unchanged). */
export interface ReadScoreFileOptions {
  normalizeArch?: (arch: string) => string
}

/** Scores and accuracies aligned on the archs present in both files, in score-file order. */
export interface JoinedScores {
  archs: string[]
  scores: (number | null)[]
  accuracies: number[]
  /** Archs with a score but no accuracy. */
  onlyInScores: number
  /** Archs with an accuracy but no score. */
  onlyInAccuracies: number
}

/** One entry read from a file; `where` ("line 3", "entry 2") locates it for error messages. */
interface Entry {
  arch: string
  value: number | null
  where: string
}

/**
 * Reads epsilon scores from CSV (header with at least `arch,epsilon`; an empty or `nan` epsilon is
 * a NaN score, stored as null) or JSON (`[{ arch, epsilon }]` or `{ "scores": [...] }`, epsilon a
 * number or null). JSON is chosen by a `.json` extension or a leading `[` / `{`.
 */
export async function readScoresFile(
  path: string,
  options: ReadScoreFileOptions = {},
): Promise<Map<string, number | null>> {
  const text = await readText(path, 'scores')
  const entries = isJson(path, text) ? jsonEntries(path, text) : csvEntries(path, text, 'epsilon')
  return toMap(path, entries, options.normalizeArch)
}

/**
 * Reads trained accuracies from CSV with header `arch,accuracy` (extra columns are ignored).
 * An empty or `nan` accuracy is kept as NaN, so the statistics count it among the dropped.
 */
export async function readAccuraciesFile(
  path: string,
  options: ReadScoreFileOptions = {},
): Promise<Map<string, number>> {
  const text = await readText(path, 'accuracies')
  const map = toMap(path, csvEntries(path, text, 'accuracy'), options.normalizeArch)
  const accuracies = new Map<string, number>()
  for (const [arch, value] of map) accuracies.set(arch, value ?? Number.NaN)
  return accuracies
}

/** Aligns scores and accuracies on their common archs and counts the archs found in one file only. */
export function joinScoresWithAccuracies(
  scores: ReadonlyMap<string, number | null>,
  accuracies: ReadonlyMap<string, number>,
): JoinedScores {
  const joined: JoinedScores = { archs: [], scores: [], accuracies: [], onlyInScores: 0, onlyInAccuracies: 0 }
  for (const [arch, score] of scores) {
    const accuracy = accuracies.get(arch)
    if (accuracy === undefined) {
      joined.onlyInScores++
      continue
    }
    joined.archs.push(arch)
    joined.scores.push(score)
    joined.accuracies.push(accuracy)
  }
  joined.onlyInAccuracies = accuracies.size - joined.archs.length
  return joined
}

/** The file's text, or BAD_FILE naming the file. */
async function readText(path: string, what: string): Promise<string> {
  try {
    // A byte-order mark (Excel, PowerShell) would break JSON.parse and the first header name.
    return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new EpsinasError('BAD_FILE', `cannot read ${what} file ${path}: ${reason}`)
  }
}

/** JSON by extension or by its first character; CSV otherwise. */
function isJson(path: string, text: string): boolean {
  return path.toLowerCase().endsWith('.json') || /^\s*[[{]/.test(text)
}

/** Entries of a CSV file with a header naming `arch` and `valueColumn` (case-insensitive). */
function csvEntries(path: string, text: string, valueColumn: string): Entry[] {
  const lines: number[] = []
  let rows: string[][]
  try {
    rows = parse(text, {
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (record: string[], context) => {
        lines.push(context.lines)
        return record
      },
    })
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `${path}: not a valid CSV file: ${cutInput((error as Error).message, LIBRARY_MESSAGE_LIMIT)}`)
  }
  if (rows.length === 0) throw new EpsinasError('BAD_FILE', `${path}: empty file, expected a header`)
  const header = rows[0].map((name) => name.toLowerCase())
  const archColumn = header.indexOf('arch')
  const column = header.indexOf(valueColumn)
  for (const [index, name] of [[archColumn, 'arch'], [column, valueColumn]] as const) {
    if (index < 0) {
      throw new EpsinasError(
        'BAD_FILE',
        `${path}, line ${lines[0]}: missing column "${name}" (header: ${cutInput(rows[0].join(','))})`,
      )
    }
  }
  return rows.slice(1).map((row, i) => {
    const where = `line ${lines[i + 1]}`
    const arch = row[archColumn] ?? ''
    if (arch === '') throw new EpsinasError('BAD_FILE', `${path}, ${where}: empty arch`)
    return { arch, value: parseNumber(row[column] ?? '', `${path}, ${where}`, valueColumn), where }
  })
}

/** A decimal number, ±inf, or empty / nan / null (NaN, returned as null). */
function parseNumber(text: string, where: string, column: string): number | null {
  const lower = text.toLowerCase()
  if (lower === '' || lower === 'nan' || lower === 'null') return null
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower)) {
    throw new EpsinasError('BAD_FILE', `${where}: ${column} ${quoteInput(text)} is not a number`)
  }
  return Number(text)
}

/** Entries of a JSON scores file. */
function jsonEntries(path: string, text: string): Entry[] {
  let data: unknown
  try {
    // Python's json.dump writes NaN and Infinity as bare tokens; read them rather than refuse.
    const lenient = text.replace(/"(?:[^"\\]|\\.)*"|-?\bInfinity\b|\bNaN\b/g, (token) =>
      token.startsWith('"') ? token : token === 'NaN' ? 'null' : token.replace('Infinity', '1e999'),
    )
    data = JSON.parse(lenient)
  } catch (error) {
    throw new EpsinasError('BAD_FILE', `${path}: not a valid JSON file: ${(error as Error).message}`)
  }
  const list = Array.isArray(data) ? data : isRecord(data) ? data.scores : undefined
  if (!Array.isArray(list)) {
    throw new EpsinasError('BAD_FILE', `${path}: expected an array of {arch, epsilon} or {"scores": [...]}`)
  }
  return list.map((item: unknown, i) => {
    const where = `entry ${i}`
    const at = `${path}, ${where}`
    if (!isRecord(item)) throw new EpsinasError('BAD_FILE', `${at}: expected an object`)
    if (typeof item.arch !== 'string' || item.arch === '') {
      throw new EpsinasError('BAD_FILE', `${at}: missing column "arch" (a non-empty string)`)
    }
    if (!('epsilon' in item)) throw new EpsinasError('BAD_FILE', `${at}: missing column "epsilon"`)
    const value = item.epsilon
    if (value !== null && typeof value !== 'number') {
      throw new EpsinasError('BAD_FILE', `${at}: epsilon ${quoteInput(value)} is not a number`)
    }
    return { arch: item.arch, value, where }
  })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Keys entries by normalised arch, refusing duplicates (two spellings of one arch included). */
function toMap(
  path: string,
  entries: readonly Entry[],
  normalizeArch: (arch: string) => string = (arch) => arch,
): Map<string, number | null> {
  const map = new Map<string, number | null>()
  const firstSeen = new Map<string, string>()
  for (const { arch, value, where } of entries) {
    let key: string
    try {
      key = normalizeArch(arch)
    } catch (error) {
      throw new EpsinasError('BAD_FILE', `${path}, ${where}: bad arch ${quoteInput(arch)}: ${(error as Error).message}`)
    }
    const previous = firstSeen.get(key)
    if (previous !== undefined) {
      throw new EpsinasError('BAD_FILE', `${path}, ${where}: duplicate arch ${quoteInput(arch)} (first at ${previous})`)
    }
    firstSeen.set(key, where)
    map.set(key, value)
  }
  return map
}
