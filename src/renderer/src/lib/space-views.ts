/** The Spaces page's formatting and its import form's request (pure). */
import type { SpaceImportRequest } from '../../../shared/api.ts'

/** The import form's fields. */
export interface ImportForm {
  name: string
  path: string
  allowFoldedBn: boolean
}

/** 3×32×32 (channels × height × width); 'text' for a space whose input is not an image. */
export function formatInputShape(shape: readonly [number, number, number] | null): string {
  return shape ? shape.join('×') : 'text'
}

/** 15,625; 'unbounded' for a space without a finite size. */
export function formatArchCount(size: number | null): string {
  return size === null ? 'unbounded' : size.toLocaleString('en-US')
}

/** The first 12 hex digits of a SHA-256: enough to tell files apart at a glance. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12)
}

/** 2026-12-06 19:40 UTC, from an ISO instant; anything else as it is. */
export function formatImportedAt(iso: string): string {
  const time = Date.parse(iso)
  return Number.isNaN(time) ? iso : `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/**
 * A space name from the folder (or file) being imported, following the registry's rule (a lower-case
 * word of letters, digits and '-', starting with a letter, at most 32 long); '' when the path gives
 * none. Only a suggestion: the main process checks the name it gets.
 */
export function suggestSpaceName(path: string): string {
  const last = path.split(/[\\/]/).filter((part) => part !== '').at(-1) ?? ''
  return last
    .replace(/\.onnx$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 32)
    .replace(/-+$/, '')
}

/** The spaces:import request, or what the form still lacks. */
export function buildImportRequest(form: ImportForm): { ok: true; request: SpaceImportRequest } | { ok: false; reason: string } {
  const name = form.name.trim()
  const path = form.path.trim()
  if (!name) return { ok: false, reason: 'Name the space.' }
  if (!path) return { ok: false, reason: 'Give the folder of .onnx files (or one file) on this machine.' }
  return { ok: true, request: form.allowFoldedBn ? { name, path, allowFoldedBn: true } : { name, path } }
}
