/**
 * Preloaded with `node -r` into a service under test: at exit it writes the npm packages
 * the process loaded, one line on stderr, so a test can tell what a configuration loads.
 */
// A script, never imported: importing it would report the importer's packages too.
export {};

process.on('exit', () => {
  const packages = new Set<string>();
  for (const file of Object.keys(require.cache)) {
    const at = file.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const parts = file.slice(at + 'node_modules/'.length).split('/');
    packages.add(parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
  }
  process.stderr.write(`loaded-packages:${[...packages].sort().join(',')}\n`);
});
