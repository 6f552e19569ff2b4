/**
 * The `none` encapsulation: datagrams carry the transport (or security)
 * payload directly in UDP, with zero header bytes. Nothing identifies the
 * payload's protocol, so decapsulation reports `proto` -1 and the stack
 * hands every datagram to its configured transport. Control messages
 * cannot be expressed.
 *
 * @module toukit/plugins/encapsulation/none
 */
import { z } from 'zod';
import type { Decapsulated, Encapsulation, EncapsulationHeaderSpec } from '../../../core/contracts/encapsulation.js';
import { definePlugin } from '../../../core/contracts/plugin.js';
import { ToukitError } from '../../../core/errors.js';

/** Options of `none`: there are none. */
export const noneEncapsulationOptionsSchema = z.object({}).strict().describe('the none encapsulation takes no options');

/** Protocol number reported by `none`: unknown, the stack uses its configured transport. */
export const PROTO_UNKNOWN = -1;

const EMPTY = new Uint8Array(0);

/** The zero-byte encapsulation. */
export class NoneEncapsulation implements Encapsulation {
  /** Plugin name. */
  readonly name = 'none';
  /** No default port: the application must name one. */
  readonly defaultPort: number | undefined = undefined;
  /** Datagrams carry no protocol number. */
  readonly demultiplexes = false;

  /** Always 0 bytes. */
  overhead(spec: EncapsulationHeaderSpec): number {
    void spec;
    return 0;
  }

  /**
   * Always the empty array, except for control messages, which `none`
   * cannot carry.
   * @throws ToukitError `ERR_ENCAPSULATION_UNSUPPORTED` for a control spec
   */
  header(spec: EncapsulationHeaderSpec): Uint8Array {
    if (spec.control === true) {
      throw new ToukitError('ERR_ENCAPSULATION_UNSUPPORTED', 'the none encapsulation cannot carry control messages');
    }
    return EMPTY;
  }

  /** Payload starts at 0; `proto` and `originalProto` are -1 (unknown). Never throws. */
  decapsulate(datagram: Uint8Array, out: Decapsulated): void {
    void datagram;
    out.control = false;
    out.proto = PROTO_UNKNOWN;
    out.payloadOffset = 0;
    out.transformType = 0;
    out.originalProto = PROTO_UNKNOWN;
    out.vnid = -1;
    out.directIp = false;
  }
}

/** The `none` encapsulation plugin. */
export const noneEncapsulationPlugin = definePlugin({
  name: 'none',
  layer: 'encapsulation',
  description: 'no encapsulation: the payload goes straight into UDP (no demultiplexing)',
  capabilities: [],
  options: noneEncapsulationOptionsSchema,
  create: (): Encapsulation => new NoneEncapsulation(),
});

export default noneEncapsulationPlugin;
