/**
 * Reproducible DTLS on the simulator (docs/guides/simulator.md,
 * "Determinism"): every byte of a handshake follows from the stack's random
 * source — client and server random (RFC 5246 §7.4.1.2), ECDHE keys
 * (RFC 8422 §5.10), the cookie secret (RFC 6347 §4.2.1), and the ECDSA
 * signatures of the ServerKeyExchange (RFC 8422 §5.4) and CertificateVerify
 * (RFC 5246 §7.4.8), whose nonce is RFC 6979 hedged with 32 bytes of that
 * source (RFC 6979 §3.6). Session ids are empty, explicit nonces are
 * epoch ‖ sequence number (RFC 5288 §3). So the same seed and configuration
 * give the same capture byte for byte with every crypto provider, a
 * different seed a different one, and a crypto-random source a fresh one.
 */
import { describe, it, expect } from 'vitest';
import { createStack } from '../../../../core/composition/stack.js';
import type { StackConfig } from '../../../../core/composition/config.js';
import type { Connection } from '../../../../core/connection/connection.js';
import { CryptoRandom } from '../../../../core/random/random.js';
import { SimNetwork } from '../../../../core/sim/index.js';
import { PcapWriter } from '../../../../core/trace/pcap.js';
import { MemorySink } from '../../../../core/trace/tracer.js';
import dtlsPlugin from '../../../../plugins/security/dtls/index.js';
import type { DtlsOptionsInput } from '../../../../plugins/security/dtls/options.js';
import type { CipherSuiteName } from '../../../../plugins/security/dtls/suites.js';
import { PSK, pki } from './fixtures.js';

type Provider = 'node' | 'wasm' | 'noble';
const PROVIDERS: readonly Provider[] = ['node', 'wasm', 'noble'];

/** The key exchanges, each with the signatures it makes. */
const CASES: readonly { readonly name: string; readonly suite: CipherSuiteName; readonly clientCertificate?: boolean }[] = [
  { name: 'ECDHE-ECDSA P-256, client certificate required (ServerKeyExchange and CertificateVerify signed)', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', clientCertificate: true },
  { name: 'ECDHE-ECDSA P-256 with ChaCha20-Poly1305 (ServerKeyExchange signed)', suite: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256' },
  { name: 'ECDHE-PSK (no signature)', suite: 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256' },
  { name: 'PSK (no signature, no ECDHE)', suite: 'TLS_PSK_WITH_AES_128_GCM_SHA256' },
];

function options(suite: CipherSuiteName, crypto: Provider, clientCertificate: boolean): { client: DtlsOptionsInput; server: DtlsOptionsInput } {
  const common = { cipherSuites: [suite], crypto, handshakeTimeout: 120_000 };
  if (!suite.includes('ECDSA')) return { client: { ...common, psk: PSK }, server: { ...common, psk: PSK } };
  const p = pki();
  const client: DtlsOptionsInput = { ...common, ca: p.ca.certificate, serverName: 'localhost' };
  const server: DtlsOptionsInput = { ...common, certificate: p.server.certificate, privateKey: p.server.privateKey };
  if (!clientCertificate) return { client, server };
  return {
    client: { ...client, certificate: p.client.certificate, privateKey: p.client.privateKey },
    server: { ...server, ca: p.ca.certificate, requestClientCertificate: 'require' },
  };
}

function config(o: DtlsOptionsInput): StackConfig {
  return { encapsulation: 'gue', security: { use: dtlsPlugin, options: o }, transport: 'datagram' };
}

/** What one run leaves behind. */
interface Run {
  /** The capture of both stacks (every datagram sent and received), libpcap bytes. */
  readonly pcap: Buffer;
  /** Both stacks' trace events, JSON. */
  readonly trace: string;
  /** Datagrams captured. */
  readonly packets: number;
  /** Handshakes reported by client and server (cipher suite names). */
  readonly handshakes: string[];
  /** Payloads the server received. */
  readonly received: string[];
}

/**
 * A handshake and ten datagrams each way over 5 % loss and 10–30 ms delay
 * (flights are lost and retransmitted, HelloVerifyRequest first), with one
 * capture and one trace for both stacks. `cryptoRandom` gives both stacks a
 * crypto-random source in place of the simulator's seeded ones.
 */
async function run(suite: CipherSuiteName, crypto: Provider, seed: number, extra: { clientCertificate?: boolean; cryptoRandom?: boolean } = {}): Promise<Run> {
  const o = options(suite, crypto, extra.clientCertificate === true);
  const net = new SimNetwork({ seed });
  const a = net.host('10.0.0.1');
  const b = net.host('10.0.0.2');
  net.link(a, b, { bandwidth: '10Mbit', delay: '10ms', jitter: '20ms', loss: { type: 'bernoulli', p: 0.05 } });
  const capture = new PcapWriter();
  const sink = new MemorySink();
  const random = extra.cryptoRandom === true ? () => ({ random: new CryptoRandom() }) : () => ({});
  const server = await createStack(config(o.server), { substrate: b, capture, trace: sink, ...random() });
  const client = await createStack(config(o.client), { substrate: a, capture, trace: sink, ...random() });
  const handshakes: string[] = [];
  const received: string[] = [];
  try {
    for (const s of [client, server]) s.on('handshake', (info) => handshakes.push(info.cipherSuite));
    const listener = await server.listen({ host: '10.0.0.2', port: 6080 });
    listener.on('connection', (c: Connection) => c.on('data', (d: Buffer) => received.push(d.toString())));
    const conn = await net.runUntil(client.connect({ host: '10.0.0.2', port: 6080 }));
    for (let i = 0; i < 10; i++) conn.write(`datagram ${i}`);
    await net.run({ for: '2s' });
  } finally {
    await net.runUntil(Promise.all([client.close(), server.close()]));
  }
  return { pcap: Buffer.from(capture.toBuffer()), trace: JSON.stringify(sink.events), packets: capture.packets, handshakes, received };
}

describe.each(PROVIDERS)('DTLS on the simulator is reproducible, crypto provider %s', (crypto) => {
  it.each(CASES)('$name: the same seed gives the same capture and trace byte for byte; another seed another capture', async ({ suite, clientCertificate }) => {
    const first = await run(suite, crypto, 1, { clientCertificate });
    const again = await run(suite, crypto, 1, { clientCertificate });
    const other = await run(suite, crypto, 2, { clientCertificate });
    // Both handshakes completed: the client verified the server's signature, the server the client's.
    expect(first.handshakes).toEqual([suite, suite]);
    expect(first.received.length).toBeGreaterThan(0);
    expect(first.packets).toBeGreaterThan(8);
    expect(again.pcap.equals(first.pcap)).toBe(true);
    expect(again.trace).toBe(first.trace);
    expect(other.handshakes).toEqual([suite, suite]);
    expect(other.pcap.equals(first.pcap)).toBe(false);
  });
});

describe('DTLS on the simulator, across providers and random sources', () => {
  it.each(CASES)('$name: node, wasm and noble produce the same capture (same primitives, same bytes)', async ({ suite, clientCertificate }) => {
    const [node, wasm, noble] = await Promise.all(PROVIDERS.map((c) => run(suite, c, 3, { clientCertificate })));
    expect(wasm.pcap.equals(node.pcap)).toBe(true);
    expect(noble.pcap.equals(node.pcap)).toBe(true);
  });

  it('with a crypto-random source (as on real UDP) the same seed gives a different handshake each run', async () => {
    const suite = 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256';
    const a = await run(suite, 'node', 1, { clientCertificate: true, cryptoRandom: true });
    const b = await run(suite, 'node', 1, { clientCertificate: true, cryptoRandom: true });
    expect(a.handshakes).toEqual([suite, suite]);
    expect(b.handshakes).toEqual([suite, suite]);
    expect(a.pcap.equals(b.pcap)).toBe(false);
  });
});
