/**
 * Options of the `dtls` plugin (zod 4, strict) and their resolution into the
 * credentials a session uses.
 *
 * @module
 */
import { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';
import { formatGot } from '../../../core/composition/validation.js';
import { fromHex } from './bytes.js';
import { CIPHER_SUITE_NAMES } from './suites.js';
import type { CipherSuiteName } from './suites.js';
import { parseCertificate } from './x509/certificate.js';
import type { Certificate } from './x509/certificate.js';
import { pemCertificates, pemPrivateKey } from './x509/pem.js';

/** A PSK key: hex string or bytes. */
export type PskKey = string | Uint8Array;

/** Server-side PSK lookup: the key for `identity`, or undefined when unknown. */
export type PskLookup = (identity: string) => PskKey | undefined | Promise<PskKey | undefined>;

/** A client PSK: identity and key (RFC 4279). */
export interface DtlsPsk {
  /** PSK identity (RFC 4279), at most 65535 characters. */
  readonly identity: string;
  /** Pre-shared key: hex string or bytes. */
  readonly key: PskKey;
}

/** Parsed `dtls` options (output of {@link dtlsOptionsSchema}). */
export interface DtlsOptions {
  /** Pre-shared key: `{ identity, key }`, or (server) a lookup function identity → key. */
  readonly psk?: DtlsPsk | PskLookup;
  /** Own certificate chain, PEM (leaf first); requires {@link DtlsOptions.privateKey}. */
  readonly certificate?: string;
  /** Own ECDSA P-256 private key, PEM (PKCS#8 or SEC1); requires {@link DtlsOptions.certificate}. */
  readonly privateKey?: string;
  /** Trusted CA certificates, PEM (several in one string, or an array). */
  readonly ca?: string | readonly string[];
  /** Accepted SHA-256 fingerprint of the peer certificate (hex; colons and case ignored). */
  readonly fingerprint?: string;
  /** Name the server certificate must carry (client side). */
  readonly serverName?: string;
  /** Server: ask for a client certificate (`true`), or require one (`'require'`); default `false`. */
  readonly requestClientCertificate: boolean | 'require';
  /** IANA names of the enabled cipher suites, in preference order (at least one; default: all). */
  readonly cipherSuites: readonly CipherSuiteName[];
  /** Largest DTLS datagram in bytes, 128 to 65507 (default: the stack payload budget). */
  readonly mtu?: number;
  /**
   * Crypto provider: `'node'` (node:crypto, the default), `'noble'` (pure-JS
   * `@noble/*`), or `'wasm'` (node:crypto, with ChaCha20-Poly1305 records on
   * a WebAssembly kernel).
   */
  readonly crypto: 'node' | 'noble' | 'wasm';
  /** Initial flight retransmission timeout in ms (RFC 6347 §4.2.4.1; default 1000). */
  readonly retransmitTimeout: number;
  /** Overall handshake deadline in ms (default 30000). */
  readonly handshakeTimeout: number;
}

/** Options as written by the user (every field optional). */
export type DtlsOptionsInput = Partial<DtlsOptions>;

const hexKey = z
  .string()
  .regex(/^([0-9a-fA-F]{2})+$/, 'expected a hex string of whole bytes (an even, non-zero number of hex digits)')
  .describe('PSK as a hex string');
function pskObjectWith<K extends z.ZodType>(key: K) {
  return z.object({ identity: z.string().max(65535).describe('PSK identity (RFC 4279)'), key }).strict();
}
const pskObject = pskObjectWith(
  z.union([hexKey, z.instanceof(Uint8Array)], { error: 'expected a hex string or a Uint8Array' }).describe('pre-shared key, hex string or bytes'),
);
/** In a stack file the key can only be hex (a Uint8Array has no JSON form, and its JSON Schema would accept anything). */
const pskJsonObject = pskObjectWith(hexKey.describe('pre-shared key, hex string'));

/**
 * The options that give a stack credentials: without one of them it could
 * complete no handshake in either role (a client needs `psk`, or `ca` /
 * `fingerprint` to verify a server; a server needs `psk`, or `certificate`
 * with `privateKey`), and nothing supplies credentials later.
 */
export const DTLS_CREDENTIAL_OPTIONS = ['psk', 'certificate', 'privateKey', 'ca', 'fingerprint'] as const;

// The message of a `dtls` stack configured without credentials (after `security.options: `).
const NO_CREDENTIALS_MESSAGE =
  'expected credentials: psk, certificate with privateKey (own certificate), or ca or fingerprint (to verify the server certificate)';

interface CredentialFields {
  readonly psk?: unknown;
  readonly certificate?: unknown;
  readonly privateKey?: unknown;
  readonly ca?: unknown;
  readonly fingerprint?: unknown;
}

/** Config-time credential checks: at least one credential, and `certificate` with `privateKey`. */
function checkCredentials(o: CredentialFields, ctx: z.core.$RefinementCtx): void {
  if (DTLS_CREDENTIAL_OPTIONS.every((k) => o[k] === undefined)) {
    ctx.addIssue({ code: 'custom', path: [], message: NO_CREDENTIALS_MESSAGE });
  } else if (o.certificate !== undefined && o.privateKey === undefined) {
    ctx.addIssue({ code: 'custom', path: ['privateKey'], message: 'expected the PEM private key of certificate (certificate and privateKey go together)' });
  } else if (o.privateKey !== undefined && o.certificate === undefined) {
    ctx.addIssue({ code: 'custom', path: ['certificate'], message: 'expected the PEM certificate chain of privateKey (certificate and privateKey go together)' });
  }
}

const pemOrArray = z.union([z.string(), z.array(z.string())]);

function buildSchema<P extends z.ZodType>(pskField: P) {
  return z
    .object({
      psk: pskField.optional(),
      certificate: z.string().optional().describe('own certificate chain, PEM (leaf first)'),
      privateKey: z.string().optional().describe('own ECDSA P-256 private key, PEM (PKCS#8 or SEC1)'),
      ca: pemOrArray.optional().describe('trusted CA certificates, PEM (several in one string, or an array)'),
      fingerprint: z
        .string()
        .regex(/^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/, 'expected a SHA-256 fingerprint (32 bytes in hex, colons allowed)')
        .optional()
        .describe('accepted SHA-256 fingerprint of the peer certificate (hex; colons and case ignored)'),
      serverName: z.string().optional().describe('name the server certificate must carry (client side)'),
      requestClientCertificate: z
        .union([z.boolean(), z.literal('require')])
        .default(false)
        .describe("server: ask for a client certificate (true), or require one ('require')"),
      cipherSuites: z
        .array(z.enum(CIPHER_SUITE_NAMES))
        .min(1)
        .default([...CIPHER_SUITE_NAMES])
        .describe('IANA names of the enabled cipher suites, in preference order'),
      mtu: z.number().int().min(128).max(65507).optional().describe('largest DTLS datagram in bytes (default: the stack payload budget)'),
      crypto: z
        .enum(['node', 'noble', 'wasm'])
        .default('node')
        .describe('crypto provider: node:crypto, pure-JS @noble, or node:crypto with WebAssembly ChaCha20-Poly1305'),
      retransmitTimeout: z.number().positive().default(1000).describe('initial flight retransmission timeout in ms (RFC 6347 §4.2.4.1)'),
      handshakeTimeout: z.number().positive().default(30000).describe('overall handshake deadline in ms'),
    })
    .strict()
    .superRefine(checkCredentials);
}

/** The options schema (accepts a PSK lookup function in code). */
export const dtlsOptionsSchema: z.ZodType<DtlsOptions, DtlsOptionsInput> = buildSchema(
  z
    .union([pskObject, z.custom<PskLookup>((v) => typeof v === 'function', 'a PSK lookup function')], {
      error: 'expected { identity, key } or (server) a PSK lookup function',
    })
    .describe('pre-shared key: { identity, key }, or (server) a lookup function identity → key'),
);

/** JSON-only variant of the schema (the PSK as an object), used for the JSON Schema. */
export const dtlsJsonOptionsSchema = buildSchema(pskJsonObject.describe('pre-shared key: { identity, key (hex) }'));

/** Credentials resolved once per stack from {@link DtlsOptions}. */
export interface DtlsCredentials {
  /** Client PSK (identity and key) or server lookup. */
  readonly psk?: { readonly identity: string; readonly key: Uint8Array } | PskLookup;
  /** Own certificate chain (DER, leaf first). */
  readonly chain: readonly Uint8Array[];
  /** Own private scalar (P-256). */
  readonly privateKey?: Uint8Array;
  /** Trusted certificates. */
  readonly ca: readonly Certificate[];
  /** Peer fingerprint (lower-case hex). */
  readonly fingerprint?: string;
}

/** A PSK key as bytes. */
export function pskKeyBytes(key: PskKey): Uint8Array {
  return typeof key === 'string' ? fromHex(key) : key;
}

/** Config path of the plugin's options: the `dtls` plugin is always the security layer. */
const OPTIONS_PATH = 'security.options';

function badMaterial(key: string, expected: string, got: string, code?: string): ConfigError {
  return new ConfigError(`${OPTIONS_PATH}.${key}`, [`${OPTIONS_PATH}.${key}: expected ${expected}, got ${got}`], code);
}

/** The detail of an error, without the leading `<path>: ` the ConfigErrors of the PEM helpers carry. */
function detail(err: unknown): string {
  if (err instanceof ConfigError) return (err.issues[0] ?? err.message).replace(`${err.path}: `, '');
  return (err as Error).message;
}

/**
 * Resolve PEMs and keys; throws a ConfigError on bad material, naming the
 * option under `security.options` (e.g. `security.options.ca: expected …, got …`).
 * Options parsed by {@link dtlsOptionsSchema} always have credentials, and
 * `certificate` with `privateKey`.
 */
export function resolveCredentials(o: DtlsOptions): DtlsCredentials {
  if ((o.certificate === undefined) !== (o.privateKey === undefined)) {
    throw o.certificate === undefined
      ? badMaterial('certificate', 'the PEM certificate chain of privateKey (certificate and privateKey go together)', 'nothing')
      : badMaterial('privateKey', 'the PEM private key of certificate (certificate and privateKey go together)', 'nothing');
  }
  const chain = o.certificate !== undefined ? pemCertificates(o.certificate) : [];
  if (o.certificate !== undefined && chain.length === 0) {
    throw badMaterial('certificate', 'a certificate chain in PEM (a CERTIFICATE block, leaf first)', formatGot(o.certificate));
  }
  try {
    for (const d of chain) parseCertificate(d);
  } catch (err) {
    throw badMaterial('certificate', 'X.509 certificates in PEM', `one that does not parse (${detail(err)})`);
  }
  let ca: Certificate[] = [];
  try {
    ca = o.ca !== undefined ? pemCertificates(o.ca).map((d) => parseCertificate(d)) : [];
  } catch (err) {
    throw badMaterial('ca', 'X.509 certificates in PEM', `one that does not parse (${detail(err)})`);
  }
  let privateKey: Uint8Array | undefined;
  try {
    privateKey = o.privateKey !== undefined ? pemPrivateKey(o.privateKey) : undefined;
  } catch (err) {
    throw badMaterial('privateKey', 'an EC P-256 private key in PEM (PKCS#8 or SEC1)', `one that does not qualify (${detail(err)})`, err instanceof ConfigError ? err.code : 'ERR_DTLS_BAD_KEY');
  }
  const psk = o.psk === undefined ? undefined : typeof o.psk === 'function' ? o.psk : pskObjectBytes(o.psk);
  return {
    psk,
    chain,
    privateKey,
    ca,
    fingerprint: o.fingerprint?.replace(/:/g, '').toLowerCase(),
  };
}

function pskObjectBytes(p: DtlsPsk): { identity: string; key: Uint8Array } {
  return { identity: p.identity, key: pskKeyBytes(p.key) };
}

/** The enabled suites, in preference order. */
export function enabledSuites(o: DtlsOptions): readonly CipherSuiteName[] {
  return o.cipherSuites;
}
