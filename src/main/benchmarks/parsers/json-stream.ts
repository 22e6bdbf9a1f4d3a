import { StringDecoder } from 'node:string_decoder'
import { parseLenientJson } from './lenient-json.ts'

/** A JSON text that does not follow the grammar, with the character offset where it breaks. */
export class JsonStreamError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(`${message} at character ${offset}`)
    this.name = 'JsonStreamError'
  }
}

/** A value found at the requested depth, with the object keys leading to it. */
export interface JsonEntry {
  path: string[]
  value: unknown
  /** Character offset where the value starts. */
  offset: number
}

type Frame = { kind: 'object'; key: string | null; expect: 'key' | 'colon' | 'value' | 'comma' } | { kind: 'array'; index: number; expect: 'value' | 'comma' }

/**
 * Streams the values nested `depth` levels inside a JSON document (depth 2 of
 * `{"cifar10": {"(0, 1, ...)": {...}}}` yields each architecture's object), holding only one such
 * value's text at a time: a 40 MB Suite-Zero file never becomes one 300 MB object graph. Levels
 * above `depth` must be objects or arrays (array positions appear in `path` as their index).
 * Python's bare NaN / Infinity tokens are accepted inside the values.
 */
export async function* streamJsonEntries(source: AsyncIterable<Uint8Array | string>, depth: number): AsyncGenerator<JsonEntry> {
  const decoder = new StringDecoder('utf8')
  const stack: Frame[] = []
  let offset = 0
  let done = false
  // Capture of one value at `depth`: its text so far and the scanner state inside it.
  let capture: { parts: string[]; start: number; nesting: number; inString: boolean; escaped: boolean; kind: 'container' | 'string' | 'scalar' } | null = null
  let keyText: { parts: string[]; escaped: boolean } | null = null
  let pending: JsonEntry[] = []

  const path = (): string[] => stack.map((f) => (f.kind === 'object' ? (f.key ?? '') : String(f.index)))
  const fail = (message: string, at: number): never => {
    throw new JsonStreamError(at, message)
  }

  const finishCapture = (end: number, text: string): void => {
    if (capture === null) return
    const body = capture.parts.join('') + text
    let value: unknown
    try {
      value = parseLenientJson(body)
    } catch (error) {
      fail(`malformed value (${(error as Error).message})`, capture.start)
    }
    pending.push({ path: path(), value, offset: capture.start })
    capture = null
    afterValue(end)
  }

  const afterValue = (at: number): void => {
    const frame = stack.at(-1)
    if (frame === undefined) {
      done = true
      return
    }
    if (frame.expect !== 'value') fail('unexpected value', at)
    frame.expect = 'comma'
  }

  const scan = (text: string): void => {
    let i = 0
    while (i < text.length) {
      if (capture !== null) {
        // Inside a captured value: find where it ends, then hand the whole text to JSON.parse.
        const c = capture
        let j = i
        let ended = false
        for (; j < text.length; j++) {
          const ch = text.charCodeAt(j)
          if (c.inString) {
            if (c.escaped) c.escaped = false
            else if (ch === 0x5c) c.escaped = true
            else if (ch === 0x22) {
              c.inString = false
              if (c.kind === 'string') {
                j++
                ended = true
                break
              }
            }
            continue
          }
          if (c.kind === 'scalar') {
            if (ch === 0x2c || ch === 0x7d || ch === 0x5d || ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) {
              ended = true
              break
            }
            continue
          }
          if (ch === 0x22) c.inString = true
          else if (ch === 0x7b || ch === 0x5b) c.nesting++
          else if ((ch === 0x7d || ch === 0x5d) && --c.nesting === 0) {
            j++
            ended = true
            break
          }
        }
        if (!ended) {
          c.parts.push(text.slice(i))
          offset += text.length - i
          return
        }
        const piece = text.slice(i, j)
        offset += j - i
        i = j
        finishCapture(offset, piece)
        continue
      }
      if (keyText !== null) {
        const k = keyText
        let j = i
        for (; j < text.length; j++) {
          const ch = text.charCodeAt(j)
          if (k.escaped) k.escaped = false
          else if (ch === 0x5c) k.escaped = true
          else if (ch === 0x22) break
        }
        if (j === text.length) {
          k.parts.push(text.slice(i))
          offset += text.length - i
          return
        }
        k.parts.push(text.slice(i, j))
        offset += j + 1 - i
        i = j + 1
        const frame = stack.at(-1)
        if (frame?.kind === 'object') {
          frame.key = JSON.parse(`"${k.parts.join('')}"`) as string
          frame.expect = 'colon'
        }
        keyText = null
        continue
      }
      const ch = text[i]
      const at = offset
      i++
      offset++
      if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\ufeff') continue
      if (done) fail('unexpected text after the document', at)
      const frame = stack.at(-1)
      if (frame?.kind === 'object' && frame.expect === 'key') {
        if (ch === '"') keyText = { parts: [], escaped: false }
        else if (ch === '}' && frame.key === null) closeFrame(at)
        else fail('expected a key', at)
        continue
      }
      if (frame?.kind === 'object' && frame.expect === 'colon') {
        if (ch !== ':') fail("expected ':'", at)
        frame.expect = 'value'
        continue
      }
      if (frame?.expect === 'comma') {
        if (ch === ',') {
          if (frame.kind === 'object') frame.expect = 'key'
          else {
            frame.index++
            frame.expect = 'value'
          }
        } else if ((ch === '}' && frame.kind === 'object') || (ch === ']' && frame.kind === 'array')) closeFrame(at)
        else fail("expected ',' or the end of the container", at)
        continue
      }
      // A value starts here.
      if (ch === ']' && frame?.kind === 'array' && frame.index === 0) {
        closeFrame(at)
        continue
      }
      if (stack.length === depth) {
        const kind = ch === '{' || ch === '[' ? 'container' : ch === '"' ? 'string' : 'scalar'
        capture = { parts: [ch], start: at, nesting: kind === 'container' ? 1 : 0, inString: kind === 'string', escaped: false, kind }
        continue
      }
      if (ch === '{') stack.push({ kind: 'object', key: null, expect: 'key' })
      else if (ch === '[') stack.push({ kind: 'array', index: 0, expect: 'value' })
      else fail(`expected an object or array above depth ${depth}`, at)
    }
  }

  const closeFrame = (at: number): void => {
    stack.pop()
    afterValue(at)
  }

  for await (const chunk of source) {
    scan(typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)))
    yield* pending
    pending = []
  }
  scan(decoder.end())
  // A bare number or literal can end the document with no delimiter after it.
  if (capture !== null && (capture as { kind: string }).kind === 'scalar') finishCapture(offset, '')
  yield* pending
  if (!done) fail('the document ends early; the file is truncated', offset)
}
