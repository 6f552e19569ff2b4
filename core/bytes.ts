/**
 * Byte-array helpers shared by plugins (off the per-packet path: the send
 * path passes lists of parts down instead of concatenating).
 *
 * @module
 */

/** Concatenate `parts` into one new array (always a copy). */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
