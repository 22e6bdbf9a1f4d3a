/**
 * MD5 (RFC 1321) of a string's UTF-8 bytes, as a 32-digit lowercase hex string (Python
 * `hashlib.md5(s.encode('utf-8')).hexdigest()`): the digest the NAS-Bench-101 module hash is built
 * from, and the key under which a space remembers an arch's parameter count.
 * Written out here because core code imports nothing environment-specific (no node:crypto).
 */

/** Per-round left-rotation amounts. */
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

/** K[i] = floor(2^32 * |sin(i + 1)|). */
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0)

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n))
}

/** The message padded to a multiple of 64 bytes: 0x80, zeros, then the bit length (little-endian 64-bit). */
function padded(bytes: Uint8Array): Uint8Array {
  const total = Math.ceil((bytes.length + 9) / 64) * 64
  const out = new Uint8Array(total)
  out.set(bytes)
  out[bytes.length] = 0x80
  const bits = bytes.length * 8
  const view = new DataView(out.buffer)
  view.setUint32(total - 8, bits >>> 0, true)
  view.setUint32(total - 4, Math.floor(bits / 2 ** 32), true)
  return out
}

/** MD5 hex digest of `text` encoded as UTF-8. */
export function md5Hex(text: string): string {
  const data = padded(new TextEncoder().encode(text))
  const view = new DataView(data.buffer)
  const state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]
  const m = new Array<number>(16)
  for (let block = 0; block < data.length; block += 64) {
    for (let i = 0; i < 16; i++) m[i] = view.getUint32(block + i * 4, true)
    let [a, b, c, d] = state
    for (let i = 0; i < 64; i++) {
      let f: number
      let g: number
      if (i < 16) {
        f = (b & c) | (~b & d)
        g = i
      } else if (i < 32) {
        f = (d & b) | (~d & c)
        g = (5 * i + 1) % 16
      } else if (i < 48) {
        f = b ^ c ^ d
        g = (3 * i + 5) % 16
      } else {
        f = c ^ (b | ~d)
        g = (7 * i) % 16
      }
      const next = (b + rotl((a + f + K[i] + m[g]) | 0, SHIFTS[(i >> 4) * 4 + (i % 4)])) | 0
      a = d
      d = c
      c = b
      b = next
    }
    state[0] = (state[0] + a) | 0
    state[1] = (state[1] + b) | 0
    state[2] = (state[2] + c) | 0
    state[3] = (state[3] + d) | 0
  }
  const digest = new DataView(new ArrayBuffer(16))
  state.forEach((word, i) => digest.setUint32(i * 4, word >>> 0, true))
  return Array.from(new Uint8Array(digest.buffer), (byte) => byte.toString(16).padStart(2, '0')).join('')
}
