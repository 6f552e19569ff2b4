/**
 * `serverName` as an IP address against subjectAltName iPAddress entries:
 * compared as octets (RFC 5280 §4.2.1.6: 4 for IPv4, 16 for IPv6; RFC 6125
 * §6.2.1), whatever text form the address is written in. An IPv4 address and
 * its IPv4-mapped IPv6 form (RFC 4291 §2.5.5.2) are the same address.
 */
import { describe, it, expect } from 'vitest';
import { nodeCrypto } from '../../../../../plugins/security/dtls/crypto/node.js';
import { toHex } from '../../../../../plugins/security/dtls/bytes.js';
import { DtlsCertificateError } from '../../../../../plugins/security/dtls/errors.js';
import { parseCertificate } from '../../../../../plugins/security/dtls/x509/certificate.js';
import { formatIpAddress, ipAddressOctets, sameIpAddress } from '../../../../../plugins/security/dtls/x509/ip.js';
import { pemCertificates } from '../../../../../plugins/security/dtls/x509/pem.js';
import { generateCertificate } from '../../../../../plugins/security/dtls/x509/selfsigned.js';
import { verifyPeerChain } from '../../../../../plugins/security/dtls/x509/verify.js';
import { pki } from '../fixtures.js';
import { V6 } from './openssl-fixtures.js';

const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : toHex(b));

describe('IP address text to octets', () => {
  it('parses IPv4 and every IPv6 text form (RFC 4291 §2.2) to the same octets', () => {
    expect(hex(ipAddressOctets('192.0.2.5'))).toBe('c0000205');
    const loopback = '00'.repeat(15) + '01';
    for (const t of ['::1', '0:0:0:0:0:0:0:1', '0000:0000:0000:0000:0000:0000:0000:0001', '::0:1', '[::1]']) expect(hex(ipAddressOctets(t))).toBe(loopback);
    expect(hex(ipAddressOctets('2001:DB8::A'))).toBe('20010db8' + '00'.repeat(11) + '0a');
    expect(hex(ipAddressOctets('2001:db8:0:0:1::'))).toBe('20010db8000000000001' + '00'.repeat(6));
    expect(hex(ipAddressOctets('::ffff:10.0.0.1'))).toBe('00'.repeat(10) + 'ffff0a000001');
    expect(hex(ipAddressOctets('fe80::1%eth0'))).toBe('fe80' + '00'.repeat(13) + '01'); // the zone is not part of the address
    expect(hex(ipAddressOctets('::'))).toBe('00'.repeat(16));
  });

  it('is undefined for anything that is not an IP address (DNS names, bad forms)', () => {
    for (const t of ['localhost', 'example.com', '1.2.3', '256.1.1.1', '01.2.3.4', '1::2::3', ':::1', '12345::', '[::1', 'g::1', '']) {
      expect(ipAddressOctets(t), t).toBeUndefined();
    }
  });

  it('formats octets in the RFC 5952 form', () => {
    const f = (t: string) => formatIpAddress(ipAddressOctets(t)!);
    expect(f('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(f('2001:0DB8:0:0:0:0:0:000A')).toBe('2001:db8::a');
    expect(f('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // first of two equal runs
    expect(f('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // a single 0 group is not shortened
    expect(f('::ffff:0a00:0001')).toBe('::ffff:10.0.0.1');
    expect(f('10.0.0.1')).toBe('10.0.0.1');
    expect(formatIpAddress(Uint8Array.of(1, 2, 3))).toBe('');
  });

  it('treats IPv4 and IPv4-mapped IPv6 as one address, nothing else', () => {
    const o = (t: string) => ipAddressOctets(t)!;
    expect(sameIpAddress(o('10.0.0.1'), o('::ffff:10.0.0.1'))).toBe(true);
    expect(sameIpAddress(o('::ffff:10.0.0.1'), o('10.0.0.1'))).toBe(true);
    expect(sameIpAddress(o('10.0.0.1'), o('::10.0.0.1'))).toBe(false); // IPv4-compatible (deprecated) is another address
    expect(sameIpAddress(o('10.0.0.1'), o('10.0.0.2'))).toBe(false);
    expect(sameIpAddress(o('::1'), o('0.0.0.1'))).toBe(false);
  });
});

describe('serverName against SAN iPAddress (OpenSSL-made certificate: ::1, 2001:db8::a, ::ffff:10.0.0.1, 192.0.2.5)', () => {
  const der = pemCertificates(V6)[0];
  const cert = parseCertificate(der);
  const now = cert.notBefore + 60_000;
  const fingerprint = toHex(nodeCrypto.sha256(der));
  const verify = (serverName: string) => verifyPeerChain(nodeCrypto, [der], { ca: [], fingerprint, serverName, now });

  it('keeps the SAN addresses as octets and in RFC 5952 text', () => {
    expect(cert.ipAddresses).toEqual(['::1', '2001:db8::a', '::ffff:10.0.0.1', '192.0.2.5']);
    expect(cert.ipAddressOctets.map((b) => b.length)).toEqual([16, 16, 16, 4]);
  });

  it.each(['::1', '0:0:0:0:0:0:0:1', '[::1]', '2001:DB8::A', '2001:db8:0:0:0:0:0:a', '10.0.0.1', '::ffff:10.0.0.1', '192.0.2.5', '::ffff:192.0.2.5', '::ffff:c000:205'])(
    'accepts %s',
    (name) => {
      expect(verify(name).commonName).toBe('v6host');
    },
  );

  it.each(['::2', '2001:db8::b', '10.0.0.2', '::10.0.0.1', '192.0.2.6'])('rejects %s with bad_certificate (42)', (name) => {
    expect(() => verify(name)).toThrowError(DtlsCertificateError);
    expect(() => verify(name)).toThrowError(expect.objectContaining({ alert: 42 }));
  });

  it('an IPv4 SAN of a generated certificate matches its mapped IPv6 form; generateCertificate takes IPv6 addresses too', () => {
    const { ca, server } = pki();
    const anchors = [parseCertificate(ca.der)];
    expect(verifyPeerChain(nodeCrypto, [server.der], { ca: anchors, serverName: '::ffff:127.0.0.1' }).commonName).toBe('localhost');
    const v6 = generateCertificate(nodeCrypto, { commonName: 'v6', ipAddresses: ['fd00::53', '198.51.100.1'] });
    expect(parseCertificate(v6.der).ipAddresses).toEqual(['fd00::53', '198.51.100.1']);
    expect(verifyPeerChain(nodeCrypto, [v6.der], { ca: [parseCertificate(v6.der)], serverName: 'FD00:0::53' }).commonName).toBe('v6');
    expect(() => generateCertificate(nodeCrypto, { commonName: 'bad', ipAddresses: ['not-an-ip'] })).toThrow();
  });
});
