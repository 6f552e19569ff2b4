/**
 * The option, event and description types of a {@link Stack} (`stack.ts`).
 *
 * @module
 */
import type { PeerAddress } from '../contracts/address.js';
import type { Layer } from '../contracts/plugin.js';
import type { HandshakeInfo } from '../contracts/security.js';
import type { Stack } from './stack.js';

/** Options of {@link Stack.listen}. */
export interface ListenOptions {
  /** Local address (default `127.0.0.1`, or the substrate's `defaultHost`, e.g. a simulated host's address). */
  readonly host?: string;
  /** UDP port; 0 = ephemeral; default: the encapsulation's port (GUE 6080) or the transport's. */
  readonly port?: number;
  /** Accept only connections to this transport port (TCP/SCTP port); default: any port no other listener claims. */
  readonly transportPort?: number;
}

/** Options of {@link Stack.connect}. */
export interface ConnectOptions {
  /**
   * Remote address, or a host name the substrate resolves once before
   * connecting (the UDP substrate: `dns.lookup`, first answer).
   * `conn.remoteAddress` is then the address, not the name.
   */
  readonly host: string;
  /** Remote UDP port, an integer from 1 to 65535 (default as for `listen`). */
  readonly port?: number;
  /** Remote transport port (default: the remote UDP port). */
  readonly transportPort?: number;
  /** Local address to bind (default: the wildcard of the remote's family). */
  readonly localAddress?: string;
  /** Abort the attempt. */
  readonly signal?: AbortSignal;
}

/** A GUE control message received by the stack. */
export interface ControlMessage {
  /** Control type. */
  readonly ctype: number;
  /** Payload after the header. */
  readonly payload: Uint8Array;
  /** Sender. */
  readonly from: PeerAddress;
}

/** Events of a {@link Stack}. */
export interface StackEvents {
  /** A GUE control message arrived (never handed to a transport). */
  control: [message: ControlMessage];
  /** An NSS key-log line from the security layer. */
  keylog: [line: string, peer: PeerAddress];
  /** A security handshake completed with a peer. */
  handshake: [info: HandshakeInfo, peer: PeerAddress];
}

/** A resolved layer as reported by {@link Stack.describe}. */
export interface DescribedLayer {
  /** Plugin name. */
  readonly name: string;
  /** Where it came from (`registry`, `object` or a module path). */
  readonly source: string;
  /** Options with defaults applied. */
  readonly options: unknown;
  /** Capabilities. */
  readonly capabilities: readonly string[];
  /** Bytes this layer adds to a full data datagram. */
  readonly overhead: number;
}

/** The resolved stack. */
export interface StackDescription {
  /** Largest UDP payload in bytes. */
  readonly mtu: number;
  /** Substrate kind. */
  readonly substrate: string;
  /** Layers from the wire up. */
  readonly layers: Readonly<Record<Layer, DescribedLayer>>;
  /** Largest transport datagram (header + payload) in bytes. */
  readonly maxTransportDatagram: number;
}
