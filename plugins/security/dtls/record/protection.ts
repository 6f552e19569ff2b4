/**
 * AEAD record protection for one direction of one epoch (RFC 5246 §6.2.3.3,
 * RFC 5288 §3 for AES-GCM with an 8-byte explicit nonce = epoch ‖ seq,
 * RFC 7905 §2 for ChaCha20-Poly1305 with nonce = IV XOR epoch ‖ seq).
 * AAD = epoch(2) ‖ seq(6) ‖ type(1) ‖ version(2) ‖ plaintext length(2).
 *
 * @module
 */
import { totalLength } from '../../../../core/bytes.js';
import { RECORD_HEADER_LENGTH, writeRecordHeader } from './codec.js';
import type { AeadKey, CryptoProvider } from '../crypto/provider.js';
import type { CipherSuite } from '../suites.js';

const TAG = 16;

/** Seals or opens records of one epoch in one direction. */
export class RecordProtection {
  private readonly key: AeadKey;
  private readonly nonce = new Uint8Array(12);
  private readonly aad = new Uint8Array(13);
  private readonly explicit: number;

  /**
   * @param crypto - provider
   * @param suite - negotiated suite
   * @param key - write key
   * @param iv - write IV (GCM salt 4 B, ChaCha20 12 B)
   */
  constructor(
    crypto: CryptoProvider,
    readonly suite: CipherSuite,
    key: Uint8Array,
    private readonly iv: Uint8Array,
  ) {
    this.key = crypto.aead(suite.aead, key);
    this.explicit = suite.explicitNonceLength;
    if (this.explicit > 0) this.nonce.set(iv.subarray(0, 4), 0);
  }

  /** Bytes this protection adds to a record: header + explicit nonce + tag. */
  get overhead(): number {
    return this.suite.overhead;
  }

  private setNonceAndAad(type: number, version: number, epoch: number, seq: number, plainLength: number): void {
    const a = this.aad;
    const hi = Math.floor(seq / 0x100000000);
    const lo = seq >>> 0;
    a[0] = epoch >>> 8;
    a[1] = epoch;
    a[2] = hi >>> 8;
    a[3] = hi;
    a[4] = lo >>> 24;
    a[5] = lo >>> 16;
    a[6] = lo >>> 8;
    a[7] = lo;
    a[8] = type;
    a[9] = version >>> 8;
    a[10] = version;
    a[11] = plainLength >>> 8;
    a[12] = plainLength;
    const n = this.nonce;
    if (this.explicit > 0) {
      for (let i = 0; i < 8; i++) n[4 + i] = a[i];
    } else {
      const iv = this.iv;
      for (let i = 0; i < 4; i++) n[i] = iv[i];
      for (let i = 0; i < 8; i++) n[4 + i] = iv[4 + i] ^ a[i];
    }
  }

  /**
   * Protect `parts` (concatenated) as one record. Returns the parts to send:
   * header (with explicit nonce), ciphertext chunks, tag.
   */
  seal(type: number, version: number, epoch: number, seq: number, parts: readonly Uint8Array[]): Uint8Array[] {
    const plainLength = totalLength(parts);
    this.setNonceAndAad(type, version, epoch, seq, plainLength);
    const header = new Uint8Array(RECORD_HEADER_LENGTH + this.explicit);
    writeRecordHeader(header, 0, type, version, epoch, seq, this.explicit + plainLength + TAG);
    if (this.explicit > 0) for (let i = 0; i < 8; i++) header[RECORD_HEADER_LENGTH + i] = this.nonce[4 + i];
    return this.key.seal(this.nonce, this.aad, parts, [header]);
  }

  /** Authenticate and decrypt a fragment; `null` when it is too short or fails authentication. */
  open(type: number, version: number, epoch: number, seq: number, fragment: Uint8Array): Uint8Array | null {
    const plainLength = fragment.length - this.explicit - TAG;
    if (plainLength < 0) return null;
    this.setNonceAndAad(type, version, epoch, seq, plainLength);
    if (this.explicit > 0) for (let i = 0; i < 8; i++) this.nonce[4 + i] = fragment[i];
    return this.key.open(
      this.nonce,
      this.aad,
      fragment.subarray(this.explicit, this.explicit + plainLength),
      fragment.subarray(this.explicit + plainLength),
    );
  }
}
