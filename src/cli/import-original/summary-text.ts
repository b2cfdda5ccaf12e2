import type { ImportSummary } from './import-run.js';

/** The import's summary for an operator's terminal: counts first, then every list to act on. */
export function formatSummary(summary: ImportSummary, dbName: string): string {
  const lines: string[] = [];
  const would = summary.applied ? '' : 'would be ';
  lines.push(
    summary.applied
      ? `import-original: applied (${dbName}.users)`
      : `import-original: DRY RUN, nothing written (${dbName}.users); run again with --apply to write`,
  );
  lines.push(`documents read:      ${summary.read}`);
  lines.push(`${summary.applied ? 'imported:            ' : 'would be imported:   '}${summary.imported}`);
  lines.push(`already imported:    ${summary.alreadyImported}${summary.imported === 0 && summary.alreadyImported > 0 ? ' (nothing to change)' : ''}`);
  lines.push(`suspended:           ${summary.suspended} (${would}stored suspended and on the revocation list)`);
  lines.push(`refused:             ${summary.refused.length}`);
  lines.push(`duplicate emails:    ${summary.duplicates.length}`);
  for (const refusal of summary.refused) lines.push(`  refused ${refusal.id} <${refusal.email}>: ${refusal.reason}`);
  for (const duplicate of summary.duplicates) {
    const where = duplicate.registeredHereAs ? `already registered here as ${duplicate.registeredHereAs}` : 'held by several documents';
    lines.push(`  duplicate ${duplicate.email}: ${duplicate.ids.join(', ')} (${where}; none of them imported)`);
  }
  if (summary.admins.length > 0) {
    lines.push(`admins in the original: ${summary.admins.length} (admin is carried only with --keep-admin <id or email>)`);
    for (const admin of summary.admins) lines.push(`  ${admin.kept ? 'admin kept   ' : 'admin DROPPED'} ${admin.id} <${admin.email}>`);
  }
  if (summary.servicesWithoutSecret.length > 0) {
    lines.push(`services without a secret: ${summary.servicesWithoutSecret.length} (give each one with the ResetServiceSecret RPC)`);
    for (const service of summary.servicesWithoutSecret) lines.push(`  ${service.id} <${service.email}> ${service.name}`);
  }
  if (summary.groupChanges.length > 0) {
    lines.push(`groups normalised:   ${summary.groupChanges.length} documents (the original stored any groups sent to it)`);
    for (const change of summary.groupChanges) lines.push(`  groups of ${change.id} <${change.email}>: ${change.changes.join(', ')}`);
  }
  if (summary.redisSuspensions.length > 0) {
    lines.push(
      `suspended in the original's Redis: ${summary.redisSuspensions.length} (${would}stored suspended until reinstated: suspensions here do not lift on their own)`,
    );
    for (const suspension of summary.redisSuspensions) {
      const end = suspension.wouldHaveLiftedAt === null ? 'its key had no end' : `would have lifted at ${suspension.wouldHaveLiftedAt}`;
      lines.push(`  suspended ${suspension.id} <${suspension.email}> (${end})`);
    }
  }
  if (summary.redisKeysNotCarried.length > 0) {
    lines.push(`suspension keys in the original's Redis not carried: ${summary.redisKeysNotCarried.length}`);
    for (const key of summary.redisKeysNotCarried) lines.push(`  key ${key.id} not carried: ${key.reason}`);
  }
  if (summary.fieldsNotCarried.length > 0) lines.push(`fields not carried over: ${summary.fieldsNotCarried.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
