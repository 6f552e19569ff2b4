/**
 * Byte-array helpers shared by plugins. The send path passes lists of
 * parts down instead of concatenating: {@link totalLength} and
 * {@link copyParts} (into memory the caller owns) are meant for it,
 * {@link joinBytes} (a new array) is not.
 *
 * @module
 */

/** Total length in bytes of a list of parts (no allocation). */
export function totalLength(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (let i = 0; i < parts.length; i++) n += parts[i].length;
  return n;
}

/** Parts up to this many bytes (headers such as GUE's 4) are copied byte by byte. */
const SMALL_COPY = 16;

/**
 * Copy `parts` back to back into `target` from `offset` (no allocation);
 * returns the offset after the last byte written. `target` must have room.
 */
export function copyParts(parts: readonly Uint8Array[], target: Uint8Array, offset = 0): number {
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const n = part.length;
    if (n <= SMALL_COPY) {
      // A header: byte stores beat the call into TypedArray.prototype.set.
      for (let j = 0; j < n; j++) target[offset + j] = part[j];
    } else {
      target.set(part, offset);
    }
    offset += n;
  }
  return offset;
}

/** Concatenate `parts` into one new array (always a copy). */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(totalLength(parts));
  copyParts(parts, out);
  return out;
}
