/**
 * Interop with usrsctp (Debian `libusrsctp-examples`) over RFC 6951
 * SCTP-in-UDP, inside a private network namespace that has only `lo` up
 * (the usrsctp examples heartbeat every local address, so they never run
 * outside one). Needs root and `ip`. Skipped with a message when a
 * prerequisite is missing, unless `CI` is set: then it fails.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const USRSCTP = '/usr/lib/usrsctp';
const PEER = fileURLToPath(new URL('./peer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function missingPrerequisite(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (network namespaces need root)';
  if (spawnSync('ip', ['-V']).status !== 0) return '`ip` (iproute2) not installed';
  for (const p of ['echo_server', 'client']) if (!existsSync(`${USRSCTP}/${p}`)) return `${USRSCTP}/${p} missing (apt-get install libusrsctp-examples)`;
  return undefined;
}

const missing = missingPrerequisite();
if (missing !== undefined && process.env.CI === undefined) {
  console.warn(`usrsctp interop tests skipped: ${missing}`);
}

interface Ns {
  name: string;
  children: ChildProcess[];
}
let current: Ns | undefined;

function createNs(): Ns {
  const name = `toukit-sctp-${process.pid}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  const add = spawnSync('ip', ['netns', 'add', name]);
  if (add.status !== 0) throw new Error(`ip netns add failed: ${add.stderr.toString()}`);
  spawnSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  current = { name, children: [] };
  return current;
}

afterEach(() => {
  if (current === undefined) return;
  for (const c of current.children) if (c.exitCode === null && c.pid !== undefined) c.kill('SIGKILL');
  spawnSync('ip', ['netns', 'del', current.name]);
  current = undefined;
});

function run(ns: Ns, cmd: string[], stdin?: string): { child: ChildProcess; output: Promise<{ stdout: string; code: number | null }> } {
  const child = spawn('ip', ['netns', 'exec', ns.name, ...cmd], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  ns.children.push(child);
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stdout += d.toString()));
  if (stdin !== undefined) child.stdin?.write(stdin);
  const output = new Promise<{ stdout: string; code: number | null }>((resolve) => child.on('close', (code) => resolve({ stdout, code })));
  return { child, output };
}

async function waitFor(get: () => string, text: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!get().includes(text)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(get().slice(-500))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(missing !== undefined && process.env.CI === undefined)('SCTP interop with usrsctp over UDP (RFC 6951)', () => {
  it('has its prerequisites', () => {
    expect(missing).toBeUndefined();
  });

  it('toukit client ↔ usrsctp echo_server: small messages, a fragmented 4000-byte message and 300 messages', async () => {
    const ns = createNs();
    let echoOut = '';
    const echo = spawn('ip', ['netns', 'exec', ns.name, `${USRSCTP}/echo_server`, '9899'], { stdio: ['ignore', 'pipe', 'pipe'] });
    ns.children.push(echo);
    echo.stdout.on('data', (d: Buffer) => (echoOut += d.toString()));
    await new Promise((r) => setTimeout(r, 300));
    const long = 'L'.repeat(4000);
    const many = Array.from({ length: 300 }, (_, i) => `m${i}`);
    const { output } = run(ns, ['node', '--import', 'tsx', PEER, 'client', '9899', '7', 'hello', long, ...many]);
    const { stdout, code } = await output;
    expect(code, stdout).toBe(0);
    const replies = stdout.split('\n').filter((l) => l.startsWith('REPLY ')).map((l) => l.slice(6));
    expect(replies).toEqual(['hello', long, ...many]);
    expect(stdout).toContain('CLOSED');
    // usrsctp saw one 4001-byte message (reassembled from our fragments) on stream 0.
    expect(echoOut).toMatch(/Msg of length 4001 received .* on stream 0/);
  });

  it('toukit client ↔ usrsctp echo_server: 2 MB in 2000 messages over 4 streams, per-stream SHA-256 equal after the echo', async () => {
    const ns = createNs();
    const echo = spawn('ip', ['netns', 'exec', ns.name, `${USRSCTP}/echo_server`, '9899'], { stdio: ['ignore', 'ignore', 'ignore'] });
    ns.children.push(echo);
    await new Promise((r) => setTimeout(r, 300));
    const { output } = run(ns, ['node', '--import', 'tsx', PEER, 'bulk', '9899', '7', '2000', '1000']);
    const { stdout, code } = await output;
    expect(code, stdout.slice(-2000)).toBe(0);
    expect(stdout).toMatch(/^BULK 2000 [0-9a-f]{64}(,[0-9a-f]{64}){3}$/m);
    expect(stdout).not.toContain('MISMATCH');
    const stats = JSON.parse(/^STATS (.*)$/m.exec(stdout)![1]) as { messagesReceived: number; dataBytesSent: number };
    expect(stats.messagesReceived).toBe(2000);
    expect(stats.dataBytesSent).toBeGreaterThanOrEqual(2_000_000);
  });

  it('usrsctp client ↔ toukit server: 302 messages echoed in order, then graceful shutdown initiated by usrsctp', async () => {
    const ns = createNs();
    const server = run(ns, ['node', '--import', 'tsx', PEER, 'server', '9900', '7']);
    let serverOut = '';
    server.child.stdout?.on('data', (d: Buffer) => (serverOut += d.toString()));
    await waitFor(() => serverOut, 'READY', 15_000);
    const client = spawn('ip', ['netns', 'exec', ns.name, `${USRSCTP}/client`, '127.0.0.1', '7', '0', '9899', '9900'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    ns.children.push(client);
    let clientOut = '';
    client.stdout.on('data', (d: Buffer) => (clientOut += d.toString()));
    client.stdin.write('hello toukit\nsecond line\n');
    await waitFor(() => clientOut, 'second line', 10_000);
    const lines = Array.from({ length: 300 }, (_, i) => `line-${i}-${'x'.repeat(60)}`);
    client.stdin.write(lines.join('\n') + '\n');
    await waitFor(() => clientOut, lines[299], 15_000);
    client.stdin.end();
    await waitFor(() => serverOut, 'CLOSED', 10_000);
    await waitFor(() => clientOut, 'SCTP_SHUTDOWN_COMP', 10_000);
    expect(clientOut).toContain('SCTP_COMM_UP');
    expect(clientOut).toContain('hello toukit');
    expect(serverOut).toContain('REPLY hello toukit');
    expect(serverOut).toContain('REPLY second line');
    // Every line came back, in order (usrsctp prints each echoed message).
    expect(clientOut.split('\n').filter((l) => l.startsWith('line-'))).toEqual(lines);
  });
});
