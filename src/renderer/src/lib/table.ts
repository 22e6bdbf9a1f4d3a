/** Columns and sorting of the results tables (pure). */

/** One column: how to show a row's value and how to sort by it. */
export interface Column<T> {
  key: string
  label: string
  format: (row: T) => string
  /** Sort key; null sorts last in either direction (NaN scores). */
  sortValue: (row: T) => number | string | null
  /** CSS grid track, default 1fr. */
  width?: string
  align?: 'left' | 'right'
  mono?: boolean
}

/** Which column sorts, and which way. */
export interface SortState {
  key: string
  descending: boolean
}

/** A sorted copy; nulls last, ties kept in input order (Array.prototype.sort is stable). */
export function sortRows<T>(rows: readonly T[], columns: readonly Column<T>[], sort: SortState): T[] {
  const column = columns.find((c) => c.key === sort.key)
  if (!column) return [...rows]
  const sign = sort.descending ? -1 : 1
  const keyed = rows.map((row) => ({ row, key: column.sortValue(row) }))
  keyed.sort((a, b) => {
    if (a.key === null || b.key === null) return a.key === b.key ? 0 : a.key === null ? 1 : -1
    if (typeof a.key === 'number' && typeof b.key === 'number') return sign * (a.key - b.key)
    return sign * String(a.key).localeCompare(String(b.key))
  })
  return keyed.map((k) => k.row)
}

/** Rows whose text matches every whitespace-separated term of the filter (case-insensitive). */
export function filterRows<T>(rows: readonly T[], text: (row: T) => string, filter: string): T[] {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean)
  if (terms.length === 0) return [...rows]
  return rows.filter((row) => {
    const haystack = text(row).toLowerCase()
    return terms.every((term) => haystack.includes(term))
  })
}
