/**
 * A readable name for the browser or app behind a user agent ("Chrome on Linux"), as the
 * sessions and sign-in history pages show it. The parsing is bowser's (MIT, no
 * dependencies, released often): user agents are a moving target (Edge and Opera say
 * "Chrome", every iPhone browser says "Safari"), and a hand-written list of patterns would
 * fall behind. Only the names are used, never versions: "Chrome 131" changes every month
 * and tells the reader nothing about which device it is.
 */
import Bowser from 'bowser';
import type { Locale } from '../messages/catalogue.js';

/** At most this many characters of an unknown agent are shown as they are. */
const RAW_LIMIT = 60;

/** The device's name in the reader's language; the raw agent, shortened, when it names no known browser or system. */
export function deviceName(locale: Locale, userAgent: string): string {
  const words = locale.t.accountPages.sessions;
  const agent = userAgent.trim();
  if (agent === '') return words.unknownDevice;
  const parsed = Bowser.parse(agent);
  const browser = parsed.browser.name;
  const system = parsed.os.name;
  if (browser && system) return words.device(browser, system);
  if (browser || system) return (browser || system) as string;
  // A tool or library (curl, grpc-node-js): its own name is the best description there is.
  return agent.length > RAW_LIMIT ? `${agent.slice(0, RAW_LIMIT)}…` : agent;
}
