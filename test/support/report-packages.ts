/**
 * Preloaded with `node -r` into a service under test: at exit it writes the npm packages
 * the process loaded, one line on stderr, so a test can tell what a configuration loads.
 */
export const PACKAGES_LINE = 'loaded-packages:';

process.on('exit', () => {
  const packages = new Set<string>();
  for (const file of Object.keys(require.cache)) {
    const at = file.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const parts = file.slice(at + 'node_modules/'.length).split('/');
    packages.add(parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
  }
  process.stderr.write(`${PACKAGES_LINE}${[...packages].sort().join(',')}\n`);
});
