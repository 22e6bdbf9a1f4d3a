/**
 * Hand-written decoder for the two proto2 messages of nasbench/lib/model_metrics.proto, reading
 * only what the importer needs. Field numbers and wire types:
 *   ModelMetrics   { repeated EvaluationData evaluation_data = 1; optional int32 trainable_parameters = 2; optional double total_time = 3; }
 *   EvaluationData { optional double current_epoch = 1; training_time = 2; train_accuracy = 3;
 *                    validation_accuracy = 4; test_accuracy = 5; optional string checkpoint_path = 6; }
 * Unknown fields are skipped by wire type, as protobuf parsers do.
 */

/** One evaluation point; proto2 optional doubles read as 0 when absent, as the official API does. */
export interface EvaluationData {
  currentEpoch: number
  trainingTime: number
  trainAccuracy: number
  validationAccuracy: number
  testAccuracy: number
}

/** The decoded ModelMetrics message. */
export interface ModelMetrics {
  evaluations: EvaluationData[]
  trainableParameters: number
}

/** A buffer that is not a valid ModelMetrics message. */
export class ProtoError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProtoError'
  }
}

const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2
const FIXED32 = 5

/** Minimal protobuf wire reader over one buffer. */
class WireReader {
  position = 0

  constructor(readonly bytes: Buffer) {}

  get done(): boolean {
    return this.position >= this.bytes.length
  }

  /** Varint as a JS number; int32 negatives arrive as 10-byte two's-complement varints. */
  varint(): number {
    let result = 0
    let scale = 1
    for (let i = 0; i < 10; i++) {
      if (this.position >= this.bytes.length) throw new ProtoError('varint runs past the end of the message')
      const byte = this.bytes[this.position++]
      result += (byte & 0x7f) * scale
      if ((byte & 0x80) === 0) return result >= 2 ** 63 ? result - 2 ** 64 : result
      scale *= 128
    }
    throw new ProtoError('varint longer than 10 bytes')
  }

  double(): number {
    this.need(8)
    const value = this.bytes.readDoubleLE(this.position)
    this.position += 8
    return value
  }

  sub(): Buffer {
    const length = this.varint()
    this.need(length)
    const out = this.bytes.subarray(this.position, this.position + length)
    this.position += length
    return out
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint()
    else if (wireType === FIXED64) this.advance(8)
    else if (wireType === LENGTH_DELIMITED) this.sub()
    else if (wireType === FIXED32) this.advance(4)
    else throw new ProtoError(`unsupported wire type ${wireType}`)
  }

  private advance(n: number): void {
    this.need(n)
    this.position += n
  }

  private need(n: number): void {
    if (n < 0 || this.position + n > this.bytes.length) throw new ProtoError('field runs past the end of the message')
  }
}

/** Decodes a serialised ModelMetrics message. */
export function decodeModelMetrics(bytes: Buffer): ModelMetrics {
  const reader = new WireReader(bytes)
  const metrics: ModelMetrics = { evaluations: [], trainableParameters: 0 }
  while (!reader.done) {
    const key = reader.varint()
    const field = Math.floor(key / 8)
    const wireType = key & 7
    if (field === 1 && wireType === LENGTH_DELIMITED) metrics.evaluations.push(decodeEvaluation(reader.sub()))
    else if (field === 2 && wireType === VARINT) metrics.trainableParameters = reader.varint()
    else reader.skip(wireType)
  }
  return metrics
}

const EVALUATION_FIELDS: Record<number, keyof EvaluationData> = {
  1: 'currentEpoch',
  2: 'trainingTime',
  3: 'trainAccuracy',
  4: 'validationAccuracy',
  5: 'testAccuracy',
}

function decodeEvaluation(bytes: Buffer): EvaluationData {
  const reader = new WireReader(bytes)
  const data: EvaluationData = { currentEpoch: 0, trainingTime: 0, trainAccuracy: 0, validationAccuracy: 0, testAccuracy: 0 }
  while (!reader.done) {
    const key = reader.varint()
    const name = EVALUATION_FIELDS[Math.floor(key / 8)]
    if (name !== undefined && (key & 7) === FIXED64) data[name] = reader.double()
    else reader.skip(key & 7)
  }
  return data
}

/** Encodes a ModelMetrics message (for fixtures and the memory benchmark; field order as protobuf writes it). */
export function encodeModelMetrics(metrics: ModelMetrics, checkpointPath?: string): Buffer {
  const parts: Buffer[] = []
  for (const evaluation of metrics.evaluations) {
    const fields: Buffer[] = []
    ;(Object.entries(EVALUATION_FIELDS) as Array<[string, keyof EvaluationData]>).forEach(([field, name]) => {
      const b = Buffer.alloc(9)
      b[0] = (Number(field) << 3) | FIXED64
      b.writeDoubleLE(evaluation[name], 1)
      fields.push(b)
    })
    if (checkpointPath !== undefined) {
      const text = Buffer.from(checkpointPath)
      fields.push(Buffer.concat([Buffer.from([(6 << 3) | LENGTH_DELIMITED]), varint(text.length), text]))
    }
    const body = Buffer.concat(fields)
    parts.push(Buffer.concat([Buffer.from([(1 << 3) | LENGTH_DELIMITED]), varint(body.length), body]))
  }
  parts.push(Buffer.concat([Buffer.from([(2 << 3) | VARINT]), varint(metrics.trainableParameters)]))
  return Buffer.concat(parts)
}

function varint(value: number): Buffer {
  const bytes: number[] = []
  let rest = value
  do {
    let byte = rest % 128
    rest = Math.floor(rest / 128)
    if (rest > 0) byte |= 0x80
    bytes.push(byte)
  } while (rest > 0)
  return Buffer.from(bytes)
}
