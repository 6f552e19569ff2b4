/**
 * Dependency-injection tokens. Plugin contracts are decorator-free; the
 * container is used only at the composition root, with explicit tokens and
 * factories (never emitted decorator metadata).
 *
 * Stack scope: {@link TOKENS.Clock}, `Timers`, `Random`, `Tracer`,
 * `Substrate`, `Encapsulation`, `Security`, `Transport`, `Congestion`.
 * Connection scope (a child container per connection or per peer):
 * `TransportContext`, `SessionInit`, `SecurityContext`, and the factories
 * `TransportSession`, `SecuritySession`, `CongestionController`.
 *
 * @module
 */

/** Injection tokens used by the composition root. */
export const TOKENS = {
  /** The stack clock. */
  Clock: Symbol.for('toukit.Clock'),
  /** The stack timer service. */
  Timers: Symbol.for('toukit.Timers'),
  /** The stack random source. */
  Random: Symbol.for('toukit.Random'),
  /** The stack tracer. */
  Tracer: Symbol.for('toukit.Tracer'),
  /** The substrate. */
  Substrate: Symbol.for('toukit.Substrate'),
  /** The encapsulation instance. */
  Encapsulation: Symbol.for('toukit.Encapsulation'),
  /** The security protocol instance. */
  Security: Symbol.for('toukit.Security'),
  /** The transport protocol instance. */
  Transport: Symbol.for('toukit.Transport'),
  /** The congestion-controller factory. */
  Congestion: Symbol.for('toukit.Congestion'),
  /** Per connection: its transport context. */
  TransportContext: Symbol.for('toukit.TransportContext'),
  /** Per connection: how its session starts. */
  SessionInit: Symbol.for('toukit.SessionInit'),
  /** Per connection: the transport session (factory). */
  TransportSession: Symbol.for('toukit.TransportSession'),
  /** Per peer: its security context. */
  SecurityContext: Symbol.for('toukit.SecurityContext'),
  /** Per peer: the security session (factory). */
  SecuritySession: Symbol.for('toukit.SecuritySession'),
  /** Per connection: congestion-controller context. */
  CongestionContext: Symbol.for('toukit.CongestionContext'),
  /** Per connection or path: a congestion controller (factory). */
  CongestionController: Symbol.for('toukit.CongestionController'),
} as const;
