/**
 * PEM decoding (RFC 7468) of certificates and EC private keys: PKCS#8
 * (`PRIVATE KEY`, RFC 5958) or SEC1 (`EC PRIVATE KEY`, RFC 5915), P-256 only.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { ConfigError } from '../../../../core/errors.js';
import { OID, derChildren, expectTag, oidHex, readDer } from './der.js';

/** Every PEM block labelled `label` in `text`, decoded to DER. */
export function pemBlocks(text: string, label: string): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(re)) out.push(new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
  return out;
}

/** Certificates (DER) from one PEM string or several. */
export function pemCertificates(pem: string | readonly string[]): Uint8Array[] {
  const texts = typeof pem === 'string' ? [pem] : pem;
  return texts.flatMap((t) => pemBlocks(t, 'CERTIFICATE'));
}

function sec1Scalar(der: Uint8Array): Uint8Array {
  const fields = derChildren(expectTag(readDer(der), 0x30, 'ECPrivateKey'));
  const d = expectTag(fields[1], 0x04, 'privateKey').content;
  for (const f of fields.slice(2)) {
    if (f.tag === 0xa0) {
      const curve = derChildren(f)[0];
      if (curve?.tag !== 0x06 || oidHex(curve) !== OID.prime256v1) throw new ConfigError('privateKey', ['privateKey: only P-256 keys are supported'], 'ERR_DTLS_BAD_KEY');
    }
  }
  if (d.length > 32) throw new ConfigError('privateKey', ['privateKey: bad P-256 private key length'], 'ERR_DTLS_BAD_KEY');
  const out = new Uint8Array(32);
  out.set(d, 32 - d.length);
  return out;
}

/** The 32-byte P-256 private scalar of a PEM private key (PKCS#8 or SEC1); throws a ConfigError otherwise. */
export function pemPrivateKey(pem: string): Uint8Array {
  try {
    const sec1 = pemBlocks(pem, 'EC PRIVATE KEY')[0];
    if (sec1 !== undefined) return sec1Scalar(sec1);
    const pkcs8 = pemBlocks(pem, 'PRIVATE KEY')[0];
    if (pkcs8 !== undefined) {
      const fields = derChildren(expectTag(readDer(pkcs8), 0x30, 'PrivateKeyInfo'));
      const alg = derChildren(expectTag(fields[1], 0x30, 'privateKeyAlgorithm'));
      if (oidHex(alg[0]) !== OID.ecPublicKey || alg[1] === undefined || oidHex(alg[1]) !== OID.prime256v1) {
        throw new ConfigError('privateKey', ['privateKey: only EC P-256 keys are supported'], 'ERR_DTLS_BAD_KEY');
      }
      return sec1Scalar(expectTag(fields[2], 0x04, 'privateKey').content);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError('privateKey', [`privateKey: ${(err as Error).message}`], 'ERR_DTLS_BAD_KEY');
  }
  throw new ConfigError('privateKey', ['privateKey: no PRIVATE KEY or EC PRIVATE KEY PEM block'], 'ERR_DTLS_BAD_KEY');
}

/** PEM-encode DER bytes under `label`. */
export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
