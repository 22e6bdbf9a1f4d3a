/** Fixed-size records out of a stream of chunks; a record split across chunks is copied whole. */
export async function* fixedRecords(chunks: AsyncIterable<Uint8Array>, recordSize: number): AsyncGenerator<Uint8Array> {
  let carry: Uint8Array | null = null
  for await (const chunk of chunks) {
    let at = 0
    if (carry !== null) {
      const need = recordSize - carry.length
      if (chunk.length < need) {
        carry = concat(carry, chunk)
        continue
      }
      yield concat(carry, chunk.subarray(0, need))
      carry = null
      at = need
    }
    for (; at + recordSize <= chunk.length; at += recordSize) yield chunk.subarray(at, at + recordSize)
    if (at < chunk.length) carry = chunk.slice(at)
  }
  if (carry !== null) throw new Error(`the data ends with ${carry.length} bytes of an incomplete ${recordSize}-byte record`)
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
