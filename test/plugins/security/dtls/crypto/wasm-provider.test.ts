/**
 * The `wasm` crypto provider: node:crypto for every primitive but
 * ChaCha20-Poly1305; selectable with `crypto: 'wasm'`; and on the wire the
 * same as node:crypto (a wasm client with a node server and the reverse,
 * records of every size up to a full 16 KiB record).
 */
import { createHash } from 'node:crypto';
import { createCipheriv } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cryptoProvider } from '../../../../../plugins/security/dtls/crypto/index.js';
import { nodeCrypto } from '../../../../../plugins/security/dtls/crypto/node.js';
import { WASM_MAX_RECORD, WasmProviderChaCha20Poly1305, wasmCrypto } from '../../../../../plugins/security/dtls/crypto/wasm.js';
import { WasmChaCha20Poly1305 } from '../../../../../plugins/security/dtls/crypto/wasm/aead.js';
import { dtlsOptionsSchema } from '../../../../../plugins/security/dtls/options.js';
import { SecurityPair } from '../../../../../core/testing/security.js';
import { SeededRandom } from '../../../../../core/random/random.js';
import { PSK, dtls, suiteOptions } from '../fixtures.js';

const sha = (parts: readonly Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe("the 'wasm' crypto provider", () => {
  it("is selected by name and composes the node provider: only chacha20-poly1305 differs", () => {
    expect(cryptoProvider('wasm')).toBe(wasmCrypto);
    expect(wasmCrypto.name).toBe('wasm');
    for (const f of ['sha256', 'sha256Stream', 'hmacSha256', 'ecdh', 'signingKey', 'ecdsaVerify', 'randomFill'] as const) {
      expect(wasmCrypto[f]).toBe(nodeCrypto[f]);
    }
    expect(wasmCrypto.aead('chacha20-poly1305', new Uint8Array(32))).toBeInstanceOf(WasmProviderChaCha20Poly1305);
    const gcm = wasmCrypto.aead('aes-128-gcm', new Uint8Array(16));
    expect(gcm).not.toBeInstanceOf(WasmChaCha20Poly1305);
    expect(gcm.constructor).toBe(nodeCrypto.aead('aes-128-gcm', new Uint8Array(16)).constructor);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it(`seals and opens records up to ${WASM_MAX_RECORD} bytes on the kernel and longer ones with node:crypto, the same bytes either way`, () => {
    const seal = vi.spyOn(WasmChaCha20Poly1305.prototype, 'seal');
    const open = vi.spyOn(WasmChaCha20Poly1305.prototype, 'open');
    const rnd = new SeededRandom(3);
    const k = new Uint8Array(32);
    rnd.fill(k);
    const key = wasmCrypto.aead('chacha20-poly1305', k);
    const nonce = new Uint8Array(12);
    const aad = new Uint8Array(13);
    let kernelCalls = 0;
    for (const length of [0, 1340, WASM_MAX_RECORD, WASM_MAX_RECORD + 1, 16_384]) {
      const plain = new Uint8Array(length);
      rnd.fill(plain);
      const out = key.seal(nonce, aad, [plain.subarray(0, 100), plain.subarray(100)]);
      const c = createCipheriv('chacha20-poly1305', k, nonce, { authTagLength: 16 });
      c.setAAD(aad, { plaintextLength: length });
      expect(Buffer.concat(out).toString('hex')).toBe(Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]).toString('hex'));
      const ct = new Uint8Array(Buffer.concat(out.slice(0, -1)));
      expect(Buffer.from(key.open(nonce, aad, ct, out[out.length - 1])!).equals(plain)).toBe(true);
      if (length <= WASM_MAX_RECORD) kernelCalls++;
      expect(seal).toHaveBeenCalledTimes(kernelCalls);
      expect(open).toHaveBeenCalledTimes(kernelCalls);
    }
  });

  it("the option accepts 'wasm'; the default stays 'node'", () => {
    expect(dtlsOptionsSchema.parse({ psk: PSK, crypto: 'wasm' }).crypto).toBe('wasm');
    expect(dtlsOptionsSchema.parse({ psk: PSK }).crypto).toBe('node');
    expect(dtlsOptionsSchema.safeParse({ psk: PSK, crypto: 'webassembly' }).success).toBe(false);
  });

  for (const suite of ['TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'] as const) {
    for (const [clientCrypto, serverCrypto] of [
      ['wasm', 'node'],
      ['node', 'wasm'],
      ['wasm', 'wasm'],
    ] as const) {
      it(`${suite}: ${clientCrypto} client with ${serverCrypto} server interoperate, records of 0..16 KiB each way`, async () => {
        const o = suiteOptions(suite);
        const pair = new SecurityPair(dtls({ ...o.client, crypto: clientCrypto }, 5), dtls({ ...o.server, crypto: serverCrypto }, 6), {
          maxDatagramSize: 17_000,
        });
        expect(await pair.handshake()).toBe(true);
        expect(pair.clientLog.established?.cipherSuite).toBe(suite);
        const rnd = new SeededRandom(9);
        const sizes = [1, 13, 64, 1340, 4096, 16_384];
        const messages = sizes.map((n) => {
          const b = new Uint8Array(n);
          rnd.fill(b);
          return b;
        });
        for (const m of messages) {
          pair.client.send([m.subarray(0, m.length >> 1), m.subarray(m.length >> 1)]);
          pair.server!.send([m]);
        }
        await pair.runUntil(() => pair.serverLog.delivered.length === sizes.length && pair.clientLog.delivered.length === sizes.length);
        expect(pair.serverLog.delivered.map((d) => d.length)).toEqual(sizes);
        expect(sha(pair.serverLog.delivered)).toBe(sha(messages));
        expect(sha(pair.clientLog.delivered)).toBe(sha(messages));
        expect(pair.clientLog.failed).toBeUndefined();
        expect(pair.serverLog.failed).toBeUndefined();
        expect(pair.clientLog.drops).toEqual({});
        expect(pair.serverLog.drops).toEqual({});
      });
    }
  }
});
