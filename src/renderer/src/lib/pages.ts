/** The pages of the workbench and hash routing (#/runs). */
import type { ApiClient } from './api-client.ts'

/** A page id. */
export type PageId = 'benchmarks' | 'spaces' | 'runs' | 'weights' | 'compare' | 'studies' | 'settings'

/** Pages in sidebar order. */
export const PAGES: ReadonlyArray<{ id: PageId; title: string }> = [
  { id: 'benchmarks', title: 'Benchmarks' },
  { id: 'spaces', title: 'Spaces' },
  { id: 'runs', title: 'Runs' },
  { id: 'weights', title: 'Weights' },
  { id: 'compare', title: 'Compare' },
  { id: 'studies', title: 'Studies' },
  { id: 'settings', title: 'Settings / About' },
]

/** The page a hash names; unknown or empty hashes show Runs. */
export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0]
  return PAGES.some((p) => p.id === id) ? (id as PageId) : 'runs'
}

/** What App hands every page: the one client of the backend. */
export interface PageProps {
  client: ApiClient
}
