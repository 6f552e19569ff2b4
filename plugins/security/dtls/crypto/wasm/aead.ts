/**
 * ChaCha20-Poly1305 (RFC 8439 §2.8) as an {@link AeadKey} on the shared
 * WebAssembly kernel: per call, one copy of the key, nonce, AAD and input
 * into the kernel's memory, one synchronous kernel call, and one copy of
 * the result into a fresh buffer owned by the caller (a pooled
 * `Buffer.allocUnsafe` slice, returned as plain `Uint8Array` views). No cipher object per
 * record (node:crypto needs a `createCipheriv` per record, a fixed cost of
 * several microseconds).
 *
 * @module
 */
import type { AeadKey } from '../provider.js';
import { AAD, KEY, NONCE, TAG_IN, dataOffset, instantiateKernel, memoryNeeded } from './kernel.js';
import type { AeadKernel } from './kernel.js';

/** Tag length (RFC 8439 §2.8). */
const TAG_LENGTH = 16;

let kernel: AeadKernel | undefined | null = null;

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
    let length = 0;
    for (let i = 0; i < parts.length; i++) length += parts[i].length;
    const m = this.load(nonce, aad, length);
    const data = dataOffset(aad.length);
    let at = data;
    for (let i = 0; i < parts.length; i++) {
      m.set(parts[i], at);
      at += parts[i].length;
    }
    this.kernel.seal(aad.length, length);
    const sealed = Buffer.allocUnsafe(length + TAG_LENGTH);
    sealed.set(m.subarray(data, data + length + TAG_LENGTH));
    // plain Uint8Array views (not Buffers, whose slice() does not copy)
    if (length > 0) out.push(new Uint8Array(sealed.buffer, sealed.byteOffset, length));
    out.push(new Uint8Array(sealed.buffer, sealed.byteOffset + length, TAG_LENGTH));
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
    const plain = Buffer.allocUnsafe(length);
    plain.set(m.subarray(data, data + length));
    return new Uint8Array(plain.buffer, plain.byteOffset, length);
  }
}
