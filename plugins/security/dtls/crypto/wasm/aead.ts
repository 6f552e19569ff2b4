/**
 * ChaCha20-Poly1305 (RFC 8439 §2.8) as an {@link AeadKey} on the shared
 * WebAssembly kernel: per call, one copy of the key, nonce, AAD and input
 * into the kernel's memory, one synchronous kernel call, and one copy of
 * the result into fresh bytes owned by the caller (plain `Uint8Array`
 * views into a pool of 16 KiB buffers). No cipher object per
 * record (node:crypto needs a `createCipheriv` per record, a fixed cost of
 * several microseconds).
 *
 * @module
 */
import { totalLength } from '../../../../../core/bytes.js';
import type { AeadKey } from '../provider.js';
import { AAD, KEY, NONCE, TAG_IN, dataOffset, instantiateKernel, memoryNeeded } from './kernel.js';
import type { AeadKernel } from './kernel.js';

/** Tag length (RFC 8439 §2.8). */
const TAG_LENGTH = 16;

let kernel: AeadKernel | undefined | null = null;

/**
 * Results are carved from shared 16 KiB ArrayBuffers, like Node's Buffer
 * pool but without a Buffer object per result (a plain view each); larger
 * results get their own buffer. A retained result keeps its 16 KiB alive.
 */
const POOL_SIZE = 16384;
let pool = new Uint8Array(0);
let poolUsed = 0;

/** Copy `length` bytes at `from` in the kernel memory `m` into fresh caller-owned bytes; returns their buffer and offset through {@link carved}. */
function copyOut(m: Uint8Array, from: number, length: number): void {
  if (length > POOL_SIZE >> 1) {
    carved.bytes = m.slice(from, from + length);
    carved.offset = 0;
    return;
  }
  if (poolUsed + length > pool.length) {
    pool = new Uint8Array(POOL_SIZE);
    poolUsed = 0;
  }
  pool.set(m.subarray(from, from + length), poolUsed);
  carved.bytes = pool;
  carved.offset = poolUsed;
  poolUsed += length;
}

/** Where {@link copyOut} put the bytes (one reused object: no allocation per call). */
const carved = { bytes: pool, offset: 0 };

/** The shared kernel, instantiated on first use; undefined where WebAssembly is unavailable. */
export function chachaKernel(): AeadKernel | undefined {
  if (kernel === null) kernel = instantiateKernel();
  return kernel;
}

/** A ChaCha20-Poly1305 key sealing and opening with the WebAssembly kernel. */
export class WasmChaCha20Poly1305 implements AeadKey {
  private readonly key: Uint8Array;

  /**
   * @param kernel - the kernel (see {@link chachaKernel})
   * @param key - the 32-byte key (copied)
   */
  constructor(
    private readonly kernel: AeadKernel,
    key: Uint8Array,
  ) {
    if (key.length !== 32) throw new RangeError('ChaCha20-Poly1305 key must be 32 bytes');
    this.key = key.slice();
  }

  /** Copy key, nonce and AAD into the kernel for data of `length` bytes; returns the memory. */
  private load(nonce: Uint8Array, aad: Uint8Array, length: number): Uint8Array {
    const m = this.kernel.memory(memoryNeeded(dataOffset(aad.length), length));
    m.set(this.key, KEY);
    m.set(nonce, NONCE);
    m.set(aad, AAD);
    return m;
  }

  /** {@inheritDoc AeadKey.seal} */
  seal(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array[] = []): Uint8Array[] {
    if (nonce.length !== 12) throw new RangeError('ChaCha20-Poly1305 nonce must be 12 bytes');
    const length = totalLength(parts);
    const m = this.load(nonce, aad, length);
    const data = dataOffset(aad.length);
    let at = data;
    for (let i = 0; i < parts.length; i++) {
      m.set(parts[i], at);
      at += parts[i].length;
    }
    this.kernel.seal(aad.length, length);
    copyOut(m, data, length + TAG_LENGTH);
    const { buffer, byteOffset } = carved.bytes;
    const at0 = byteOffset + carved.offset;
    // plain Uint8Array views (not Buffers, whose slice() does not copy)
    if (length > 0) out.push(new Uint8Array(buffer, at0, length));
    out.push(new Uint8Array(buffer, at0 + length, TAG_LENGTH));
    return out;
  }

  /** {@inheritDoc AeadKey.open} */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array | null {
    if (nonce.length !== 12 || tag.length !== TAG_LENGTH) return null;
    const length = ciphertext.length;
    const m = this.load(nonce, aad, length);
    const data = dataOffset(aad.length);
    m.set(ciphertext, data);
    m.set(tag, TAG_IN);
    if (this.kernel.open(aad.length, length) !== 1) return null;
    copyOut(m, data, length);
    return new Uint8Array(carved.bytes.buffer, carved.bytes.byteOffset + carved.offset, length);
  }
}
