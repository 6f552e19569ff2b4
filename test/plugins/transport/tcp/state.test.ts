import { describe, it, expect } from 'vitest';
import { StateError } from '../../../../core/errors.js';
import { TcpResetError } from '../../../../plugins/transport/tcp/session.js';
import { makePair, randomBytes, sha256hex } from './harness.js';

const enc = (t: string) => new TextEncoder().encode(t);

describe('tcp state machine (RFC 9293 §3.3.2, §3.6)', () => {
  it('half-closes: the client ends, the server keeps sending, then ends', () => {
    const p = makePair();
    p.c.start();
    p.vt.advance(100);
    p.c.write(enc('request'));
    p.c.end();
    p.vt.advance(100);
    expect(p.server.text()).toBe('request');
    expect(p.server.remoteEndedAt).toBeGreaterThan(0);
    expect(p.c.state).toBe('FIN-WAIT-2');
    expect(p.s.state).toBe('CLOSE-WAIT');
    p.s.write(enc('response part 1;'));
    p.vt.advance(100);
    p.s.write(enc('part 2'));
    p.s.end();
    expect(p.s.state).toBe('LAST-ACK');
    p.vt.advance(100);
    expect(p.client.text()).toBe('response part 1;part 2');
    expect(p.client.remoteEndedAt).toBeGreaterThan(0);
    expect(p.c.state).toBe('TIME-WAIT');
    expect(p.s.state).toBe('CLOSED');
    expect(p.client.closeError).toBeUndefined();
    expect(p.server.closeError).toBeUndefined();
    expect(() => p.c.write(enc('late'))).toThrow(StateError);
  });

  it('half-closes the other way round (server ends first)', () => {
    const p = makePair();
    p.c.start();
    p.vt.advance(100);
    p.s.write(enc('banner'));
    p.s.end();
    p.vt.advance(100);
    expect(p.client.text()).toBe('banner');
    expect(p.s.state).toBe('FIN-WAIT-2');
    expect(p.c.state).toBe('CLOSE-WAIT');
    const big = randomBytes(300_000);
    p.client.keepChunks = false;
    p.server.keepChunks = false;
    p.c.write(big);
    p.c.end();
    p.vt.advance(5000);
    expect(p.server.digest()).toBe(sha256hex(big));
    expect(p.s.state).toBe('TIME-WAIT');
    expect(p.c.state).toBe('CLOSED');
  });

  it('handles a simultaneous open (SYN-SENT → SYN-RECEIVED → ESTABLISHED on both sides)', () => {
    const p = makePair({ simultaneous: true });
    p.c.start();
    p.s.start();
    p.vt.advance(100);
    expect(p.c.state).toBe('ESTABLISHED');
    expect(p.s.state).toBe('ESTABLISHED');
    p.c.write(enc('ping'));
    p.s.write(enc('pong'));
    p.vt.advance(100);
    expect(p.server.text()).toBe('ping');
    expect(p.client.text()).toBe('pong');
  });

  it('handles a simultaneous close (both through CLOSING to TIME-WAIT)', () => {
    const p = makePair();
    p.c.start();
    p.vt.advance(100);
    p.c.end();
    p.s.end();
    p.vt.advance(100);
    expect(p.c.state).toBe('TIME-WAIT');
    expect(p.s.state).toBe('TIME-WAIT');
    expect(p.client.remoteEndedAt).toBeGreaterThan(0);
    expect(p.server.remoteEndedAt).toBeGreaterThan(0);
  });

  it('abort() sends RST: the peer closes with ERR_TCP_CONNECTION_RESET', () => {
    const p = makePair();
    p.c.start();
    p.vt.advance(100);
    p.c.write(enc('x'));
    p.c.abort();
    p.vt.advance(100);
    expect(p.server.closeError).toBeInstanceOf(TcpResetError);
    expect((p.server.closeError as TcpResetError).code).toBe('ERR_TCP_CONNECTION_RESET');
    expect(p.c.state).toBe('CLOSED');
    expect(p.client.closeError).toBeUndefined();
  });

  it('dispose() stops every timer without sending', () => {
    const p = makePair();
    p.c.start();
    p.vt.advance(100);
    p.c.write(randomBytes(100_000));
    const before = p.wire.log.length;
    p.c.dispose();
    p.s.dispose();
    p.vt.advance(100_000);
    expect(p.vt.heap.size).toBe(0);
    expect(p.wire.log.length).toBeLessThanOrEqual(before + 0);
  });
});

