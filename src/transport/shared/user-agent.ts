/** A user agent as the audit trail and the session list keep it: no control characters, at most 256 characters. */

const USER_AGENT_MAX = 256;

export function recordedUserAgent(raw: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
  return raw.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, USER_AGENT_MAX);
}
