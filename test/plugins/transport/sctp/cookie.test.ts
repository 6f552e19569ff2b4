import { describe, it, expect } from 'vitest';
import { COOKIE_SIZE, openCookie, sealCookie, type CookieState } from '../../../../plugins/transport/sctp/cookie.js';

const state: CookieState = {
  created: 1234.5,
  lifespan: 60000,
  localTag: 0xdeadbeef,
  peerTag: 0x01020304,
  localInitialTsn: 0xfffffff0,
  peerInitialTsn: 7,
  peerArwnd: 131072,
  outboundStreams: 10,
  inboundStreams: 65535,
  forwardTsn: true,
  iData: true,
  streamReset: true,
  zeroChecksum: true,
  peerPort: 5000,
  localPort: 7,
  localTieTag: 0,
  peerTieTag: 0,
};
const secret = new Uint8Array(32).fill(9);

describe('State Cookie (RFC 9260 §5.1.3, §5.1.5)', () => {
  it('round-trips every field under a valid MAC', () => {
    const c = sealCookie(state, secret, 'peer');
    expect(c.length).toBe(COOKIE_SIZE);
    expect(openCookie(c, secret, 'peer', 2000)).toEqual({ ok: true, state });
  });

  it('fails the MAC for any changed byte, another secret or another peer binding', () => {
    const c = sealCookie(state, secret, 'peer');
    for (let i = 0; i < c.length; i++) {
      const d = c.slice();
      d[i] ^= 0x80;
      if (i === 0) expect(() => openCookie(d, secret, 'peer', 2000)).toThrow(expect.objectContaining({ reason: 'sctp_bad_cookie' }));
      else expect(openCookie(d, secret, 'peer', 2000).ok).toBe(false);
    }
    expect(openCookie(c, new Uint8Array(32), 'peer', 2000).ok).toBe(false);
    expect(openCookie(c, secret, 'other', 2000).ok).toBe(false);
  });

  it('is stale after its lifespan, reporting by how much', () => {
    const c = sealCookie(state, secret, 'peer');
    expect(openCookie(c, secret, 'peer', 1234.5 + 60000).ok).toBe(true);
    const r = openCookie(c, secret, 'peer', 1234.5 + 60250);
    expect(r).toMatchObject({ ok: false, reason: 'stale', stalenessMs: 250, peerTag: 0x01020304 });
  });
});
