import { ATTRIBUTE_TYPE, type AttributeProtoData, type NodeProtoData, type TensorProtoData } from './proto.ts'

/** Typed access to a node's attributes; a wrong type is reported through `refuse`. */
export class NodeAttributes {
  private readonly byName = new Map<string, AttributeProtoData>()

  constructor(
    node: NodeProtoData,
    private readonly refuse: (why: string) => never,
  ) {
    for (const attribute of node.attribute ?? []) this.byName.set(attribute.name ?? '', attribute)
  }

  has(name: string): boolean {
    return this.byName.has(name)
  }

  private get(name: string, type: number, typeName: string): AttributeProtoData | undefined {
    const attribute = this.byName.get(name)
    if (attribute && attribute.type !== undefined && attribute.type !== type) this.refuse(`attribute ${name} is not of type ${typeName}`)
    return attribute
  }

  int(name: string, fallback: number): number {
    return this.get(name, ATTRIBUTE_TYPE.INT, 'INT')?.i ?? fallback
  }

  float(name: string, fallback: number): number {
    return this.get(name, ATTRIBUTE_TYPE.FLOAT, 'FLOAT')?.f ?? fallback
  }

  ints(name: string): number[] | null {
    const attribute = this.get(name, ATTRIBUTE_TYPE.INTS, 'INTS')
    return attribute ? [...(attribute.ints ?? [])] : null
  }

  floats(name: string): number[] | null {
    const attribute = this.get(name, ATTRIBUTE_TYPE.FLOATS, 'FLOATS')
    return attribute ? [...(attribute.floats ?? [])] : null
  }

  string(name: string, fallback: string): string {
    const attribute = this.get(name, ATTRIBUTE_TYPE.STRING, 'STRING')
    return attribute?.s ? new TextDecoder().decode(attribute.s) : fallback
  }

  tensor(name: string): TensorProtoData | null {
    return this.get(name, ATTRIBUTE_TYPE.TENSOR, 'TENSOR')?.t ?? null
  }
}
