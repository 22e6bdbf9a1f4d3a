/**
 * What the restricted unpickler produces. Plain JS values where they are unambiguous (None ->
 * null, bool, int -> number or bigint past 2^53, float, str -> string, list -> array,
 * bytes -> Buffer); small classes where Python's type matters for lookups or for numpy.
 */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Buffer
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | Py2String
  | NumpyDtype
  | NdArray
  | PyClassRef

/** A tuple: immutable in Python, usable as a dict key (NATS keys results by (dataset, seed)). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/**
 * A Python 2 `str` (pickle STRING / BINSTRING / SHORT_BINSTRING): bytes whose meaning depends on
 * the reader. Kept as bytes so numpy's raw array data is never re-encoded (decoding it as text
 * would corrupt bytes 0x80-0x9F under windows-1252 rules); `text` reads it as latin-1, as
 * `pickle.load(f, encoding='latin1')` does.
 */
export class Py2String {
  constructor(readonly bytes: Buffer) {}

  get text(): string {
    return this.bytes.toString('latin1')
  }
}

/** A dict (and OrderedDict): insertion-ordered, looked up by value like Python. */
export class PyDict {
  private readonly entries = new Map<string, [PyValue, PyValue]>()

  set(key: PyValue, value: PyValue): void {
    this.entries.set(hashKey(key), [key, value])
  }

  get(key: PyValue): PyValue | undefined {
    return this.entries.get(hashKey(key))?.[1]
  }

  has(key: PyValue): boolean {
    return this.entries.has(hashKey(key))
  }

  get size(): number {
    return this.entries.size
  }

  /** [key, value] pairs in insertion order. */
  *items(): IterableIterator<[PyValue, PyValue]> {
    yield* this.entries.values()
  }
}

/** A set or frozenset, in insertion order. */
export class PySet {
  constructor(
    readonly items: PyValue[],
    readonly frozen: boolean,
  ) {}
}

/** numpy.dtype, reduced to what decoding needs: kind+size code (e.g. 'f8', 'u1') and byte order. */
export class NumpyDtype {
  byteOrder = '<'

  constructor(readonly code: string) {}
}

/** A numpy.ndarray rebuilt from its pickled state: shape, dtype and the raw bytes (C order unless fortran). */
export class NdArray {
  shape: number[] = []
  dtype: NumpyDtype = new NumpyDtype('u1')
  fortran = false
  data: Buffer = Buffer.alloc(0)
  /** Set when the array held Python objects (dtype 'O'): the list of its elements. */
  objects: PyValue[] | null = null
}

/** A global the unpickler allows (e.g. numpy.ndarray passed to _reconstruct), kept as its name. */
export class PyClassRef {
  constructor(readonly name: string) {}
}

/**
 * Dict key identity by value. Python hashes 1, 1.0 and True alike, so numbers and bools share
 * one form; str and Python 2 str compare equal when their latin-1 text does.
 */
export function hashKey(key: PyValue): string {
  if (key === null) return 'N'
  if (typeof key === 'boolean') return `n:${key ? 1 : 0}`
  if (typeof key === 'number' || typeof key === 'bigint') return `n:${key.toString()}`
  if (typeof key === 'string') return `s:${key}`
  if (key instanceof Py2String) return `s:${key.text}`
  if (Buffer.isBuffer(key)) return `b:${key.toString('hex')}`
  if (key instanceof PyTuple) return `t:[${key.items.map(hashKey).join(',')}]`
  if (key instanceof PySet && key.frozen) return `f:{${key.items.map(hashKey).sort().join(',')}}`
  throw new Error('unhashable dict key (list, dict, set or array)')
}

/** The text of a str or Python 2 str, else null. */
export function pyText(value: PyValue | undefined): string | null {
  if (typeof value === 'string') return value
  if (value instanceof Py2String) return value.text
  return null
}

/** A finite-or-not float/int value as a JS number, else null (bools are not numbers here). */
export function pyNumber(value: PyValue | undefined): number | null {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  return null
}
