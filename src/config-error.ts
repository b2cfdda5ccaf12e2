/** A configuration that cannot start the service; the message names the variable at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
