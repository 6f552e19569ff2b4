import { describe, expect, it } from 'vitest';
import renoPlugin, { Reno, renoFactory, renoOptionsSchema } from '../../../../plugins/congestion/reno/index.js';
import { MemorySink, SinkTracer } from '../../../../core/trace/tracer.js';
import { AckClockDriver, mbps } from '../driver.js';
import { MSS, ack, lose, make } from '../fake.js';

const reno = renoFactory();

describe('reno plugin', () => {
  it('is the default export, named reno, in the congestion layer', () => {
    expect(renoPlugin.name).toBe('reno');
    expect(renoPlugin.layer).toBe('congestion');
  });

  it('validates its options: defaults, and rejects unknown keys', () => {
    expect(renoOptionsSchema.parse({})).toEqual({ abcLimit: 2, undo: true, hystart: false });
    expect(renoOptionsSchema.safeParse({ bogus: 1 }).success).toBe(false);
    expect(renoOptionsSchema.safeParse({ abcLimit: 0 }).success).toBe(false);
  });

  it('creates Reno controllers', async () => {
    const factory = await renoPlugin.create(renoOptionsSchema.parse({}), undefined as never);
    const { cc } = make(factory);
    expect(cc).toBeInstanceOf(Reno);
  });
});

describe('reno: initial window and slow start (RFC 5681 §3.1, RFC 3465)', () => {
  it('starts at the RFC 6928 initial window with ssthresh infinite, in slow start', () => {
    const { cc } = make(reno);
    expect(cc.cwnd).toBe(10 * MSS);
    expect(cc.ssthresh).toBe(Infinity);
    expect(cc.phase).toBe('slow-start');
  });

  it('respects params.initialWindow', () => {
    expect(make(reno, { initialWindow: 4 * MSS }).cc.cwnd).toBe(4 * MSS);
  });

  it('grows cwnd by the acked bytes per ACK', () => {
    const { cc } = make(reno);
    ack(cc, { now: 100 });
    expect(cc.cwnd).toBe(11 * MSS);
    ack(cc, { now: 101, bytes: 500 });
    expect(cc.cwnd).toBe(11 * MSS + 500);
  });

  it('limits the per-ACK increase to L = 2·SMSS (appropriate byte counting)', () => {
    const { cc } = make(reno);
    ack(cc, { now: 100, bytes: 5 * MSS });
    expect(cc.cwnd).toBe(12 * MSS);
  });

  it('honours a configured ABC limit', () => {
    const { cc } = make(renoFactory({ abcLimit: 4 }));
    ack(cc, { now: 100, bytes: 5 * MSS });
    expect(cc.cwnd).toBe(14 * MSS);
  });

  it("takes the transport's tighter slow-start bound per ACK (SCTP: one MTU per SACK, RFC 9260 §7.2.1)", () => {
    const { cc } = make(reno, { slowStartIncreaseLimit: MSS });
    ack(cc, { now: 100, bytes: 5 * MSS });
    expect(cc.cwnd).toBe(11 * MSS);
    const { cc: loose } = make(reno, { slowStartIncreaseLimit: 10 * MSS });
    ack(loose, { now: 100, bytes: 5 * MSS });
    expect(loose.cwnd).toBe(12 * MSS); // abcLimit still applies
  });

  it('doubles cwnd per round trip when every packet is acked', () => {
    const { cc } = make(reno);
    for (let i = 0; i < 10; i++) ack(cc, { now: 100 + i });
    expect(cc.cwnd).toBe(20 * MSS);
  });

  it('does not grow while application-limited', () => {
    const { cc } = make(reno);
    ack(cc, { now: 100, appLimited: true });
    expect(cc.cwnd).toBe(10 * MSS);
  });
});

describe('reno: congestion avoidance (RFC 3465 §2.1 byte counting)', () => {
  function inAvoidance() {
    const r = make(reno);
    lose(r.cc, { now: 0, flight: 20 * MSS, largestLostSentAt: -1 });
    ack(r.cc, { now: 50, sentAt: 10 }); // leaves recovery (sent after the loss)
    return r;
  }

  it('adds one SMSS once a full cwnd of bytes has been acked', () => {
    const { cc } = inAvoidance();
    expect(cc.phase).toBe('avoidance');
    const w = cc.cwnd; // 10 MSS after the halving
    expect(w).toBe(10 * MSS);
    // The ACK that ended recovery already counted 1 MSS.
    for (let i = 0; i < 8; i++) ack(cc, { now: 60 + i, sentAt: 20 });
    expect(cc.cwnd).toBe(w);
    ack(cc, { now: 70, sentAt: 20 });
    expect(cc.cwnd).toBe(w + MSS);
  });

  it('grows by about one SMSS per round trip (a cwnd of acked bytes)', () => {
    const { cc } = inAvoidance();
    let acked = MSS;
    let t = 100;
    while (acked < 10 * MSS + 11 * MSS + 12 * MSS) {
      ack(cc, { now: t++, sentAt: 20 });
      acked += MSS;
    }
    expect(cc.cwnd).toBe(13 * MSS);
  });

  it('moves bytes left over from slow start into avoidance without overshooting ssthresh', () => {
    const { cc } = make(reno);
    cc.onRetransmissionTimeout({ now: 1, bytesInFlight: 24 * MSS }); // ssthresh 12·MSS, cwnd 1·MSS
    expect(cc.cwnd).toBe(MSS);
    expect(cc.ssthresh).toBe(12 * MSS);
    for (let i = 0; i < 5; i++) ack(cc, { now: 10 + i, sentAt: 5, bytes: 2 * MSS });
    expect(cc.cwnd).toBe(11 * MSS);
    ack(cc, { now: 20, sentAt: 5, bytes: 2 * MSS }); // 1·MSS reaches ssthresh, 1·MSS is counted in avoidance
    expect(cc.cwnd).toBe(12 * MSS);
    expect(cc.phase).toBe('avoidance');
    expect(cc.snapshot().bytesAcked).toBe(MSS);
  });
});

describe('reno: loss and NewReno recovery (RFC 5681 eq. 4, RFC 6582)', () => {
  it('halves to max(FlightSize/2, 2·SMSS) and enters recovery', () => {
    const { cc } = make(reno);
    lose(cc, { now: 100, flight: 30 * MSS, largestLostSentAt: 50 });
    expect(cc.ssthresh).toBe(15 * MSS);
    expect(cc.cwnd).toBe(15 * MSS);
    expect(cc.phase).toBe('recovery');
    const small = make(reno).cc;
    lose(small, { now: 100, flight: 2 * MSS, largestLostSentAt: 50 });
    expect(small.ssthresh).toBe(2 * MSS);
    expect(small.cwnd).toBe(2 * MSS);
  });

  it('ignores a second event for packets sent before the recovery started', () => {
    const { cc } = make(reno);
    lose(cc, { now: 100, flight: 30 * MSS, largestLostSentAt: 50 });
    lose(cc, { now: 110, flight: 15 * MSS, largestLostSentAt: 90 });
    lose(cc, { now: 120, flight: 15 * MSS, largestLostSentAt: 100 });
    expect(cc.cwnd).toBe(15 * MSS);
  });

  it('reduces again for a loss of a packet sent after the recovery started', () => {
    const { cc } = make(reno);
    lose(cc, { now: 100, flight: 30 * MSS, largestLostSentAt: 50 });
    lose(cc, { now: 200, flight: 16 * MSS, largestLostSentAt: 101 });
    expect(cc.cwnd).toBe(8 * MSS);
  });

  it('does not grow during recovery, nor from packets sent before it began', () => {
    const { cc } = make(reno);
    lose(cc, { now: 100, flight: 30 * MSS, largestLostSentAt: 50 });
    ack(cc, { now: 120, sentAt: 60 });
    ack(cc, { now: 121, sentAt: 110, inRecovery: true });
    expect(cc.cwnd).toBe(15 * MSS);
    expect(cc.phase).toBe('recovery');
    ack(cc, { now: 150, sentAt: 110 });
    expect(cc.phase).toBe('avoidance');
  });

  it('leaves recovery on onRecoveryEnd', () => {
    const { cc } = make(reno);
    lose(cc, { now: 100, flight: 30 * MSS, largestLostSentAt: 50 });
    cc.onRecoveryEnd?.(130);
    expect(cc.phase).toBe('avoidance');
  });

  it('treats ECN-CE like a loss (RFC 3168 §6.1.2)', () => {
    const { cc } = make(reno);
    cc.onCongestionEvent({
      now: 5,
      cause: 'ecn-ce',
      lostBytes: 0,
      bytesInFlight: 20 * MSS,
      largestLostSentAt: 4,
      persistent: false,
    });
    expect(cc.cwnd).toBe(10 * MSS);
  });

  it('treats persistent congestion like an RTO', () => {
    const { cc } = make(reno);
    lose(cc, { now: 100, flight: 30 * MSS, largestLostSentAt: 50, persistent: true });
    expect(cc.cwnd).toBe(MSS);
    expect(cc.phase).toBe('loss');
  });
});

describe('reno: retransmission timeout (RFC 5681 §3.1)', () => {
  it('sets ssthresh = max(FlightSize/2, 2·SMSS) and cwnd = 1·SMSS', () => {
    const { cc } = make(reno);
    cc.onRetransmissionTimeout({ now: 1000, bytesInFlight: 20 * MSS });
    expect(cc.ssthresh).toBe(10 * MSS);
    expect(cc.cwnd).toBe(MSS);
    expect(cc.phase).toBe('loss');
  });

  it('keeps ssthresh on a repeated timeout of the same data', () => {
    const { cc } = make(reno);
    cc.onRetransmissionTimeout({ now: 1000, bytesInFlight: 20 * MSS });
    cc.onRetransmissionTimeout({ now: 3000, bytesInFlight: MSS });
    expect(cc.ssthresh).toBe(10 * MSS);
    expect(cc.cwnd).toBe(MSS);
  });

  it('slow-starts after the timeout once new data is acked', () => {
    const { cc } = make(reno);
    cc.onRetransmissionTimeout({ now: 1000, bytesInFlight: 20 * MSS });
    // The retransmission left at the instant the timer fired; its ACK already grows cwnd
    // (even if the transport still reports recovery, as Linux does in CA_Loss).
    ack(cc, { now: 1100, sentAt: 1000, inRecovery: true });
    expect(cc.phase).toBe('slow-start');
    expect(cc.cwnd).toBe(2 * MSS);
    ack(cc, { now: 1101, sentAt: 1001, inRecovery: true });
    expect(cc.cwnd).toBe(3 * MSS);
  });

  it('uses params.minCwnd as the loss window and floor', () => {
    const { cc } = make(reno, { minCwnd: 3 * MSS });
    cc.onRetransmissionTimeout({ now: 1000, bytesInFlight: 20 * MSS });
    expect(cc.cwnd).toBe(3 * MSS);
  });
});

describe('reno: undo of a spurious reduction', () => {
  it('restores cwnd and ssthresh after a spurious fast retransmit', () => {
    const { cc } = make(reno);
    for (let i = 0; i < 10; i++) ack(cc, { now: i });
    lose(cc, { now: 100, flight: 20 * MSS, largestLostSentAt: 50 });
    cc.onSpuriousCongestion?.(120);
    expect(cc.cwnd).toBe(20 * MSS);
    expect(cc.ssthresh).toBe(Infinity);
    expect(cc.phase).toBe('slow-start');
  });

  it('restores after a spurious RTO', () => {
    const { cc } = make(reno);
    cc.onRetransmissionTimeout({ now: 1000, bytesInFlight: 10 * MSS });
    cc.onSpuriousCongestion?.(1100);
    expect(cc.cwnd).toBe(10 * MSS);
    expect(cc.ssthresh).toBe(Infinity);
  });

  it('undoes only once, and not at all when disabled', () => {
    const { cc } = make(reno);
    lose(cc, { now: 100, flight: 20 * MSS, largestLostSentAt: 50 });
    cc.onSpuriousCongestion?.(120);
    lose(cc, { now: 200, flight: 10 * MSS, largestLostSentAt: 150 });
    const after = cc.cwnd;
    cc.onSpuriousCongestion?.(210);
    cc.onSpuriousCongestion?.(220);
    expect(cc.cwnd).toBe(10 * MSS);
    expect(after).toBe(5 * MSS);
    const off = make(renoFactory({ undo: false })).cc;
    lose(off, { now: 100, flight: 20 * MSS, largestLostSentAt: 50 });
    off.onSpuriousCongestion?.(120);
    expect(off.cwnd).toBe(10 * MSS);
  });
});

describe('reno: restart after idle (RFC 5681 §4.1)', () => {
  it('cuts cwnd back to the restart window min(IW, cwnd)', () => {
    const { cc } = make(reno);
    for (let i = 0; i < 30; i++) ack(cc, { now: i });
    expect(cc.cwnd).toBe(40 * MSS);
    cc.onIdleRestart?.(5000);
    expect(cc.cwnd).toBe(10 * MSS);
    const small = make(reno, { initialWindow: 20 * MSS }).cc;
    lose(small, { now: 1, flight: 8 * MSS, largestLostSentAt: 0 });
    small.onIdleRestart?.(5000);
    expect(small.cwnd).toBe(4 * MSS);
  });
});

describe('reno: transport parameters (SCTP, RFC 9260 §7.2)', () => {
  it('respects minSsthresh', () => {
    const { cc } = make(reno, { minSsthresh: 4 * MSS });
    lose(cc, { now: 1, flight: 4 * MSS, largestLostSentAt: 0 });
    expect(cc.ssthresh).toBe(4 * MSS);
    expect(cc.cwnd).toBe(4 * MSS);
  });

  it('grows only when cwnd was fully used when growOnlyWhenCwndFull is set', () => {
    const { cc } = make(reno, { growOnlyWhenCwndFull: true });
    ack(cc, { now: 1, prior: 5 * MSS });
    expect(cc.cwnd).toBe(10 * MSS);
    ack(cc, { now: 2, prior: 10 * MSS });
    expect(cc.cwnd).toBe(11 * MSS);
  });
});

describe('reno: MSS change, canSend, tracing and snapshots', () => {
  it('rescales cwnd and ssthresh to a new MSS', () => {
    const { cc } = make(reno);
    lose(cc, { now: 1, flight: 20 * MSS, largestLostSentAt: 0 });
    cc.onMtuChange?.(500);
    expect(cc.cwnd).toBe(5000);
    expect(cc.ssthresh).toBe(5000);
  });

  it('allows sending while bytes in flight are below cwnd', () => {
    const { cc } = make(reno);
    expect(cc.canSend(10 * MSS - 1)).toBe(true);
    expect(cc.canSend(10 * MSS)).toBe(false);
  });

  it('traces phase changes as congestion_state_updated', () => {
    const sink = new MemorySink();
    const { cc } = make(reno, {}, new SinkTracer(() => 0, [sink]));
    lose(cc, { now: 1, flight: 20 * MSS, largestLostSentAt: 0 });
    ack(cc, { now: 50, sentAt: 10 });
    const ev = sink.named('congestion_state_updated').map((e) => [e.data.old, e.data.new]);
    expect(ev).toEqual([
      ['slow-start', 'recovery'],
      ['recovery', 'avoidance'],
    ]);
  });

  it('snapshots as JSON-serialisable data', () => {
    const { cc } = make(reno);
    const s = cc.snapshot();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(s).toMatchObject({ controller: 'reno', cwnd: 10 * MSS, ssthresh: 'inf', phase: 'slow-start' });
  });
});

describe('reno on the synthetic ACK clock', () => {
  it('halves once per loss window even when several packets of the window are lost', () => {
    let dropped = 0;
    const d = new AckClockDriver(
      {
        rttMs: 100,
        rate: mbps(1000),
        buffer: 1e9,
        reportEveryLoss: true,
        // Lose three packets of one window once cwnd reaches 40 segments.
        dropWhen: ({ cwnd }) => cwnd >= 40 * 1460 && dropped < 6 && dropped++ % 2 === 0,
      },
      [reno],
    );
    let atFirstReduction = 0;
    const cc = d.cc as Reno;
    d.run(3000, () => {
      if (cc.reductions === 1 && atFirstReduction === 0) atFirstReduction = cc.cwnd;
    });
    expect(d.congestionEvents).toBe(3);
    expect(cc.reductions).toBe(1);
    expect(d.drops).toBe(3);
    // FlightSize at detection is the cwnd reached in slow start; one halving only.
    expect(cc.ssthresh).toBeGreaterThan(35 * 1460);
    expect(atFirstReduction).toBe(cc.ssthresh);
  });

  it('reduces twice for losses in two different windows', () => {
    let n = 0;
    const d = new AckClockDriver(
      {
        rttMs: 100,
        rate: mbps(1000),
        buffer: 1e9,
        dropWhen: ({ pn }) => (pn === 100 || pn === 400) && ++n > 0,
      },
      [reno],
    );
    d.run(5000);
    expect((d.cc as Reno).reductions).toBe(2);
  });
});
