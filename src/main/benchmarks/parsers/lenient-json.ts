/**
 * JSON.parse that also accepts the bare NaN, Infinity and -Infinity tokens Python's json.dump
 * writes (allow_nan=True is its default). NaN becomes null (JSON has no NaN; callers read null as
 * "not a number"), ±Infinity become ±Infinity. Tokens inside strings are left alone.
 */
export function parseLenientJson(text: string): unknown {
  const replaced = text.replace(/"(?:[^"\\]|\\.)*"|-?\bInfinity\b|\bNaN\b/g, (token) => {
    if (token.startsWith('"')) return token
    if (token === 'NaN') return 'null'
    return token.startsWith('-') ? '-1e999' : '1e999'
  })
  return JSON.parse(replaced)
}

/** JSON text of `value` with object keys sorted at every level, arrays in order: a canonical id. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key])
    return out
  }
  return value
}
