// seek-bzip ships no types; only the entry point we call is declared.
declare module 'seek-bzip' {
  interface InputStream {
    readByte(): number
    read(buffer: Uint8Array, offset: number, length: number): number
    eof(): boolean
    seek(position: number): void
  }
  interface OutputStream {
    writeByte(byte: number): void
  }
  const Bunzip: {
    decode(input: InputStream, output: OutputStream, multistream?: boolean): void
  }
  export default Bunzip
}
