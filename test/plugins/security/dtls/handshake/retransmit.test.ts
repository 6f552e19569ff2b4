/**
 * The flight retransmission timer (RFC 6347 §4.2.4, §4.2.4.1): doubled on
 * each retransmission up to 60 s, and kept by the next flight until a flight
 * goes through without loss.
 */
import { describe, it, expect } from 'vitest';
import { SecurityPair, VirtualTime } from '../../../../../core/testing/security.js';
import { FlightSender, MAX_RETRANSMIT_TIMEOUT } from '../../../../../plugins/security/dtls/handshake/retransmit.js';
import type { FlightEntry } from '../../../../../plugins/security/dtls/handshake/flight.js';
import { PSK, dtls } from '../fixtures.js';

/** A flight whose only content is its name (the transmitter records it with the time). */
function flight(name: string): FlightEntry[] {
  return [{ type: 22, epoch: 0, payload: new TextEncoder().encode(name) }];
}

/** A FlightSender with a 1000 ms initial timer on virtual time, the log of its transmissions, and `runTo(t)`: run the timers up to time t. */
function sender(initialRto = 1000): { time: VirtualTime; flights: FlightSender; sent: string[]; runTo(t: number): void } {
  const time = new VirtualTime();
  const sent: string[] = [];
  const flights = new FlightSender(
    initialRto,
    time,
    time,
    (entries) => sent.push(`${new TextDecoder().decode(entries[0].payload)}@${time.now()}`),
    () => {},
  );
  const runTo = (t: number): void => {
    time.at(t, () => {}); // the clock ends at t
    while (time.step(t));
  };
  return { time, flights, sent, runTo };
}

describe('FlightSender: RFC 6347 §4.2.4.1 retains the backed-off timer until a transmission without loss', () => {
  it('a new flight after a retransmitted one starts with the backed-off timer, not the initial one', () => {
    const { flights, sent, runTo } = sender();
    flights.send(flight('A'), true, -1);
    runTo(3010); // A at 0, again at 1000 (timer → 2000) and 3000 (timer → 4000)
    flights.answered();
    flights.send(flight('B'), true, 0);
    runTo(8000);
    expect(sent).toEqual(['A@0', 'A@1000', 'A@3000', 'B@3010', 'B@7010']);
  });

  it('the flight after one that went through without loss starts from the initial value again', () => {
    const { flights, sent, runTo } = sender();
    flights.send(flight('A'), true, -1);
    runTo(3010); // timer at 4000
    flights.answered();
    flights.send(flight('B'), true, 0); // keeps 4000, answered before it expires: no loss
    runTo(3020);
    flights.answered();
    flights.send(flight('C'), true, 1);
    runTo(4100);
    expect(sent).toEqual(['A@0', 'A@1000', 'A@3000', 'B@3010', 'C@3020', 'C@4020']);
  });

  it('a kept timer goes on doubling from where it was', () => {
    const { flights, sent, runTo } = sender();
    flights.send(flight('A'), true, -1);
    runTo(1010); // timer at 2000
    flights.answered();
    flights.send(flight('B'), true, 0);
    runTo(20_000);
    expect(sent).toEqual(['A@0', 'A@1000', 'B@1010', 'B@3010', 'B@7010', 'B@15010']);
  });

  it('a retransmission the peer triggered (its own retransmission, §4.2.4) is a loss too: the next flight keeps the timer', () => {
    const { flights, sent, runTo } = sender();
    flights.send(flight('A'), true, -1);
    runTo(1010); // timer at 2000
    flights.answered();
    flights.send(flight('B'), true, 0);
    runTo(1500);
    flights.peerRetransmitted(0); // B was lost: the peer sent again the flight B answers
    flights.answered();
    flights.send(flight('C'), true, 1);
    runTo(5000);
    expect(sent).toEqual(['A@0', 'A@1000', 'B@1010', 'B@1500', 'C@1500', 'C@3500']);
  });

  it('keeps the 60 s cap (§4.2.4.1) across flights', () => {
    const { flights, sent, runTo } = sender();
    flights.send(flight('A'), true, -1);
    runTo(200_000); // 0, 1, 3, 7, 15, 31, 63, 123, 183 s: the timer reached 60 s
    expect(sent.slice(-3)).toEqual(['A@63000', 'A@123000', 'A@183000']);
    flights.answered();
    flights.send(flight('B'), true, 0);
    runTo(400_000);
    const times = sent.filter((s) => s.startsWith('B')).map((s) => Number(s.slice(2)));
    expect(times.slice(1).map((t, i) => t - times[i])).toEqual([MAX_RETRANSMIT_TIMEOUT, MAX_RETRANSMIT_TIMEOUT, MAX_RETRANSMIT_TIMEOUT]);
  });
});

describe('RFC 6347 §4.2.4.1 in a handshake: the backed-off timer carries over to the next flight', () => {
  /** The client's datagram times, dropping the copies whose (1-based) numbers are in `lost`. */
  function lossyPair(lost: readonly number[]): { pair: SecurityPair; clientTimes: number[] } {
    const clientTimes: number[] = [];
    const pair: SecurityPair = new SecurityPair(dtls({ psk: PSK }, 1), dtls({ psk: PSK }, 2), {
      filter: (dir, d) => {
        if (dir !== 'toServer') return d;
        clientTimes.push(pair.time.now());
        return lost.includes(clientTimes.length) ? null : d;
      },
    });
    return { pair, clientTimes };
  }

  it('first ClientHello lost twice (timer 4 s): the cookie-bearing ClientHello, lost once, is resent after 4 s, not 1 s', async () => {
    const { pair, clientTimes } = lossyPair([1, 2, 4]);
    pair.start();
    await pair.runUntil(() => pair.clientLog.established !== undefined, 60_000);
    // ClientHello at 0 and 1000 (lost), 3000; HelloVerifyRequest back at 3010; ClientHello with cookie at 3010 (lost), 7010.
    expect(clientTimes.slice(0, 5)).toEqual([0, 1000, 3000, 3010, 7010]);
    expect(pair.client.established).toBe(true);
  });

  it('after a flight that went through without loss, the next flight starts from retransmitTimeout again', async () => {
    // The ClientHello with cookie (4th datagram) passes with the kept 4 s timer; the client's key exchange flight (5th) is lost once.
    const { pair, clientTimes } = lossyPair([1, 2, 5]);
    pair.start();
    await pair.runUntil(() => pair.clientLog.established !== undefined, 60_000);
    expect(clientTimes.slice(0, 6)).toEqual([0, 1000, 3000, 3010, 3020, 4020]);
    expect(pair.client.established).toBe(true);
  });
});
