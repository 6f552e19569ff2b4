/**
 * Compliance suites for plugin authors (`import { … } from 'toukit/testing'`).
 * Each suite is a function that declares vitest tests for one plugin interface;
 * run it from your own test file against your plugin.
 *
 * @module toukit/testing
 */
export * from './encapsulation.js';
export * from './congestion.js';
export * from './transport.js';
export * from './security.js';
export * from './reliable-stream.js';
export * from './message-transport.js';
