import type { GraphBuilder, TensorRef } from '../core/ir/builder.ts'
import type { Op } from '../core/ir/graph.ts'
import { NodeAttributes } from './attributes.ts'
import { ConstantError, numbersOf, type ConstantScalar, type ConstantTensor } from './constants.ts'
import type { NodeProtoData } from './proto.ts'

/** A tensor computed from the model input: an IR node; `dims` are its shape without the batch axis. */
export interface RuntimeValue {
  readonly kind: 'runtime'
  readonly ref: TensorRef
  readonly dims: readonly number[]
  /** Produced by a linear layer (Gemm / MatMul): an Add of a 1-D constant after it is its bias. */
  readonly linear?: boolean
}

/** A tensor known without the input's values (possibly up to the batch size). */
export interface ConstantValue {
  readonly kind: 'constant'
  readonly tensor: ConstantTensor
}

export type Value = RuntimeValue | ConstantValue

/** A refusal of one node: the mapper adds file, node name and op type. */
export class NodeRefusal extends Error {
  constructor(
    readonly why: string,
    readonly supported?: string,
  ) {
    super(why)
  }
}

/** Model-wide facts handlers record while mapping (for the folded-BN rule). */
export interface MappingFacts {
  convsWithBias: number
  batchNorms: number
}

/**
 * What a handler sees of one ONNX node: its inputs as values, its attributes, the IR builder, and
 * where its outputs go. Every check failure goes through `refuse`, which the mapper turns into the
 * one-line BAD_FILE error.
 */
export class NodeContext {
  readonly attrs: NodeAttributes
  readonly outputs: Array<Value | undefined>

  constructor(
    readonly node: NodeProtoData,
    readonly label: string,
    private readonly values: ReadonlyMap<string, Value>,
    private readonly usedNames: ReadonlySet<string>,
    private readonly builder: GraphBuilder,
    /** The batch size as static evaluation sees it: the fixed size, or the symbol. */
    readonly batch: ConstantScalar,
    readonly facts: MappingFacts,
    readonly supported: string,
  ) {
    this.attrs = new NodeAttributes(node, (why) => this.refuse(why))
    this.outputs = new Array<Value | undefined>((node.output ?? []).length)
  }

  refuse(why: string, supported: string = this.supported): never {
    throw new NodeRefusal(why, supported)
  }

  get inputCount(): number {
    return (this.node.input ?? []).length
  }

  /** Input `i`, or null when absent (past the end or an empty name: an omitted optional input). */
  input(i: number): Value | null {
    const name = (this.node.input ?? [])[i]
    if (!name) return null
    const value = this.values.get(name)
    if (!value) this.refuse(`input ${JSON.stringify(name)} is not produced before this node`)
    return value
  }

  /** Whether every present input is a constant (the node can be evaluated statically). */
  allInputsConstant(): boolean {
    return (this.node.input ?? []).every((_, i) => this.input(i)?.kind !== 'runtime')
  }

  /** Input `i` as a tensor computed from the model input, of rank `ranks` (batch axis included). */
  runtime(i: number, ranks: readonly number[] = [2, 4]): RuntimeValue {
    const value = this.input(i)
    if (!value) this.refuse(`input ${i} is missing`)
    if (value.kind !== 'runtime') this.refuse(`input ${i} is a constant; only tensors computed from the model input are supported here`)
    const rank = value.dims.length + 1
    if (!ranks.includes(rank)) this.refuse(`input ${i} has rank ${rank} (shape [N, ${value.dims.join(', ')}]); supported: rank ${ranks.join(' or ')}`)
    return value
  }

  /** Input `i` as a constant, or null when absent; refused when it depends on the input's values. */
  constant(i: number, what: string): ConstantTensor | null {
    const value = this.input(i)
    if (!value) return null
    if (value.kind === 'runtime') this.refuse(`${what} depends on the input's values`, `${what} from an initializer or a constant expression`)
    return value.tensor
  }

  /** A required constant input's numbers (batch symbol refused). */
  numbers(i: number, what: string): number[] | null {
    const tensor = this.constant(i, what)
    return tensor ? this.guard(() => numbersOf(tensor, what)) : null
  }

  /** Runs a constant computation, turning its ConstantError into a refusal of this node. */
  guard<T>(compute: () => T): T {
    try {
      return compute()
    } catch (error) {
      if (error instanceof ConstantError) this.refuse(error.message)
      throw error
    }
  }

  /** Whether output `k` is read by a later node or is a graph output. */
  outputUsed(k: number): boolean {
    const name = (this.node.output ?? [])[k]
    return Boolean(name) && this.usedNames.has(name)
  }

  /** Refuses when any output from `first` on is used (optional outputs we do not compute). */
  requireUnused(first: number, what: string): void {
    for (let k = first; k < this.outputs.length; k++) if (this.outputUsed(k)) this.refuse(`its output ${k} (${what}) is used`, `only output 0 used`)
  }

  /** Appends an IR op; label suffix distinguishes several IR nodes of one ONNX node. */
  add(op: Op, inputs: readonly RuntimeValue[], suffix = ''): RuntimeValue {
    const ref = this.builder.add(op, inputs.map((v) => v.ref), this.label + suffix)
    return { kind: 'runtime', ref, dims: this.builder.node(ref).shape.slice(1) }
  }

  setOutput(k: number, value: Value): void {
    this.outputs[k] = value
  }

  setConstant(k: number, tensor: ConstantTensor): void {
    this.outputs[k] = { kind: 'constant', tensor }
  }

  /** Symbolic full shape of a runtime value: the batch (size or symbol) then its dims. */
  fullShape(value: RuntimeValue): ConstantScalar[] {
    return [this.batch, ...value.dims]
  }
}
