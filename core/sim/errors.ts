/**
 * Typed errors raised by the network simulator. Each has a stable `code`.
 *
 * @module
 */
import { ConfigError, StateError, TimeoutError, ToukitError } from '../errors.js';

/**
 * A unit string or number could not be parsed (e.g. `'10 parsecs'` as a
 * rate). Code `ERR_SIM_BAD_UNIT`; `path` names the offending option.
 */
export class SimUnitError extends ConfigError {
  /** The rejected input, as given. */
  readonly input: unknown;

  /**
   * @param path - option path (e.g. `link.ab.bandwidth`)
   * @param input - the rejected value
   * @param expected - what was expected (e.g. `a rate such as '100Mbit'`)
   */
  constructor(path: string, input: unknown, expected: string) {
    super(path, [`${path}: cannot parse ${JSON.stringify(input)}: expected ${expected}`], 'ERR_SIM_BAD_UNIT');
    this.input = input;
  }
}

/** An invalid simulator option (e.g. a probability above 1). Code `ERR_SIM_BAD_OPTION`. */
export class SimConfigError extends ConfigError {
  /**
   * @param path - option path
   * @param message - what is wrong
   */
  constructor(path: string, message: string) {
    super(path, [`${path}: ${message}`], 'ERR_SIM_BAD_OPTION');
  }
}

/**
 * Binding or rebinding a simulated socket failed: `ERR_SIM_ADDR_IN_USE`,
 * `ERR_SIM_ADDR_NOT_AVAILABLE`.
 */
export class SimSocketError extends ToukitError {}

/** A run was started while another is in progress. Code `ERR_SIM_ALREADY_RUNNING`. */
export class SimRunningError extends StateError {
  constructor() {
    super('ERR_SIM_ALREADY_RUNNING', 'the simulation is already running (await the current run first)');
  }
}

/**
 * A run hit its virtual-time or event limit, or the simulation went idle
 * while a awaited promise was still pending (`ERR_SIM_LIMIT`, `ERR_SIM_DEADLOCK`).
 */
export class SimLimitError extends TimeoutError {}
