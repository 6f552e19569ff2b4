/**
 * HyStart++ (RFC 9406), the slow-start exit heuristic used by `cubic` (on by
 * default) and `reno` (option `hystart`). Not a plugin by itself: a
 * controller owns one {@link HyStartPlusPlus} per connection.
 *
 * @module toukit/plugins/congestion/hystart
 */
export {
  HyStartPlusPlus,
  MIN_RTT_THRESH,
  MAX_RTT_THRESH,
  MIN_RTT_DIVISOR,
  N_RTT_SAMPLE,
  CSS_GROWTH_DIVISOR,
  CSS_ROUNDS,
} from './hystart.js';
export type { HyStartState, HyStartVerdict } from './hystart.js';
