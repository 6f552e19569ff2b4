/**
 * werift data-channel worker: one RTCPeerConnection per process, pinned to
 * 127.0.0.1 (see `lib/werift-loopback.ts`). The harness relays the SDP over
 * the IPC channel (no trickle: each description carries its candidates).
 *
 * - Role `sender` (offerer): creates a reliable, ordered data channel and
 *   the offer, reports `ready` with the offer SDP; on `answer` applies it
 *   and reports `open` once the channel is open; on `go` sends `size`-byte
 *   messages for `durationMs`, keeping `bufferedAmount` under a high-water
 *   mark and waiting for `bufferedamountlow` when it is reached, yielding
 *   to the event loop every 32 sends, then reports `done`.
 * - Role `receiver` (answerer): reports `ready`; on `offer` answers with
 *   `answer`; counts every received message with a {@link ReceiveMeter};
 *   answers `stats`.
 *
 * On `exit` (or when the IPC channel closes) the peer connection is closed
 * and the process exits explicitly, because werift keeps timers running.
 *
 * @module
 */
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import { ReceiveMeter } from '../lib/receive-meter.js';
import { loadWerift, loopbackSends, nonLoopbackSends, weriftLoopbackConfig } from '../lib/werift-loopback.js';
import type { WeriftModule } from '../lib/werift-loopback.js';
import { onParentMessage, reportError, tell, workerArgs, yieldToLoop } from '../lib/worker-side.js';

/** Arguments from the parent. */
interface Args {
  readonly role: 'receiver' | 'sender';
  /** Bytes per data-channel message. */
  readonly size: number;
  readonly warmupMs?: number;
  readonly durationMs?: number;
  /** Sender: wait for `bufferedamountlow` once this many bytes are queued. Default {@link HIGH_WATER}. */
  readonly highWater?: number;
  /** Sender: `bufferedAmountLowThreshold`. Default {@link LOW_WATER}. */
  readonly lowWater?: number;
}

/**
 * The sender waits for `bufferedamountlow` once this many bytes are queued
 * in werift. A 1 MiB queue made werift slower in back-to-back runs on this
 * machine (and, with its default socket buffers, lost datagrams: about
 * 25 % more datagrams sent per delivered MB), so the baseline uses the
 * shallower queue that suited it better.
 */
const HIGH_WATER = 256 * 1024;
/** `bufferedAmountLowThreshold`: sending resumes when the queue has drained to this. */
const LOW_WATER = 64 * 1024;

const args = workerArgs<Args>();

/** Close the connection, at most `ms` (werift's close awaits its transports). */
async function closeWithin(pc: RTCPeerConnection | undefined, ms: number): Promise<void> {
  if (pc === undefined) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([pc.close().catch(() => {}), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** The local description once ICE gathering is complete (it then lists every candidate). */
async function gatheredSdp(pc: RTCPeerConnection): Promise<string> {
  if (pc.iceGatheringState !== 'complete') {
    await pc.iceGatheringStateChange.watch((s) => s === 'complete', 10_000);
  }
  const sdp = pc.localDescription?.sdp;
  if (sdp === undefined) throw new Error('werift has no local description');
  return sdp;
}

async function load(): Promise<WeriftModule> {
  const werift = await loadWerift();
  if (typeof werift === 'string') throw new Error(werift);
  return werift;
}

async function receiver(): Promise<void> {
  const { RTCPeerConnection } = await load();
  const pc = new RTCPeerConnection(weriftLoopbackConfig());
  const meter = new ReceiveMeter(args.warmupMs ?? 300);
  let channels = 0;
  pc.onDataChannel.subscribe((dc: RTCDataChannel) => {
    channels++;
    dc.onMessage.subscribe((data) => meter.count(data.length));
  });
  tell({ type: 'ready' });
  onParentMessage(
    async (m) => {
      if (m.type === 'offer') {
        await pc.setRemoteDescription({ type: 'offer', sdp: String(m.sdp) });
        await pc.setLocalDescription(await pc.createAnswer());
        tell({ type: 'answer', sdp: await gatheredSdp(pc) });
      } else if (m.type === 'stats') {
        tell({ type: 'stats', ...meter.stats(), connections: channels, blockedSends: nonLoopbackSends(), cpu: process.cpuUsage() });
      }
    },
    () => closeWithin(pc, 400),
  );
}

/** Resolves at the next `bufferedamountlow` of `dc`, or after `ms`. */
function bufferedAmountLow(dc: RTCDataChannel, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const sub = dc.bufferedAmountLow.subscribe(done);
    function done(): void {
      clearTimeout(timer);
      sub.unSubscribe();
      resolve();
    }
  });
}

async function sender(): Promise<void> {
  const { RTCPeerConnection } = await load();
  const pc = new RTCPeerConnection(weriftLoopbackConfig());
  const t0 = performance.now();
  const dc = pc.createDataChannel('bench', { ordered: true });
  dc.bufferedAmountLowThreshold = args.lowWater ?? LOW_WATER;
  const highWater = args.highWater ?? HIGH_WATER;
  const opened = new Promise<void>((resolve, reject) => {
    dc.stateChanged.subscribe((s) => {
      if (s === 'open') resolve();
      else if (s === 'closed') reject(new Error('the data channel closed before opening'));
    });
  });
  await pc.setLocalDescription(await pc.createOffer());
  tell({ type: 'ready', sdp: await gatheredSdp(pc) });
  const payload = Buffer.alloc(args.size, 0x5a);
  onParentMessage(
    async (m) => {
      if (m.type === 'answer') {
        await pc.setRemoteDescription({ type: 'answer', sdp: String(m.sdp) });
        await opened;
        tell({ type: 'open', connectMs: performance.now() - t0 });
      } else if (m.type === 'go') {
        const cpu0 = process.cpuUsage();
        const datagrams0 = loopbackSends();
        const end = performance.now() + (args.durationMs ?? 3000);
        let sent = 0;
        let blocked = 0;
        while (performance.now() < end) {
          for (let i = 0; i < 32; i++) {
            if (dc.bufferedAmount >= highWater) {
              blocked++;
              const left = end - performance.now();
              if (left > 0) await bufferedAmountLow(dc, left);
              break;
            }
            dc.send(payload);
            sent++;
          }
          await yieldToLoop();
        }
        tell({ type: 'done', sent, bytes: sent * args.size, blocked, datagrams: loopbackSends() - datagrams0, blockedSends: nonLoopbackSends(), cpu: process.cpuUsage(cpu0) });
      }
    },
    () => closeWithin(pc, 400),
  );
}

(args.role === 'receiver' ? receiver() : sender()).catch(reportError);
