import { NdArray, NumpyDtype, PyClassRef, PyDict, PySet, PyTuple, Py2String, pyText, type PyValue } from './values.ts'

/** Thrown for anything outside the allowed set: the pickle is refused, nothing in it runs. */
export class PickleRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PickleRefused'
  }
}

/** What an allowed global does when called (REDUCE / NEWOBJ) or built (BUILD). Pure data constructors only. */
interface AllowedGlobal {
  call?(args: PyValue[]): PyValue
  /** BUILD on an object this global made; returns the (possibly new) object. */
  build?(target: PyValue, state: PyValue): PyValue
  /** A class that may only be passed around as a value (numpy.ndarray to _reconstruct). */
  valueOnly?: boolean
}

const ORDERED_DICT: AllowedGlobal = {
  call(args) {
    const dict = new PyDict()
    // OrderedDict([(k, v), ...]): old protocols can pass the items as the argument.
    const items = args[0]
    if (Array.isArray(items)) {
      for (const pair of items) {
        const kv = pair instanceof PyTuple ? pair.items : Array.isArray(pair) ? pair : null
        if (kv === null || kv.length !== 2) throw new PickleRefused('OrderedDict argument is not a list of pairs')
        dict.set(kv[0], kv[1])
      }
    }
    return dict
  },
  build(target, state) {
    if (state !== null && !(state instanceof PyDict && state.size === 0)) throw new PickleRefused('OrderedDict with instance attributes')
    return target
  },
}

const DTYPE: AllowedGlobal = {
  call(args) {
    const code = pyText(args[0])
    if (code === null || !/^[a-zA-Z]\d*$/.test(code)) throw new PickleRefused(`numpy.dtype(${String(args[0])}) is not a plain numeric dtype`)
    return new NumpyDtype(code)
  },
  build(target, state) {
    // State (version, byteorder, subarray, names, fields, elsize, alignment, flags): only the byte order matters here.
    if (!(target instanceof NumpyDtype) || !(state instanceof PyTuple)) throw new PickleRefused('unexpected numpy.dtype state')
    const order = pyText(state.items[1])
    if (order !== null) target.byteOrder = order
    if (state.items[3] !== null && state.items[3] !== undefined) throw new PickleRefused('structured numpy dtypes are not supported')
    return target
  },
}

const SCALAR: AllowedGlobal = {
  call(args) {
    const [dtype, data] = args
    if (!(dtype instanceof NumpyDtype)) throw new PickleRefused('numpy scalar without a dtype')
    if (dtype.code.startsWith('O')) return data ?? null
    return decodeScalar(dtype, rawBytes(data, 'numpy scalar data'))
  },
}

const RECONSTRUCT: AllowedGlobal = {
  call(args) {
    if (!(args[0] instanceof PyClassRef) || args[0].name !== 'numpy.ndarray') throw new PickleRefused('_reconstruct of something other than numpy.ndarray')
    return new NdArray()
  },
  build(target, state) {
    if (!(target instanceof NdArray) || !(state instanceof PyTuple) || state.items.length !== 5) throw new PickleRefused('unexpected numpy.ndarray state')
    const [, shape, dtype, fortran, data] = state.items
    fillArray(target, shape, dtype, fortran === true, data)
    return target
  },
}

const FROM_BUFFER: AllowedGlobal = {
  call(args) {
    const [buffer, dtype, shape, order] = args
    const array = new NdArray()
    fillArray(array, shape, dtype, pyText(order) === 'F', buffer)
    return array
  },
}

const CODECS_ENCODE: AllowedGlobal = {
  call(args) {
    // Protocol 2 from Python 3 writes bytes as _codecs.encode(<latin-1 text>, 'latin1').
    const text = pyText(args[0])
    const encoding = pyText(args[1])
    if (text === null || (encoding !== 'latin1' && encoding !== 'latin-1')) throw new PickleRefused('_codecs.encode other than latin1 text')
    return Buffer.from(text, 'latin1')
  },
}

function setOf(frozen: boolean): AllowedGlobal {
  return {
    call(args) {
      const items = args[0] ?? []
      if (!Array.isArray(items)) throw new PickleRefused('set() of something other than a list')
      return new PySet([...items], frozen)
    },
  }
}

/** The only globals a pickle may name: those the NATS and ImageNet16 files need (benchmark-data.md). */
const ALLOWED = new Map<string, AllowedGlobal>([
  ['collections OrderedDict', ORDERED_DICT],
  ['numpy dtype', DTYPE],
  ['numpy ndarray', { valueOnly: true }],
  ['numpy.core.multiarray scalar', SCALAR],
  ['numpy._core.multiarray scalar', SCALAR],
  ['numpy.core.multiarray _reconstruct', RECONSTRUCT],
  ['numpy._core.multiarray _reconstruct', RECONSTRUCT],
  ['numpy.core.numeric _frombuffer', FROM_BUFFER],
  ['numpy._core.numeric _frombuffer', FROM_BUFFER],
  ['_codecs encode', CODECS_ENCODE],
  ['builtins set', setOf(false)],
  ['__builtin__ set', setOf(false)],
  ['builtins frozenset', setOf(true)],
  ['__builtin__ frozenset', setOf(true)],
])

/** A resolved global: its allowed behaviour, under its dotted name. */
export class AllowedRef extends PyClassRef {
  constructor(
    name: string,
    readonly behaviour: AllowedGlobal,
  ) {
    super(name)
  }
}

/** Looks `module.name` up in the allow-list; anything else is refused with its name. */
export function resolveGlobal(module: string, name: string): AllowedRef {
  const behaviour = ALLOWED.get(`${module} ${name}`)
  if (behaviour === undefined) throw new PickleRefused(`global ${module}.${name} is not allowed in benchmark pickles`)
  return new AllowedRef(`${module}.${name}`, behaviour)
}

/** Calls an allowed global (REDUCE, NEWOBJ). */
export function callGlobal(callable: PyValue, args: PyValue[]): PyValue {
  if (!(callable instanceof AllowedRef) || callable.behaviour.call === undefined) {
    throw new PickleRefused(`calling ${callable instanceof PyClassRef ? callable.name : 'a non-callable value'} is not allowed`)
  }
  return callable.behaviour.call(args)
}

/** BUILD: only objects made by an allowed global that knows its state. */
export function buildObject(target: PyValue, state: PyValue, maker: AllowedRef | undefined): PyValue {
  if (maker?.behaviour.build === undefined) throw new PickleRefused('setting state (BUILD) on this object is not allowed')
  return maker.behaviour.build(target, state)
}

/** Bytes behind a pickled bytes / Python 2 str / latin-1 text value. */
function rawBytes(value: PyValue | undefined, what: string): Buffer {
  if (Buffer.isBuffer(value)) return value
  if (value instanceof Py2String) return value.bytes
  if (typeof value === 'string') return Buffer.from(value, 'latin1')
  throw new PickleRefused(`${what} is not bytes`)
}

/** Bytes per element of a numeric dtype code ('f8' -> 8, 'b1' -> 1). */
export function itemSize(dtype: NumpyDtype): number {
  const size = Number(dtype.code.slice(1))
  if (!Number.isInteger(size) || size <= 0) throw new PickleRefused(`numpy dtype ${dtype.code} has no fixed size`)
  return size
}

function fillArray(array: NdArray, shape: PyValue | undefined, dtype: PyValue | undefined, fortran: boolean, data: PyValue | undefined): void {
  const dims = shape instanceof PyTuple ? shape.items : Array.isArray(shape) ? shape : null
  if (dims === null || dims.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) throw new PickleRefused('numpy array shape is not a tuple of sizes')
  if (!(dtype instanceof NumpyDtype)) throw new PickleRefused('numpy array without a dtype')
  array.shape = dims as number[]
  array.dtype = dtype
  array.fortran = fortran
  const count = array.shape.reduce((a, b) => a * b, 1)
  if (dtype.code.startsWith('O')) {
    if (!Array.isArray(data) || data.length !== count) throw new PickleRefused('object array data is not a list of its elements')
    array.objects = data
    return
  }
  const bytes = rawBytes(data, 'numpy array data')
  if (bytes.length !== count * itemSize(dtype)) {
    throw new PickleRefused(`numpy array data holds ${bytes.length} bytes, shape ${array.shape.join('x')} of ${dtype.code} needs ${count * itemSize(dtype)}`)
  }
  array.data = bytes
}

/** One numeric element at `offset` of `bytes`. */
export function decodeScalar(dtype: NumpyDtype, bytes: Buffer, offset = 0): number | bigint | boolean {
  const little = dtype.byteOrder !== '>'
  const size = itemSize(dtype)
  if (offset + size > bytes.length) throw new PickleRefused(`numpy ${dtype.code} value needs ${size} bytes`)
  switch (dtype.code) {
    case 'f8':
      return little ? bytes.readDoubleLE(offset) : bytes.readDoubleBE(offset)
    case 'f4':
      return little ? bytes.readFloatLE(offset) : bytes.readFloatBE(offset)
    case 'i8':
    case 'u8': {
      const value = dtype.code === 'i8' ? (little ? bytes.readBigInt64LE(offset) : bytes.readBigInt64BE(offset)) : little ? bytes.readBigUInt64LE(offset) : bytes.readBigUInt64BE(offset)
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
    }
    case 'i4':
      return little ? bytes.readInt32LE(offset) : bytes.readInt32BE(offset)
    case 'u4':
      return little ? bytes.readUInt32LE(offset) : bytes.readUInt32BE(offset)
    case 'i2':
      return little ? bytes.readInt16LE(offset) : bytes.readInt16BE(offset)
    case 'u2':
      return little ? bytes.readUInt16LE(offset) : bytes.readUInt16BE(offset)
    case 'i1':
      return bytes.readInt8(offset)
    case 'u1':
      return bytes[offset]
    case 'b1':
      return bytes[offset] !== 0
    default:
      throw new PickleRefused(`numpy dtype ${dtype.code} is not supported`)
  }
}
