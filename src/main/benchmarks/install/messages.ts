import type { CatalogueItem } from '../catalogue.ts'
import type { UrlFailure } from '../download/index.ts'

/** The advice for a host that sent a web page: get the file by hand, then import it. */
export function htmlAdvice(item: CatalogueItem, url: string | null, title: string | null): string {
  const page = `${url ?? 'the file host'}${title ? ` ("${title}")` : ''}`
  return (
    `the server sent an HTML page, not the file: ${page}. File hosts do this for large files (a virus-scan warning), ` +
    `when a download quota is exceeded, or to ask you to sign in; download it in a browser and use \`epsinas data import ${item.id} PATH\`.` +
    manualSourcesHint(item)
  )
}

/** Why every URL of a file failed, one line each, with the pages to fetch it by hand. */
export function transferFailureMessage(item: CatalogueItem, fileName: string, failures: readonly UrlFailure[], partKept: boolean): string {
  const html = failures.find((f) => f.html)
  const lines = [html ? htmlAdvice(item, html.url, html.html?.title ?? null) : `could not download ${fileName} of ${item.id} from any of its URLs.${manualSourcesHint(item)}`]
  lines.push(...failures.map((f) => `  ${f.url}: ${f.reason}`))
  if (partKept) lines.push(partialFileAdvice(failures))
  return lines.join('\n')
}

/** What a rerun does with the kept .part: resume it, unless every URL restarts at byte 0 (ignores Range). */
function partialFileAdvice(failures: readonly UrlFailure[]): string {
  if (failures.length > 0 && failures.every((f) => f.ignoresRange === true)) {
    return 'The partial file is kept, but the server ignores Range requests, so running the same command again starts over: try --mirror N, or download it by hand and use epsinas data import.'
  }
  return 'The partial file is kept: running the same command again resumes it (--mirror N starts with another URL).'
}

function manualSourcesHint(item: CatalogueItem): string {
  if (item.manualSources.length === 0) return ''
  return ` Pages to get it by hand: ${item.manualSources.map((s) => `${s.url} (${s.note})`).join('; ')}.`
}
