/**
 * The transport rule checks of `toukit/testing` catch what they are for:
 * each runs against a deliberately broken variant of a third-party
 * go-back-N transport (fixtures/gbn.ts, from a plugin author's review) and
 * must fail with a message naming the rule, while the unbroken transport
 * passes them all. (The built-in transports run the same checks through
 * `describeTransportCompliance` in their own compliance test files.)
 */
import { describe, expect, it } from 'vitest';
import type { StackConfig } from '../../../core/composition/config.js';
import { checkBadInputToEstablishedSession, checkCongestionWindowRespected, checkDatagramSizes } from '../../../core/testing/transport-rules.js';
import { checkDeterminism, checkTimersPerWrite, checkTimersReleased } from '../../../core/testing/transport-lifecycle.js';
import { checkBulkTransfer } from '../../../core/testing/stream-checks.js';
import { ComplianceViolation } from '../../../core/testing/scenario.js';
import seqDatagram from '../../../examples/seq-datagram/index.js';
import { makeGbnPlugin, type GbnBreakage } from './fixtures/gbn.js';
import { aimdPlugin } from './fixtures/aimd.js';

const gbn = (brk: GbnBreakage = {}): StackConfig => ({ transport: makeGbnPlugin(brk), congestion: aimdPlugin });

const checks = {
  checkDatagramSizes,
  checkDeterminism,
  checkTimersPerWrite,
  checkTimersReleased,
  checkCongestionWindowRespected,
  checkBadInputToEstablishedSession,
};

describe('transport rule checks', () => {
  it.each(Object.entries(checks))('the unbroken gbn transport passes %s', async (_, check) => {
    await expect(check(gbn())).resolves.toBeUndefined();
  });

  const cases: [flag: keyof GbnBreakage, check: keyof typeof checks, message: RegExp][] = [
    ['oversize', 'checkDatagramSizes', /client session sent a 1096-byte transport datagram .* ctx\.maxDatagramSize is 996 .*"Sizes"/],
    ['wallClock', 'checkDeterminism', /two runs of the same seeded scenario differ at trace entry 1 .*timer#0\.arm.*never performance\.now\(\), Date\.now\(\)/s],
    ['mathRandom', 'checkDeterminism', /two runs of the same seeded scenario differ at trace entry 0 .*Math\.random\(\)/s],
    ['timerPerWrite', 'checkTimersPerWrite', /the stacks created 300 timers during 300 small writes .*createTimer\(callback\)/],
    ['timerPerWrite', 'checkTimersReleased', /after a graceful close, the client session \(closed at [\d.]+ ms\) still has 1 of its 2 timers armed .*deadline 3600/],
    ['leakTimers', 'checkTimersReleased', /after destroy\(\) with data in flight, the client session .* still has 1 of its 1 timers armed/],
    ['ignoreCwnd', 'checkCongestionWindowRespected', /sent new data .* although the congestion controller's canSend\(\d+\) was false \(fixed window 5000 bytes/],
    ['noPacketSent', 'checkCongestionWindowRespected', /sent \d+ data-sized datagrams .* but reported only 0 packets to the controller's onPacketSent/],
    ['throwOnBad', 'checkBadInputToEstablishedSession', /established server session's handleDatagram threw Error: gbn: unknown type \d+ on a malformed \d+-byte datagram .*Bad input never throws/],
  ];
  it.each(cases)('gbn breaking %s fails %s', async (flag, check, message) => {
    const run = checks[check](gbn({ [flag]: true }));
    await expect(run).rejects.toThrow(ComplianceViolation);
    await expect(run).rejects.toThrow(message);
  });

  it('a transport declaring congestion-controlled without creating a controller fails', async () => {
    const liar = { ...seqDatagram, capabilities: [...seqDatagram.capabilities, 'congestion-controlled' as const] };
    await expect(checkCongestionWindowRespected({ transport: liar })).rejects.toThrow(/declares congestion-controlled, but the client session sent \d+ datagrams without ever calling ctx\.createCongestionController/);
  });

  it('the congestion-window check does not apply to a transport without congestion control', async () => {
    await expect(checkCongestionWindowRespected({ transport: 'datagram' })).resolves.toBe('the transport does not declare the capability congestion-controlled');
  });

  it('a transport without checksum fed malformed input passes when it drops it (gbn keeps working)', async () => {
    await expect(checkBadInputToEstablishedSession(gbn(), { seed: 5 })).resolves.toBeUndefined();
  });
});

describe('transfer failures name what was delivered', () => {
  it('a stalled transfer reports bytes delivered of bytes expected and both sessions statistics', async () => {
    const run = checkBulkTransfer(() => gbn({ noWritable: true }), { bandwidth: '50Mbit', delay: '5ms' });
    await expect(run).rejects.toThrow(ComplianceViolation);
    await expect(run).rejects.toThrow(/did not complete: nothing was left to do .*\nserver received \d+ of 1048576 bytes \(end not received\)\nclient connection: \{.*"transport":\{"sent":\d+.*\nserver connection: \{/s);
  });

  it('extra bytes are reported as such, not as "expected X to be Y"', async () => {
    const run = checkBulkTransfer(() => gbn({ deliverOutOfOrder: true }), { bandwidth: '50Mbit', delay: '5ms', loss: 0.05 }, { transferSize: 200_000 });
    await expect(run).rejects.toThrow(/the server received \d+ bytes, but the client sent 200000: .*duplicated or out-of-order data was delivered/);
  });
});
