/** A minimal ustar writer for tests: regular files, folders, links and raw pax / GNU records. */
export interface TarSpec {
  name: string
  data?: Buffer | string
  /** '0' file (default), '5' folder, '2' symlink, '1' hard link, 'x' pax, 'L' GNU long name, '3' char device. */
  type?: string
  linkName?: string
}

/** The archive's bytes, with the two zero blocks at the end unless `noEnd`. */
export function makeTar(entries: readonly TarSpec[], options: { noEnd?: boolean } = {}): Buffer {
  const blocks: Buffer[] = []
  for (const entry of entries) {
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : (entry.data ?? Buffer.alloc(0))
    const header = Buffer.alloc(512)
    header.write(entry.name.slice(0, 100), 0, 'utf8')
    header.write('0000644\0', 100)
    header.write('0000000\0', 108)
    header.write('0000000\0', 116)
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124)
    header.write('00000000000\0', 136)
    header.write('        ', 148)
    header.write(entry.type ?? '0', 156)
    if (entry.linkName) header.write(entry.linkName, 157)
    header.write('ustar\0', 257)
    header.write('00', 263)
    let sum = 0
    for (const byte of header) sum += byte
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  if (!options.noEnd) blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}

/** A pax extended-header body setting `key` to `value`. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  let length = body.length + 1
  while (`${length}${body}`.length !== length) length = `${length}${body}`.length
  return `${length}${body}`
}
