/**
 * The client's checks of the ServerHello extensions: only extensions it
 * offered (RFC 5246 §7.4.1.4), each once, with valid contents (RFC 7627
 * §5.1, RFC 5746 §3.4, RFC 8422 §5.2). A man in the middle on the simulated
 * link rewrites the server's ServerHello; the client must abort with the
 * prescribed fatal alert before it sends anything else.
 */
import { describe, it, expect } from 'vitest';
import { SecurityPair } from '../../../../core/testing/security.js';
import { ExtensionType, HandshakeType } from '../../../../plugins/security/dtls/constants.js';
import { DtlsHandshakeError } from '../../../../plugins/security/dtls/errors.js';
import type { Extensions } from '../../../../plugins/security/dtls/handshake/extensions.js';
import { encodeServerHello, parseServerHello } from '../../../../plugins/security/dtls/handshake/messages.js';
import { checkServerHelloExtensions } from '../../../../plugins/security/dtls/handshake/server-hello-extensions.js';
import type { CipherSuiteName } from '../../../../plugins/security/dtls/suites.js';
import { PSK, dtls } from './fixtures.js';
import { extensionBlock, rewriteHandshake, sentHandshakes } from './rewrite.js';

const E = ExtensionType;
const ALPN = 16;
const PSK_SUITE: CipherSuiteName = 'TLS_PSK_WITH_AES_128_GCM_SHA256';
const ECDHE_PSK_SUITE: CipherSuiteName = 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256';

/** A ServerHello body with the server's fields and exactly these extensions (in order, duplicates allowed). */
function withExtensions(body: Uint8Array, entries: readonly (readonly [number, Uint8Array])[]): Uint8Array {
  const bare = encodeServerHello({ ...parseServerHello(body), extensions: new Map() });
  return new Uint8Array(Buffer.concat([bare, extensionBlock(entries)]));
}

/** Run a handshake whose ServerHello extensions are replaced by `entries`. */
async function run(suite: CipherSuiteName, entries: (server: Extensions) => (readonly [number, Uint8Array])[]): Promise<SecurityPair> {
  const options = { psk: PSK, cipherSuites: [suite] };
  const pair = new SecurityPair(dtls(options, 1), dtls(options, 2), {
    filter: (dir, d) => (dir === 'toClient' ? rewriteHandshake(d, HandshakeType.server_hello, (b) => withExtensions(b, entries(parseServerHello(b).extensions))) : d),
  });
  await pair.handshake(20_000);
  await pair.runUntil(() => pair.serverLog.failed !== undefined || pair.serverLog.established !== undefined);
  return pair;
}

/** The client aborted at the ServerHello with `code` and `alert`, sent nothing but ClientHellos, and the server got the alert. */
function abortedAtServerHello(pair: SecurityPair, code: string, alert: number): void {
  expect(pair.clientLog.failed).toMatchObject({ code, alert });
  expect(new Set(sentHandshakes(pair.clientLog).map((m) => m.msgType))).toEqual(new Set([HandshakeType.client_hello]));
  expect(pair.serverLog.failed).toMatchObject({ code: 'ERR_DTLS_ALERT', alert, remote: true });
}

const empty = new Uint8Array(0);
const serverExts = (s: Extensions): [number, Uint8Array][] => [...s];

describe('ServerHello extensions on the wire (RFC 5246 §7.4.1.4)', () => {
  it('an extension the client did not offer (ALPN): fatal unsupported_extension (110) before any client flight', async () => {
    const pair = await run(PSK_SUITE, (s) => [...serverExts(s), [ALPN, Uint8Array.of(0, 3, 2, 0x68, 0x32)]]);
    abortedAtServerHello(pair, 'ERR_DTLS_UNSUPPORTED_EXTENSION', 110);
  });

  it('ec_point_formats answered to a PSK-only client, which did not offer it: unsupported_extension (110)', async () => {
    const pair = await run(PSK_SUITE, (s) => [...serverExts(s), [E.ec_point_formats, Uint8Array.of(1, 0)]]);
    abortedAtServerHello(pair, 'ERR_DTLS_UNSUPPORTED_EXTENSION', 110);
  });

  it('the same extension twice ("MUST NOT be more than one extension of the same type"): illegal_parameter (47)', async () => {
    const pair = await run(PSK_SUITE, (s) => [...serverExts(s), [E.extended_master_secret, empty]]);
    abortedAtServerHello(pair, 'ERR_DTLS_BAD_SERVER_HELLO', 47);
  });

  it('a non-empty extended_master_secret (RFC 7627 §5.1: extension_data is empty): decode_error (50)', async () => {
    const pair = await run(PSK_SUITE, (s) => serverExts(s).map(([t, d]) => [t, t === E.extended_master_secret ? Uint8Array.of(1, 2, 3) : d]));
    abortedAtServerHello(pair, 'ERR_DTLS_BAD_SERVER_HELLO', 50);
  });

  it('a non-empty renegotiated_connection on the initial handshake (RFC 5746 §3.4): handshake_failure (40)', async () => {
    const pair = await run(PSK_SUITE, (s) => serverExts(s).map(([t, d]) => [t, t === E.renegotiation_info ? Uint8Array.of(2, 0xaa, 0xbb) : d]));
    abortedAtServerHello(pair, 'ERR_DTLS_RENEGOTIATION', 40);
  });

  it('ec_point_formats without uncompressed (RFC 8422 §5.2) to an ECDHE client: illegal_parameter (47)', async () => {
    const pair = await run(ECDHE_PSK_SUITE, (s) => [...serverExts(s).filter(([t]) => t !== E.ec_point_formats), [E.ec_point_formats, Uint8Array.of(1, 1)]]);
    abortedAtServerHello(pair, 'ERR_DTLS_BAD_SERVER_HELLO', 47);
  });

  it('an extension the client offered but a server must not send (signature_algorithms, RFC 5246 §7.4.1.4.1): illegal_parameter (47)', async () => {
    const pair = await run(ECDHE_PSK_SUITE, (s) => [...serverExts(s), [E.signature_algorithms, Uint8Array.of(0, 2, 4, 3)]]);
    abortedAtServerHello(pair, 'ERR_DTLS_BAD_SERVER_HELLO', 47);
  });

  it('a valid ServerHello, here with no extensions at all, is answered with the client flight', async () => {
    const pair = await run(PSK_SUITE, () => []);
    // No EMS in the ServerHello: legacy master secret (RFC 7627 §5.2). The rewritten ServerHello breaks
    // the transcript, so the server's Finished check fails later; the client did continue past the ServerHello.
    expect(sentHandshakes(pair.clientLog).map((m) => m.msgType)).toContain(HandshakeType.client_key_exchange);
  });

  it('an untouched handshake completes with every extension the server sends (PSK and ECDHE-PSK)', async () => {
    for (const suite of [PSK_SUITE, ECDHE_PSK_SUITE]) {
      const pair = await run(suite, serverExts);
      expect(pair.clientLog.failed).toBeUndefined();
      expect(pair.serverLog.established).toBeDefined();
    }
  });
});

describe('checkServerHelloExtensions', () => {
  const offeredPsk: Extensions = new Map([
    [E.extended_master_secret, empty],
    [E.renegotiation_info, Uint8Array.of(0)],
  ]);
  const offeredEcc: Extensions = new Map([
    ...offeredPsk,
    [E.supported_groups, Uint8Array.of(0, 4, 0, 29, 0, 23)],
    [E.ec_point_formats, Uint8Array.of(1, 0)],
    [E.signature_algorithms, Uint8Array.of(0, 2, 4, 3)],
  ]);
  const check = (offered: Extensions, got: [number, Uint8Array][]) => checkServerHelloExtensions(offered, new Map(got));
  const fails = (offered: Extensions, got: [number, Uint8Array][], code: string, alert: number) => {
    let err: unknown;
    try {
      check(offered, got);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DtlsHandshakeError);
    expect(err).toMatchObject({ code, alert });
  };

  it('reports the extended master secret when the server echoes the empty extension (RFC 7627 §5.2)', () => {
    expect(check(offeredPsk, [[E.extended_master_secret, empty]])).toEqual({ extendedMasterSecret: true });
    expect(check(offeredPsk, [])).toEqual({ extendedMasterSecret: false });
    expect(check(offeredPsk, [[E.renegotiation_info, Uint8Array.of(0)]])).toEqual({ extendedMasterSecret: false });
  });

  it('accepts ec_point_formats that include uncompressed, and tolerates an echoed supported_groups (ignored, as OpenSSL does)', () => {
    expect(check(offeredEcc, [[E.ec_point_formats, Uint8Array.of(3, 1, 2, 0)]])).toEqual({ extendedMasterSecret: false });
    expect(check(offeredEcc, [[E.supported_groups, Uint8Array.of(0, 2, 0, 29)]])).toEqual({ extendedMasterSecret: false });
  });

  it('rejects what was not offered (110), extensions a server must not send (47), bad contents (50, 47, 40)', () => {
    fails(offeredPsk, [[E.ec_point_formats, Uint8Array.of(1, 0)]], 'ERR_DTLS_UNSUPPORTED_EXTENSION', 110);
    fails(offeredPsk, [[0x1234, empty]], 'ERR_DTLS_UNSUPPORTED_EXTENSION', 110);
    fails(offeredEcc, [[E.signature_algorithms, Uint8Array.of(0, 2, 4, 3)]], 'ERR_DTLS_BAD_SERVER_HELLO', 47);
    fails(offeredPsk, [[E.extended_master_secret, Uint8Array.of(0)]], 'ERR_DTLS_BAD_SERVER_HELLO', 50);
    fails(offeredEcc, [[E.ec_point_formats, Uint8Array.of(2, 1, 2)]], 'ERR_DTLS_BAD_SERVER_HELLO', 47);
    fails(offeredEcc, [[E.ec_point_formats, Uint8Array.of(2, 0)]], 'ERR_DTLS_BAD_SERVER_HELLO', 50); // length byte says 2, one format follows
    fails(offeredEcc, [[E.ec_point_formats, Uint8Array.of(0)]], 'ERR_DTLS_BAD_SERVER_HELLO', 50); // ec_point_format_list<1..2^8-1>
    fails(offeredPsk, [[E.renegotiation_info, empty]], 'ERR_DTLS_RENEGOTIATION', 40);
    fails(offeredPsk, [[E.renegotiation_info, Uint8Array.of(1, 0)]], 'ERR_DTLS_RENEGOTIATION', 40);
  });
});
