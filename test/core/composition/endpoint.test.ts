/**
 * The per-peer connection table: the one-entry cache in front of it (the
 * receive path's lookup) always answers what the table holds.
 */
import { describe, expect, it } from 'vitest';
import { Peer, type Endpoint } from '../../../core/composition/endpoint.js';
import type { Connection } from '../../../core/connection/connection.js';

function peer(): Peer {
  return new Peer({} as Endpoint, { address: '127.0.0.1', family: 'IPv4', port: 5000 });
}

/** A stand-in connection (the table only compares identities). */
function conn(name: string): Connection {
  return { name } as unknown as Connection;
}

describe('Peer connection table', () => {
  it('finds a connection by demux key, and nothing under other keys', () => {
    const p = peer();
    const a = conn('a');
    p.addSession(7, a);
    expect(p.session(7)).toBe(a);
    expect(p.session(7)).toBe(a);
    expect(p.session(8)).toBeUndefined();
    expect(p.sessions.size).toBe(1);
  });

  it('answers the new connection after a key is registered again', () => {
    const p = peer();
    const a = conn('a');
    const b = conn('b');
    p.addSession(7, a);
    expect(p.session(7)).toBe(a);
    p.addSession(7, b);
    expect(p.session(7)).toBe(b);
  });

  it('forgets a removed connection, also right after it was looked up', () => {
    const p = peer();
    const a = conn('a');
    p.addSession(0, a);
    expect(p.session(0)).toBe(a);
    p.removeSession(0, a);
    expect(p.session(0)).toBeUndefined();
    expect(p.sessions.size).toBe(0);
  });

  it('does not remove a connection that replaced the one being removed', () => {
    const p = peer();
    const a = conn('a');
    const b = conn('b');
    p.addSession(3, a);
    p.addSession(3, b);
    p.removeSession(3, a);
    expect(p.session(3)).toBe(b);
  });

  it('keeps several connections apart while lookups alternate between them', () => {
    const p = peer();
    const cs = [conn('x'), conn('y'), conn('z')];
    cs.forEach((c, i) => p.addSession(100 + i, c));
    for (let round = 0; round < 3; round++) {
      for (let i = 2; i >= 0; i--) expect(p.session(100 + i)).toBe(cs[i]);
    }
    p.removeSession(101, cs[1]);
    expect(p.session(100)).toBe(cs[0]);
    expect(p.session(101)).toBeUndefined();
    expect(p.session(102)).toBe(cs[2]);
  });
});
