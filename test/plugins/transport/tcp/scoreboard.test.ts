/**
 * The SACK scoreboard's loss rules: RFC 6675 IsLost for segments never
 * retransmitted, and lost-retransmission detection for retransmitted ones
 * (data sent after the retransmission was SACKed).
 */
import { describe, expect, it } from 'vitest';
import { Scoreboard } from '../../../../plugins/transport/tcp/scoreboard.js';

const MSS = 1000;

/** A scoreboard with `n` full segments sent from sequence 0 at time 0. */
function board(n: number): Scoreboard {
  const sb = new Scoreboard();
  for (let i = 0; i < n; i++) sb.add(i * MSS, (i + 1) * MSS, false, 0, 0);
  return sb;
}

describe('tcp scoreboard', () => {
  it('marks a hole lost once DupThresh segments above it are SACKed (RFC 6675 §4 IsLost)', () => {
    const sb = board(6);
    sb.markSacked(MSS, 3 * MSS);
    expect(sb.detectLosses(MSS, 3)).toBe(0);
    sb.markSacked(3 * MSS, 4 * MSS);
    expect(sb.detectLosses(MSS, 3)).toBe(MSS);
    expect(sb.nextLost()?.seq).toBe(0);
    expect(sb.pipe).toBe(2 * MSS);
  });

  it('keeps a retransmission in flight until data sent after it is SACKed, then marks it lost again', () => {
    const sb = board(6);
    sb.markSacked(MSS, 4 * MSS);
    sb.detectLosses(MSS, 3);
    const head = sb.first();
    if (head === undefined) throw new Error('no head');
    // Retransmitted when SND.NXT was 6·MSS.
    sb.retransmitted(head, 100, 0, 1, 6 * MSS);
    expect(sb.lostBytes).toBe(0);
    // More SACKs for data sent before the retransmission say nothing about it.
    sb.markSacked(4 * MSS, 6 * MSS);
    expect(sb.detectLosses(MSS, 3)).toBe(0);
    expect(sb.firstIsLost(MSS, 3)).toBe(false);
    // New data sent after it: three segments SACKed beyond SND.NXT at the retransmission.
    for (let i = 6; i < 9; i++) sb.add(i * MSS, (i + 1) * MSS, false, 150, 0);
    sb.markSacked(6 * MSS, 8 * MSS);
    expect(sb.detectLosses(MSS, 3)).toBe(0);
    sb.markSacked(8 * MSS, 9 * MSS);
    expect(sb.firstIsLost(MSS, 3)).toBe(true);
    expect(sb.detectLosses(MSS, 3)).toBe(MSS);
    expect(sb.lostRetransmissions).toBe(1);
    expect(sb.nextLost()).toBe(head);
  });
});
