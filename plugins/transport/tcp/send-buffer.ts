/**
 * The send buffer: bytes accepted by `write()` and not yet acknowledged,
 * addressed by stream offset (byte 0 is the first byte after the SYN).
 * Writes are copied once into 64 KiB chunks; segments are views into those
 * chunks (a copy only when a segment straddles two chunks). Chunk bytes
 * are never overwritten, so views handed to `sendDown` stay valid.
 *
 * @module
 */

const CHUNK = 64 * 1024;

/**
 * Chunks that lent a view to a retransmission (never reused). One set for
 * every buffer (chunks are never shared), so an idle connection pays nothing.
 */
const lent = new WeakSet<Uint8Array>();

/** Stream bytes from the first unacknowledged offset to the last written one. */
export class SendBuffer {
  private chunks: Uint8Array[] = [];
  /** Fill level of the last chunk. */
  private tailFill = 0;
  /** Stream offset of `chunks[0][0]`. */
  private chunkBase = 0;
  /** Stream offset of the first byte still held (everything below was acknowledged). */
  start = 0;
  /** Stream offset one past the last written byte. */
  end = 0;
  /** Index of the chunk the last read started in, and that chunk's stream offset. */
  private cursor = 0;
  private cursorBase = 0;
  /** An acknowledged {@link CHUNK}-sized chunk to fill again, if any. */
  private spare: Uint8Array | undefined;

  /** Bytes held (unacknowledged or unsent). */
  get length(): number {
    return this.end - this.start;
  }

  /** Append a copy of `data`. */
  push(data: Uint8Array): void {
    let off = 0;
    while (off < data.length) {
      let last = this.chunks.length > 0 ? this.chunks[this.chunks.length - 1] : undefined;
      if (last === undefined || this.tailFill === last.length) {
        const size = Math.max(CHUNK, Math.min(data.length - off, 1 << 20));
        if (size === CHUNK && this.spare !== undefined) {
          last = this.spare;
          this.spare = undefined;
        } else last = new Uint8Array(size);
        this.chunks.push(last);
        this.tailFill = 0;
      }
      const n = Math.min(last.length - this.tailFill, data.length - off);
      last.set(n === data.length ? data : data.subarray(off, off + n), this.tailFill);
      this.tailFill += n;
      off += n;
    }
    this.end += data.length;
  }

  /**
   * The bytes at stream offsets `[offset, offset + len)` (a view when possible).
   * @param retransmission - the bytes go out again: a view pins its chunk (never reused)
   */
  read(offset: number, len: number, retransmission = false): Uint8Array {
    // Reads mostly move forward (new data, then the next segment): start at the chunk of the
    // previous read when the offset is not below it, instead of walking from the first chunk.
    let base = this.chunkBase;
    let i = 0;
    if (this.cursor < this.chunks.length && offset >= this.cursorBase) {
      base = this.cursorBase;
      i = this.cursor;
    }
    while (i < this.chunks.length && base + this.chunks[i].length <= offset) {
      base += this.chunks[i].length;
      i++;
    }
    this.cursor = i;
    this.cursorBase = base;
    const c = this.chunks[i];
    const rel = offset - base;
    if (rel + len <= c.length) {
      if (retransmission) lent.add(c);
      return c.subarray(rel, rel + len);
    }
    const out = new Uint8Array(len);
    let got = 0;
    let pos = rel;
    while (got < len) {
      const ch = this.chunks[i];
      const n = Math.min(ch.length - pos, len - got);
      out.set(ch.subarray(pos, pos + n), got);
      got += n;
      i++;
      pos = 0;
    }
    return out;
  }

  /** Release everything below stream offset `offset` (acknowledged). */
  consumeTo(offset: number): void {
    if (offset <= this.start) return;
    this.start = Math.min(offset, this.end);
    while (this.chunks.length > 1 && this.chunkBase + this.chunks[0].length <= this.start) {
      const done = this.chunks[0];
      this.chunkBase += done.length;
      this.chunks.shift();
      if (done.length === CHUNK && !lent.has(done)) this.spare = done;
      if (this.cursor > 0) this.cursor--;
      else this.cursorBase = this.chunkBase;
    }
    if (this.start === this.end) this.spare = undefined;
  }
}
