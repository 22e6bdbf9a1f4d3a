import { TENSOR_TYPE, type TensorProtoData } from './proto.ts'

/**
 * Constant tensors of a model as the importer evaluates them: initializers, Constant nodes and the
 * integer shape arithmetic torch emits around them (x.view(x.size(0), -1) is Shape -> Gather ->
 * Unsqueeze -> Concat -> Reshape). The batch axis is the one unknown: an element may be the symbol
 * BATCH, so one evaluation holds for every batch size. Arithmetic on the symbol is refused (no
 * exporter pattern we support needs it), so a shape is either exact or refused, never guessed.
 */

/** The batch size, unknown while the model is read. */
export const BATCH = 'batch' as const
export type ConstantScalar = number | typeof BATCH

export interface ConstantTensor {
  readonly dims: readonly number[]
  /** Read on demand: a weight's values are never needed, only its dims. */
  readonly values: () => readonly ConstantScalar[]
  /** Whether the elements are floating point (affects Cast and Div). */
  readonly float: boolean
}

/** Why a constant cannot be evaluated; the mapper turns it into the one-line BAD_FILE error. */
export class ConstantError extends Error {}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1)
}

/** Numbers of a TensorProto (float, double, int32, int64; inline or raw little-endian data). */
function tensorNumbers(tensor: TensorProtoData): number[] {
  if (tensor.data_location === 1) throw new ConstantError(`tensor ${tensor.name ?? ''} is stored outside the file (external data)`)
  const count = elementCount(tensor.dims ?? [])
  const raw = tensor.raw_data && tensor.raw_data.length > 0 ? tensor.raw_data : null
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null
  const fromRaw = (bytes: number, read: (offset: number) => number): number[] => {
    if (!view || view.byteLength !== count * bytes) throw new ConstantError(`tensor ${tensor.name ?? ''} has ${view?.byteLength ?? 0} bytes of data for ${count} elements`)
    return Array.from({ length: count }, (_, i) => read(i * bytes))
  }
  let values: number[]
  switch (tensor.data_type) {
    case TENSOR_TYPE.FLOAT:
      values = view ? fromRaw(4, (o) => view.getFloat32(o, true)) : (tensor.float_data ?? [])
      break
    case TENSOR_TYPE.DOUBLE:
      values = view ? fromRaw(8, (o) => view.getFloat64(o, true)) : (tensor.double_data ?? [])
      break
    case TENSOR_TYPE.INT32:
      values = view ? fromRaw(4, (o) => view.getInt32(o, true)) : (tensor.int32_data ?? [])
      break
    case TENSOR_TYPE.INT64:
      values = view ? fromRaw(8, (o) => Number(view.getBigInt64(o, true))) : (tensor.int64_data ?? [])
      break
    default:
      throw new ConstantError(`tensor ${tensor.name ?? ''} has data type ${tensor.data_type ?? 'none'} (supported: float, double, int32, int64)`)
  }
  if (values.length !== count) throw new ConstantError(`tensor ${tensor.name ?? ''} has ${values.length} values for dims [${(tensor.dims ?? []).join(', ')}]`)
  return values
}

/** A TensorProto as a lazily read constant. */
export function constantFromProto(tensor: TensorProtoData): ConstantTensor {
  let cache: number[] | null = null
  return {
    dims: [...(tensor.dims ?? [])],
    values: () => (cache ??= tensorNumbers(tensor)),
    float: tensor.data_type === TENSOR_TYPE.FLOAT || tensor.data_type === TENSOR_TYPE.DOUBLE,
  }
}

export function constant(dims: readonly number[], values: readonly ConstantScalar[], float: boolean): ConstantTensor {
  if (values.length !== elementCount(dims)) throw new ConstantError(`${values.length} values for dims [${dims.join(', ')}]`)
  return { dims: [...dims], values: () => values, float }
}

/** The numbers of a constant; the batch symbol is refused with `what` named. */
export function numbersOf(tensor: ConstantTensor, what: string): number[] {
  return tensor.values().map((v) => {
    if (v === BATCH) throw new ConstantError(`${what} depends on the batch size`)
    return v
  })
}

/** The single number of a one-element constant (a scalar, [1], [1, 1], ...). */
export function scalarOf(tensor: ConstantTensor, what: string): number {
  if (elementCount(tensor.dims) !== 1) throw new ConstantError(`${what} must be a single number, got a tensor of shape [${tensor.dims.join(', ')}]`)
  return numbersOf(tensor, what)[0]
}

function normalizeAxis(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new ConstantError(`${what} axis ${axis} out of range for rank ${rank}`)
  return a
}

function strides(dims: readonly number[]): number[] {
  const result = new Array<number>(dims.length).fill(1)
  for (let i = dims.length - 2; i >= 0; i--) result[i] = result[i + 1] * dims[i + 1]
  return result
}

/** Multi-index walk over `dims`, calling `visit` with each index in row-major order. */
function forEachIndex(dims: readonly number[], visit: (index: number[]) => void): void {
  const count = elementCount(dims)
  const index = new Array<number>(dims.length).fill(0)
  for (let k = 0; k < count; k++) {
    visit(index)
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++index[d] < dims[d]) break
      index[d] = 0
    }
  }
}

export function gather(data: ConstantTensor, indices: ConstantTensor, axisAttr: number): ConstantTensor {
  const axis = normalizeAxis(axisAttr, data.dims.length, 'Gather')
  const idx = numbersOf(indices, 'a Gather index').map((i) => (i < 0 ? i + data.dims[axis] : i))
  if (idx.some((i) => !Number.isInteger(i) || i < 0 || i >= data.dims[axis])) throw new ConstantError(`Gather index out of range for dimension ${data.dims[axis]}`)
  const outDims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)]
  const inner = elementCount(data.dims.slice(axis + 1))
  const outer = elementCount(data.dims.slice(0, axis))
  const values = data.values()
  const out: ConstantScalar[] = []
  for (let o = 0; o < outer; o++) for (const i of idx) for (let k = 0; k < inner; k++) out.push(values[(o * data.dims[axis] + i) * inner + k])
  return constant(outDims, out, data.float)
}

export function unsqueeze(data: ConstantTensor, axes: readonly number[]): ConstantTensor {
  const rank = data.dims.length + axes.length
  const normalized = axes.map((a) => normalizeAxis(a, rank, 'Unsqueeze'))
  const dims: number[] = []
  let source = 0
  for (let d = 0; d < rank; d++) dims.push(normalized.includes(d) ? 1 : data.dims[source++])
  return { ...data, dims }
}

export function squeeze(data: ConstantTensor, axes: readonly number[] | null): ConstantTensor {
  const normalized = axes === null ? data.dims.flatMap((d, i) => (d === 1 ? [i] : [])) : axes.map((a) => normalizeAxis(a, data.dims.length, 'Squeeze'))
  if (normalized.some((a) => data.dims[a] !== 1)) throw new ConstantError(`Squeeze of an axis of size other than 1 (shape [${data.dims.join(', ')}])`)
  return { ...data, dims: data.dims.filter((_, i) => !normalized.includes(i)) }
}

export function concat(inputs: readonly ConstantTensor[], axisAttr: number): ConstantTensor {
  const rank = inputs[0].dims.length
  const axis = normalizeAxis(axisAttr, rank, 'Concat')
  for (const t of inputs) {
    if (t.dims.length !== rank || t.dims.some((d, i) => i !== axis && d !== inputs[0].dims[i])) throw new ConstantError('Concat of constants of different shapes')
  }
  const outer = elementCount(inputs[0].dims.slice(0, axis))
  const out: ConstantScalar[] = []
  for (let o = 0; o < outer; o++) {
    for (const t of inputs) {
      const chunk = elementCount(t.dims.slice(axis))
      out.push(...t.values().slice(o * chunk, (o + 1) * chunk))
    }
  }
  const dims = [...inputs[0].dims]
  dims[axis] = inputs.reduce((n, t) => n + t.dims[axis], 0)
  return constant(dims, out, inputs.some((t) => t.float))
}

/** ONNX Slice start/end clamping for one axis (steps of either sign). */
export function sliceRange(dim: number, start: number, end: number, step: number): number[] {
  if (step === 0 || !Number.isInteger(step)) throw new ConstantError('Slice step 0')
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi)
  let s = start < 0 ? start + dim : start
  let e = end < 0 ? end + dim : end
  const indices: number[] = []
  if (step > 0) {
    s = clamp(s, 0, dim)
    e = clamp(e, 0, dim)
    for (let i = s; i < e; i += step) indices.push(i)
  } else {
    s = clamp(s, -1, dim - 1)
    e = clamp(e, -1, dim - 1)
    for (let i = s; i > e; i += step) indices.push(i)
  }
  return indices
}

export function slice(data: ConstantTensor, starts: readonly number[], ends: readonly number[], axes: readonly number[], steps: readonly number[]): ConstantTensor {
  const picks = data.dims.map((d) => Array.from({ length: d }, (_, i) => i))
  axes.forEach((axisAttr, k) => {
    const axis = normalizeAxis(axisAttr, data.dims.length, 'Slice')
    picks[axis] = sliceRange(data.dims[axis], starts[k], ends[k], steps[k])
  })
  const dims = picks.map((p) => p.length)
  const st = strides(data.dims)
  const values = data.values()
  const out: ConstantScalar[] = []
  forEachIndex(dims, (index) => out.push(values[index.reduce((o, i, d) => o + picks[d][i] * st[d], 0)]))
  return constant(dims, out, data.float)
}

export function transpose(data: ConstantTensor, permAttr: readonly number[] | null): ConstantTensor {
  const rank = data.dims.length
  const perm = permAttr ?? Array.from({ length: rank }, (_, i) => rank - 1 - i)
  const dims = perm.map((p) => data.dims[p])
  const st = strides(data.dims)
  const values = data.values()
  const out: ConstantScalar[] = []
  forEachIndex(dims, (index) => out.push(values[index.reduce((o, i, d) => o + i * st[perm[d]], 0)]))
  return constant(dims, out, data.float)
}

/**
 * ONNX Reshape target dims (0 = copy, -1 = infer) against input dims, where the symbol BATCH may
 * appear in both; the result may contain BATCH. Refused when it would need arithmetic on BATCH.
 */
export function resolveReshape(input: readonly ConstantScalar[], target: readonly ConstantScalar[], allowZero: boolean): ConstantScalar[] {
  const out = target.map((t, i) => (t === 0 && !allowZero ? input[i] : t))
  if (out.some((t) => t === undefined)) throw new ConstantError('Reshape copies a dimension the input does not have')
  const inferred = out.filter((t) => t === -1).length
  if (inferred > 1) throw new ConstantError('Reshape with more than one -1')
  const known = (dims: readonly ConstantScalar[]): { product: number; batch: number } => ({
    product: dims.reduce<number>((p, d) => (d === BATCH || d === -1 ? p : p * d), 1),
    batch: dims.filter((d) => d === BATCH).length,
  })
  const have = known(input)
  const want = known(out)
  if (inferred === 0) {
    if (have.product !== want.product || have.batch !== want.batch) throw new ConstantError(`Reshape from [${input.join(', ')}] to [${out.join(', ')}] changes the element count`)
    return out
  }
  // -1 takes what is left: the batch symbol if the target lacks it, and the rest of the product.
  const extraBatch = have.batch - want.batch
  if (extraBatch < 0 || extraBatch > 1 || have.product % want.product !== 0) throw new ConstantError(`Reshape from [${input.join(', ')}] to [${target.join(', ')}] needs arithmetic on the batch size`)
  const rest = have.product / want.product
  if (extraBatch === 1 && rest !== 1) throw new ConstantError(`Reshape from [${input.join(', ')}] to [${target.join(', ')}] mixes the batch axis with other axes`)
  return out.map((d) => (d === -1 ? (extraBatch === 1 ? BATCH : rest) : d))
}

export function reshape(data: ConstantTensor, target: readonly number[], allowZero: boolean): ConstantTensor {
  const dims = resolveReshape(data.dims, target, allowZero)
  return { ...data, dims: dims.map((d) => (d === BATCH ? 0 : d)) }
}

/** Elementwise arithmetic with numpy broadcasting; refused on the batch symbol. */
export function arithmetic(op: 'Add' | 'Sub' | 'Mul' | 'Div', a: ConstantTensor, b: ConstantTensor): ConstantTensor {
  const rank = Math.max(a.dims.length, b.dims.length)
  const pad = (dims: readonly number[]): number[] => [...new Array<number>(rank - dims.length).fill(1), ...dims]
  const da = pad(a.dims)
  const db = pad(b.dims)
  const dims = da.map((d, i) => {
    if (d !== db[i] && d !== 1 && db[i] !== 1) throw new ConstantError(`${op} of constants of shapes [${a.dims.join(', ')}] and [${b.dims.join(', ')}]`)
    return Math.max(d, db[i])
  })
  const va = numbersOf(a, `${op} of a shape`)
  const vb = numbersOf(b, `${op} of a shape`)
  const sa = strides(da).map((s, i) => (da[i] === 1 ? 0 : s))
  const sb = strides(db).map((s, i) => (db[i] === 1 ? 0 : s))
  const float = a.float || b.float
  const out: number[] = []
  forEachIndex(dims, (index) => {
    const x = va[index.reduce((o, i, d) => o + i * sa[d], 0)]
    const y = vb[index.reduce((o, i, d) => o + i * sb[d], 0)]
    const r = op === 'Add' ? x + y : op === 'Sub' ? x - y : op === 'Mul' ? x * y : float ? x / y : Math.trunc(x / y)
    out.push(float ? Math.fround(r) : r)
  })
  return constant(dims, out, float)
}
