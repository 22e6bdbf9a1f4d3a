/**
 * File hosts (Google Drive above ~100 MB, quota limits, sign-in walls) answer with an HTML page
 * and status 200 instead of the file. These helpers recognise such a page from its first bytes.
 */

/** True when the bytes start like an HTML document (after an optional BOM and whitespace). */
export function looksLikeHtml(head: Uint8Array): boolean {
  const text = Buffer.from(head.subarray(0, 1024)).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase()
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || text.startsWith('<head') || text.startsWith('<body')) return true
  // Some pages open with a comment or an XML prolog before the <html> tag.
  return (text.startsWith('<!--') || text.startsWith('<?xml')) && text.includes('<html')
}

/** The page's <title>, shortened, to tell the user what the host said (quota, virus scan, sign-in). */
export function htmlTitle(head: Uint8Array): string | null {
  const match = /<title[^>]*>([^<]{1,300})<\/title>/i.exec(Buffer.from(head).toString('utf8'))
  if (!match) return null
  const title = match[1].replace(/\s+/g, ' ').trim()
  return title === '' ? null : title.slice(0, 120)
}

/** True for a Content-Type header naming HTML. */
export function isHtmlContentType(contentType: string | null): boolean {
  return contentType !== null && /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType)
}
