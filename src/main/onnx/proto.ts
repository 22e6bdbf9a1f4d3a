import protobuf from 'protobufjs/light.js'
import { ONNX_PROTO_DESCRIPTOR } from './onnx-proto.generated.ts'

/**
 * ModelProto as plain data, with the field names of the official onnx.proto (keepCase) and only the
 * fields the reader and writer use. int64 fields are JavaScript numbers: every int64 the importer
 * reads (dims, attribute ints, shape constants, versions) is far below 2^53, and ONNX's "to the end"
 * sentinels (INT64_MAX / INT64_MIN in Slice) only need to stay beyond any real size after rounding.
 */
export interface TensorProtoData {
  name?: string
  dims?: number[]
  data_type?: number
  float_data?: number[]
  int32_data?: number[]
  int64_data?: number[]
  double_data?: number[]
  raw_data?: Uint8Array
  data_location?: number
}

export interface AttributeProtoData {
  name?: string
  type?: number
  f?: number
  i?: number
  s?: Uint8Array
  t?: TensorProtoData
  floats?: number[]
  ints?: number[]
  strings?: Uint8Array[]
}

export interface NodeProtoData {
  name?: string
  op_type?: string
  domain?: string
  input?: string[]
  output?: string[]
  attribute?: AttributeProtoData[]
}

export interface DimensionData {
  dim_value?: number
  dim_param?: string
}

export interface ValueInfoData {
  name?: string
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: DimensionData[] } } }
}

export interface GraphProtoData {
  name?: string
  node?: NodeProtoData[]
  initializer?: TensorProtoData[]
  input?: ValueInfoData[]
  output?: ValueInfoData[]
}

export interface ModelProtoData {
  ir_version?: number
  producer_name?: string
  opset_import?: Array<{ domain?: string; version?: number }>
  graph?: GraphProtoData
}

/** TensorProto.DataType values the importer and writer use. */
export const TENSOR_TYPE = { FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 } as const

/** AttributeProto.AttributeType values. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const

let modelType: protobuf.Type | null = null

/** onnx.ModelProto from the generated descriptor of the official schema (built once per thread). */
function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_PROTO_DESCRIPTOR).lookupType('onnx.ModelProto')
  return modelType
}

/** Decodes ModelProto bytes; throws protobufjs's error on bytes that are not a valid message. */
export function decodeModelProto(bytes: Uint8Array): ModelProtoData {
  const type = modelProto()
  const message = type.decode(bytes)
  // The conversion options make the object match ModelProtoData: int64 -> number, enums -> number,
  // repeated fields always arrays, bytes kept as Uint8Array.
  return type.toObject(message, { longs: Number, enums: Number, arrays: true }) as ModelProtoData
}

/** Encodes ModelProto data (checked against the schema by protobufjs) to bytes. */
export function encodeModelProto(model: ModelProtoData): Uint8Array {
  const type = modelProto()
  const problem = type.verify(model)
  if (problem) throw new Error(`invalid ModelProto: ${problem}`)
  return type.encode(type.fromObject(model)).finish()
}
