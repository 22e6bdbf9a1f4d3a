/**
 * The relative path an archive entry may be written to, or null when the name could escape the
 * destination or cannot be written portably: absolute paths, drive letters, `..` components,
 * backslashes (a separator on Windows), NUL and other control characters.
 * `a/./b/` becomes `a/b`; an empty result (the name `./`) is null too.
 */
export function safeEntryPath(name: string): string | null {
  if (name === '' || /[\u0000-\u001f\\]/.test(name)) return null
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return null
  const parts: string[] = []
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') return null
    parts.push(part)
  }
  return parts.length === 0 ? null : parts.join('/')
}

/** Last path component of an archive entry name (entries always use `/`). */
export function entryBaseName(name: string): string {
  const trimmed = name.endsWith('/') ? name.slice(0, -1) : name
  return trimmed.slice(trimmed.lastIndexOf('/') + 1)
}
