/**
 * Byte-array helpers shared by plugins. The send path passes lists of
 * parts down instead of concatenating: {@link totalLength} is the one
 * helper meant for it, {@link joinBytes} is not.
 *
 * @module
 */

/** Total length in bytes of a list of parts (no allocation). */
export function totalLength(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (let i = 0; i < parts.length; i++) n += parts[i].length;
  return n;
}

/** Concatenate `parts` into one new array (always a copy). */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(totalLength(parts));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
