/**
 * Messages received before the peer's SHUTDOWN that the application has
 * not read yet (RFC 9260 §9.2: every message the peer sent, and we
 * acknowledged, reaches the application before the end). The SHUTDOWN
 * exchange on the wire completes at once; only the local delivery, and
 * `remoteEnded()` / `closed()` after it, wait for the reader. Harness
 * level: `deliver()` returns false as a full Readable would, and each
 * `resume()` then hands over one message.
 */
import { describe, it, expect } from 'vitest';
import { SctpPair, chunksOf, type LinkScript } from './harness.js';
import { ChunkType } from '../../../../plugins/transport/sctp/chunk-types.js';
import { SctpAbortedError } from '../../../../plugins/transport/sctp/errors.js';

const COUNT = 100;

/** Record the order of the client's deliveries and end signals. */
function recordOrder(pair: SctpPair): string[] {
  const order: string[] = [];
  const ctx = pair.client.ctx as { deliver: (d: Uint8Array, i: unknown) => boolean; remoteEnded: () => void; closed: (e?: Error) => void };
  const { deliver, remoteEnded, closed } = ctx;
  ctx.deliver = (d, i) => (order.push(`m${d[0]}`), deliver(d, i));
  ctx.remoteEnded = () => (order.push('end'), remoteEnded());
  ctx.closed = (e) => (order.push('closed'), closed(e));
  return order;
}

/**
 * A client whose application reads one message and stops; the server
 * sends {@link COUNT} messages on streams 0–2 and ends (`clientEndsFirst`:
 * the client ended before, so the SHUTDOWN ACK path closes it).
 */
function unreadAtShutdown(clientEndsFirst: boolean, script?: LinkScript): { pair: SctpPair; order: string[] } {
  const pair = new SctpPair({ client: { heartbeatInterval: 0 }, server: { heartbeatInterval: 0 }, script }).connect();
  const order = recordOrder(pair);
  pair.clientLog.accept = false;
  if (clientEndsFirst) pair.client.end();
  for (let i = 0; i < COUNT; i++) pair.server!.sendMessage!(new Uint8Array(1000).fill(i), { stream: i % 3 });
  pair.server!.end();
  pair.time.run(pair.time.now() + 10_000);
  return { pair, order };
}

const expected = Array.from({ length: COUNT }, (_, i) => `m${i}`);

describe('messages not read when the peer shuts down (RFC 9260 §9.2)', () => {
  for (const clientEndsFirst of [false, true]) {
    const path = clientEndsFirst ? 'SHUTDOWN ACK (we ended first)' : 'SHUTDOWN (the peer ends)';
    it(`${path}: the wire closes at once, every message reaches the reader in order, then remoteEnded, then closed`, () => {
      const { pair, order } = unreadAtShutdown(clientEndsFirst);
      // The exchange completed on the wire without waiting for the application.
      expect(pair.serverLog.closed).toBe(1);
      expect(pair.serverLog.closeError).toBeUndefined();
      expect(pair.client.stats().state).toBe('CLOSED');
      expect(pair.serverLog.closedAt - pair.serverLog.openedAt).toBeLessThan(1000);
      // The application took one message; the end waits for the rest.
      expect(pair.clientLog.messages.length).toBe(1);
      expect([pair.clientLog.remoteEnded, pair.clientLog.closed]).toEqual([0, 0]);
      for (let i = 1; i < COUNT; i++) {
        pair.client.resume();
        expect(pair.clientLog.messages.length).toBe(i + 1);
        if (i < COUNT - 1) expect([pair.clientLog.remoteEnded, pair.clientLog.closed]).toEqual([0, 0]);
      }
      expect([pair.clientLog.remoteEnded, pair.clientLog.closed]).toEqual([1, 1]);
      expect(pair.clientLog.closeError).toBeUndefined();
      expect(order).toEqual([...expected, 'end', 'closed']);
      expect(pair.clientLog.messages.map((m) => m.info.stream)).toEqual(expected.map((_, i) => i % 3));
      // Nothing is sent after CLOSED, however the application reads.
      const sent = pair.wire.c2s.length;
      pair.client.resume();
      pair.time.run(pair.time.now() + 10_000);
      expect(pair.wire.c2s.length).toBe(sent);
      expect([pair.clientLog.remoteEnded, pair.clientLog.closed]).toEqual([1, 1]);
    });
  }

  it('delivers everything at once when the application reads again with room for it', () => {
    const { pair, order } = unreadAtShutdown(false);
    pair.clientLog.accept = true;
    pair.client.resume();
    expect(order).toEqual([...expected, 'end', 'closed']);
  });

  it('remoteEnded waits for the reader while the association is still up (SHUTDOWN-RECEIVED)', () => {
    // The client's own message is lost once: when the SHUTDOWN arrives it still has data outstanding.
    let armed = false;
    let dropped = 0;
    const pair = new SctpPair({
      client: { heartbeatInterval: 0 },
      script: (dir, _i, p) => (armed && dir === 'c2s' && chunksOf(p).some((c) => c.type === ChunkType.DATA) && dropped++ === 0 ? 'drop' : 'pass'),
    }).connect();
    armed = true;
    pair.clientLog.accept = false;
    pair.client.sendMessage!(Uint8Array.of(0xee), { stream: 0 });
    for (let i = 0; i < 10; i++) pair.server!.sendMessage!(new Uint8Array(500).fill(i), { stream: 0 });
    pair.server!.end();
    pair.time.run(pair.time.now() + 200);
    expect(dropped).toBe(1);
    expect(pair.client.state).toBe('SHUTDOWN-RECEIVED');
    expect(pair.clientLog.remoteEnded).toBe(0);
    for (let i = 1; i < 10; i++) pair.client.resume();
    expect(pair.clientLog.messages.length).toBe(10);
    expect(pair.clientLog.remoteEnded).toBe(1);
    expect(pair.client.state).toBe('SHUTDOWN-RECEIVED');
    pair.time.run(pair.time.now() + 10_000);
    expect(pair.serverLog.messages.map((m) => m.data[0])).toEqual([0xee]);
    expect([pair.clientLog.closed, pair.serverLog.closed]).toEqual([1, 1]);
    expect([pair.clientLog.closeError, pair.serverLog.closeError]).toEqual([undefined, undefined]);
  });

  it('a lost SHUTDOWN COMPLETE: the closed side still answers the retransmitted SHUTDOWN ACK while its application has not read (§8.4 rule 5)', () => {
    let dropped = 0;
    const { pair } = unreadAtShutdown(true, (dir, _i, p) => (dir === 'c2s' && chunksOf(p)[0]?.type === ChunkType.SHUTDOWN_COMPLETE && dropped++ === 0 ? 'drop' : 'pass'));
    expect(dropped).toBe(2);
    expect(pair.serverLog.closed).toBe(1);
    expect(pair.serverLog.closeError).toBeUndefined();
    const last = pair.wire.c2s[pair.wire.c2s.length - 1];
    expect(chunksOf(last)[0]).toMatchObject({ type: ChunkType.SHUTDOWN_COMPLETE, flags: 1 });
    expect([pair.clientLog.messages.length, pair.clientLog.closed]).toEqual([1, 0]);
  });

  it('abort() of an association that closed with unread messages drops them and reports the close once, sending nothing', () => {
    const { pair, order } = unreadAtShutdown(false);
    const sent = pair.wire.c2s.length;
    pair.client.abort();
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.clientLog.closeError).toBeUndefined();
    expect(pair.wire.c2s.length).toBe(sent);
    pair.clientLog.accept = true;
    pair.client.resume();
    pair.client.abort();
    expect(order).toEqual(['m0', 'closed']);
  });

  it('dispose() (stack teardown) of such an association delivers nothing more', () => {
    const { pair, order } = unreadAtShutdown(false);
    pair.client.dispose();
    pair.clientLog.accept = true;
    pair.client.resume();
    expect(order).toEqual(['m0']);
  });

  it('an ABORT from the peer still discards what the application has not read and closes with the error at once', () => {
    const pair = new SctpPair({ client: { heartbeatInterval: 0 } }).connect();
    const order = recordOrder(pair);
    pair.clientLog.accept = false;
    for (let i = 0; i < 10; i++) pair.server!.sendMessage!(new Uint8Array(500).fill(i), { stream: 0 });
    pair.time.run(pair.time.now() + 1000);
    pair.server!.abort();
    pair.time.run(pair.time.now() + 1000);
    expect(pair.clientLog.closed).toBe(1);
    expect(pair.clientLog.closeError).toBeInstanceOf(SctpAbortedError);
    pair.clientLog.accept = true;
    pair.client.resume();
    expect(order).toEqual(['m0', 'closed']);
  });
});
