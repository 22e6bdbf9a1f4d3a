import { AllowedRef, buildObject, callGlobal, PickleRefused, resolveGlobal } from './globals.ts'
import { PyDict, PySet, PyTuple, Py2String, pyText, type PyValue } from './values.ts'

/** A pickle stream that is malformed (as opposed to refused), with the byte offset of the opcode. */
export class PickleFormatError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(`${message} (pickle opcode at byte ${offset})`)
    this.name = 'PickleFormatError'
  }
}

/** Result of one pickle in a stream, and where the next one starts. */
export interface Unpickled {
  value: PyValue
  /** Offset just past this pickle's STOP: concatenated pickles continue there. */
  end: number
}

const MARK = Symbol('mark')
type StackItem = PyValue | typeof MARK

/**
 * A pickle virtual machine for protocols 0 to 5 that never imports or calls anything: GLOBAL /
 * STACK_GLOBAL resolve only names on a fixed allow-list (globals.ts), each a pure constructor of
 * plain data; persistent ids, extension codes, INST/OBJ and out-of-band buffers are refused.
 * Every length is checked against the remaining input, so a corrupt stream fails cleanly and the
 * result is never larger than a constant times the input.
 */
export function unpickle(bytes: Buffer, start = 0): Unpickled {
  return new Machine(bytes, start).run()
}

/** Every pickle concatenated in `bytes` (as written by repeated pickle.dump), in order. */
export function unpickleAll(bytes: Buffer): PyValue[] {
  const values: PyValue[] = []
  let at = 0
  while (at < bytes.length) {
    const { value, end } = unpickle(bytes, at)
    values.push(value)
    at = end
  }
  return values
}

class Machine {
  private stack: StackItem[] = []
  private readonly marks: number[] = []
  private readonly memo = new Map<number, PyValue>()
  /** Which allowed global made an object, so BUILD knows how to apply state to it. */
  private readonly makers = new WeakMap<object, AllowedRef>()
  private at: number
  private opAt = 0

  constructor(
    private readonly bytes: Buffer,
    start: number,
  ) {
    this.at = start
  }

  run(): Unpickled {
    for (;;) {
      this.opAt = this.at
      const op = this.u8()
      if (op === 0x2e) {
        // STOP
        if (this.stack.length !== 1 || this.marks.length !== 0) throw this.fail('STOP with an unbalanced stack')
        return { value: this.value(this.stack.pop()), end: this.at }
      }
      this.step(op)
    }
  }

  private step(op: number): void {
    switch (op) {
      // --- framing and protocol
      case 0x80: { // PROTO
        const version = this.u8()
        if (version > 5) throw this.fail(`pickle protocol ${version} is newer than 5`)
        return
      }
      case 0x95: // FRAME: a length prefix for buffered reading; the data is read as usual
        this.take(8)
        return
      // --- stack manipulation
      case 0x28: // MARK
        this.marks.push(this.stack.length)
        return
      case 0x30: // POP
        if (this.stack.length > 0 && this.marks.at(-1) === this.stack.length) this.marks.pop()
        else this.pop()
        return
      case 0x31: // POP_MARK
        this.popMark()
        return
      case 0x32: // DUP
        this.push(this.top())
        return
      // --- memo
      case 0x70: // PUT (text)
        this.memo.set(this.textInt(this.line()), this.top())
        return
      case 0x71: // BINPUT
        this.memo.set(this.u8(), this.top())
        return
      case 0x72: // LONG_BINPUT
        this.memo.set(this.u32(), this.top())
        return
      case 0x94: // MEMOIZE
        this.memo.set(this.memo.size, this.top())
        return
      case 0x67: // GET (text)
        return this.push(this.recall(this.textInt(this.line())))
      case 0x68: // BINGET
        return this.push(this.recall(this.u8()))
      case 0x6a: // LONG_BINGET
        return this.push(this.recall(this.u32()))
      // --- constants and numbers
      case 0x4e: // NONE
        return this.push(null)
      case 0x88: // NEWTRUE
        return this.push(true)
      case 0x89: // NEWFALSE
        return this.push(false)
      case 0x49: // INT (text; I01 / I00 are True / False)
        return this.push(this.textIntOrBool(this.line()))
      case 0x4a: // BININT
        return this.push(this.take(4).readInt32LE(0))
      case 0x4b: // BININT1
        return this.push(this.u8())
      case 0x4d: // BININT2
        return this.push(this.take(2).readUInt16LE(0))
      case 0x4c: // LONG (text, trailing L)
        return this.push(this.bigText(this.line().replace(/L$/, '')))
      case 0x8a: // LONG1
        return this.push(this.littleLong(this.take(this.u8())))
      case 0x8b: // LONG4
        return this.push(this.littleLong(this.take(this.length(this.take(4).readInt32LE(0)))))
      case 0x46: // FLOAT (text)
        return this.push(this.textFloat(this.line()))
      case 0x47: // BINFLOAT (big-endian)
        return this.push(this.take(8).readDoubleBE(0))
      // --- strings and bytes
      case 0x53: // STRING (Python 2 str, quoted repr)
        return this.push(new Py2String(unquotePy2(this.line(), this.opAt)))
      case 0x54: // BINSTRING
        return this.push(new Py2String(this.take(this.length(this.take(4).readInt32LE(0)))))
      case 0x55: // SHORT_BINSTRING
        return this.push(new Py2String(this.take(this.u8())))
      case 0x56: // UNICODE (raw-unicode-escape text)
        return this.push(rawUnicodeEscape(this.lineBytes()))
      case 0x58: // BINUNICODE
        return this.push(this.utf8(this.take(this.length(this.u32()))))
      case 0x8c: // SHORT_BINUNICODE
        return this.push(this.utf8(this.take(this.u8())))
      case 0x8d: // BINUNICODE8
        return this.push(this.utf8(this.take(this.u64())))
      case 0x42: // BINBYTES
        return this.push(Buffer.from(this.take(this.length(this.u32()))))
      case 0x43: // SHORT_BINBYTES
        return this.push(Buffer.from(this.take(this.u8())))
      case 0x8e: // BINBYTES8
        return this.push(Buffer.from(this.take(this.u64())))
      case 0x96: // BYTEARRAY8
        return this.push(Buffer.from(this.take(this.u64())))
      case 0x98: // READONLY_BUFFER: no-op on in-band data
        return
      // --- containers
      case 0x5d: // EMPTY_LIST
        return this.push([])
      case 0x6c: // LIST
        return this.push(this.popMark())
      case 0x61: { // APPEND
        const item = this.pop()
        this.list(this.top()).push(item)
        return
      }
      case 0x65: { // APPENDS
        const items = this.popMark()
        this.list(this.top()).push(...items)
        return
      }
      case 0x29: // EMPTY_TUPLE
        return this.push(new PyTuple([]))
      case 0x74: // TUPLE
        return this.push(new PyTuple(this.popMark()))
      case 0x85: // TUPLE1
        return this.push(new PyTuple(this.popN(1)))
      case 0x86: // TUPLE2
        return this.push(new PyTuple(this.popN(2)))
      case 0x87: // TUPLE3
        return this.push(new PyTuple(this.popN(3)))
      case 0x7d: // EMPTY_DICT
        return this.push(new PyDict())
      case 0x64: { // DICT
        const items = this.popMark()
        const dict = new PyDict()
        this.setItems(dict, items)
        return this.push(dict)
      }
      case 0x73: { // SETITEM
        const [key, value] = this.popN(2)
        this.setItems(this.dict(this.top()), [key, value])
        return
      }
      case 0x75: { // SETITEMS
        const items = this.popMark()
        this.setItems(this.dict(this.top()), items)
        return
      }
      case 0x8f: // EMPTY_SET
        return this.push(new PySet([], false))
      case 0x90: { // ADDITEMS
        const items = this.popMark()
        const set = this.top()
        if (!(set instanceof PySet) || set.frozen) throw this.fail('ADDITEMS on something other than a set')
        set.items.push(...items)
        return
      }
      case 0x91: // FROZENSET
        return this.push(new PySet(this.popMark(), true))
      // --- globals and object construction (allow-list only)
      case 0x63: { // GLOBAL (text "module\nname\n")
        const module = this.line()
        const name = this.line()
        return this.push(this.global(module, name))
      }
      case 0x93: { // STACK_GLOBAL
        const [module, name] = this.popN(2)
        const moduleText = pyText(module)
        const nameText = pyText(name)
        if (moduleText === null || nameText === null) throw this.fail('STACK_GLOBAL needs two strings')
        return this.push(this.global(moduleText, nameText))
      }
      case 0x52: { // REDUCE
        const args = this.pop()
        const callable = this.pop()
        if (!(args instanceof PyTuple)) throw this.fail('REDUCE arguments are not a tuple')
        return this.push(this.call(callable, args.items))
      }
      case 0x81: { // NEWOBJ: cls.__new__(cls, *args)
        const args = this.pop()
        const cls = this.pop()
        if (!(args instanceof PyTuple)) throw this.fail('NEWOBJ arguments are not a tuple')
        return this.push(this.call(cls, args.items))
      }
      case 0x92: { // NEWOBJ_EX
        const kwargs = this.pop()
        const args = this.pop()
        const cls = this.pop()
        if (!(args instanceof PyTuple) || !(kwargs instanceof PyDict) || kwargs.size !== 0) throw this.fail('NEWOBJ_EX with keyword arguments')
        return this.push(this.call(cls, args.items))
      }
      case 0x62: { // BUILD
        const state = this.pop()
        const target = this.pop()
        const maker = typeof target === 'object' && target !== null ? this.makers.get(target) : undefined
        return this.push(this.guard(() => buildObject(target, state, maker)))
      }
      case 0x50: // PERSID
      case 0x51: // BINPERSID
        throw new PickleRefused(`persistent ids are not allowed (pickle opcode at byte ${this.opAt})`)
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
        throw new PickleRefused(`extension registry codes are not allowed (pickle opcode at byte ${this.opAt})`)
      case 0x69: // INST
      case 0x6f: // OBJ
        throw new PickleRefused(`class instantiation (INST/OBJ) is not allowed (pickle opcode at byte ${this.opAt})`)
      case 0x97: // NEXT_BUFFER
        throw new PickleRefused(`out-of-band buffers are not allowed (pickle opcode at byte ${this.opAt})`)
      default:
        throw this.fail(`unknown opcode 0x${op.toString(16).padStart(2, '0')}`)
    }
  }

  private global(module: string, name: string): PyValue {
    return this.guard(() => resolveGlobal(module, name))
  }

  private call(callable: PyValue, args: PyValue[]): PyValue {
    const result = this.guard(() => callGlobal(callable, args))
    if (typeof result === 'object' && result !== null && callable instanceof AllowedRef) this.makers.set(result, callable)
    return result
  }

  /** Adds the opcode offset to refusals and helper errors. */
  private guard<T>(fn: () => T): T {
    try {
      return fn()
    } catch (error) {
      if (error instanceof PickleRefused) throw new PickleRefused(`${error.message} (pickle opcode at byte ${this.opAt})`)
      if (error instanceof PickleFormatError) throw error
      throw this.fail(error instanceof Error ? error.message : String(error))
    }
  }

  private setItems(dict: PyDict, items: PyValue[]): void {
    if (items.length % 2 !== 0) throw this.fail('odd number of items for a dict')
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i]
      this.guard(() => dict.set(key, items[i + 1]))
    }
  }

  private list(value: PyValue): PyValue[] {
    if (!Array.isArray(value)) throw this.fail('APPEND to something other than a list')
    return value
  }

  private dict(value: PyValue): PyDict {
    if (!(value instanceof PyDict)) throw this.fail('SETITEM on something other than a dict')
    return value
  }

  private push(value: PyValue): void {
    this.stack.push(value)
  }

  private pop(): PyValue {
    const mark = this.marks.at(-1)
    if (this.stack.length === 0 || (mark !== undefined && this.stack.length <= mark)) throw this.fail('stack underflow')
    return this.value(this.stack.pop())
  }

  private popN(n: number): PyValue[] {
    const out = new Array<PyValue>(n)
    for (let i = n - 1; i >= 0; i--) out[i] = this.pop()
    return out
  }

  private top(): PyValue {
    if (this.stack.length === 0 || this.marks.at(-1) === this.stack.length) throw this.fail('stack underflow')
    return this.value(this.stack[this.stack.length - 1])
  }

  private popMark(): PyValue[] {
    const mark = this.marks.pop()
    if (mark === undefined) throw this.fail('no MARK on the stack')
    return this.stack.splice(mark).map((item) => this.value(item))
  }

  private value(item: StackItem | undefined): PyValue {
    if (item === MARK || item === undefined) throw this.fail('stack underflow')
    return item
  }

  private recall(index: number): PyValue {
    const value = this.memo.get(index)
    if (value === undefined) throw this.fail(`memo entry ${index} used before it was stored`)
    return value
  }

  // --- raw reads

  private take(n: number): Buffer {
    if (this.at + n > this.bytes.length) throw this.fail(`needs ${n} bytes, only ${this.bytes.length - this.at} left; the pickle is truncated`)
    const out = this.bytes.subarray(this.at, this.at + n)
    this.at += n
    return out
  }

  private u8(): number {
    if (this.at >= this.bytes.length) throw this.fail('the pickle ends without STOP; it is truncated')
    return this.bytes[this.at++]
  }

  private u32(): number {
    return this.take(4).readUInt32LE(0)
  }

  private u64(): number {
    return this.length(Number(this.take(8).readBigUInt64LE(0)))
  }

  private length(n: number): number {
    if (n < 0 || n > this.bytes.length - this.at) throw this.fail(`length ${n} runs past the end of the data; the pickle is truncated or corrupt`)
    return n
  }

  private lineBytes(): Buffer {
    const end = this.bytes.indexOf(0x0a, this.at)
    if (end === -1) throw this.fail('text argument without its newline; the pickle is truncated')
    const out = this.bytes.subarray(this.at, end)
    this.at = end + 1
    return out
  }

  private line(): string {
    return this.lineBytes().toString('latin1')
  }

  private utf8(bytes: Buffer): string {
    return bytes.toString('utf8')
  }

  private textInt(text: string): number {
    if (!/^-?\d+$/.test(text)) throw this.fail(`${JSON.stringify(text)} is not an integer`)
    return Number(text)
  }

  private textIntOrBool(text: string): number | bigint | boolean {
    if (text === '01') return true
    if (text === '00') return false
    return this.bigText(text)
  }

  private bigText(text: string): number | bigint {
    if (!/^[+-]?\d+$/.test(text)) throw this.fail(`${JSON.stringify(text)} is not an integer`)
    const value = BigInt(text)
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
  }

  private textFloat(text: string): number {
    const lower = text.trim().toLowerCase()
    if (lower === 'nan') return Number.NaN
    if (lower === 'inf' || lower === '+inf') return Infinity
    if (lower === '-inf') return -Infinity
    const value = Number(text)
    if (Number.isNaN(value)) throw this.fail(`${JSON.stringify(text)} is not a float`)
    return value
  }

  /** Two's-complement little-endian integer of any length (LONG1 / LONG4). */
  private littleLong(bytes: Buffer): number | bigint {
    if (bytes.length === 0) return 0
    let value = 0n
    for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i])
    if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(8 * bytes.length)
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
  }

  private fail(message: string): PickleFormatError {
    return new PickleFormatError(this.opAt, message)
  }
}

/**
 * The bytes of a protocol-0 STRING argument: a Python 2 repr in single or double quotes with
 * backslash escapes (the 'string-escape' codec: \\ \' \" \a \b \f \n \r \t \v \xhh \ooo).
 */
function unquotePy2(text: string, offset: number): Buffer {
  const quote = text[0]
  if (text.length < 2 || (quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) {
    throw new PickleFormatError(offset, 'STRING argument is not quoted')
  }
  const body = text.slice(1, -1)
  const out: number[] = []
  const simple: Record<string, number> = { '\\': 0x5c, "'": 0x27, '"': 0x22, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 }
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i)
    if (c !== 0x5c) {
      out.push(c & 0xff)
      continue
    }
    const next = body[++i]
    if (next === undefined) throw new PickleFormatError(offset, 'STRING ends with a lone backslash')
    if (next in simple) out.push(simple[next])
    else if (next === 'x') {
      const hex = body.slice(i + 1, i + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new PickleFormatError(offset, 'bad \\x escape in STRING')
      out.push(parseInt(hex, 16))
      i += 2
    } else if (/[0-7]/.test(next)) {
      let digits = next
      while (digits.length < 3 && /[0-7]/.test(body[i + 1] ?? '')) digits += body[++i]
      out.push(parseInt(digits, 8) & 0xff)
    } else {
      // Python keeps unknown escapes as written.
      out.push(0x5c, next.charCodeAt(0) & 0xff)
    }
  }
  return Buffer.from(out)
}

/** raw-unicode-escape: latin-1 bytes except \uXXXX and \UXXXXXXXX escapes. */
function rawUnicodeEscape(bytes: Buffer): string {
  const text = bytes.toString('latin1')
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_match, short: string | undefined, long: string | undefined) =>
    String.fromCodePoint(parseInt(short ?? long ?? '0', 16)),
  )
}
