/**
 * The words of the console client list's group filter in English. Reached through
 * `t.consoleGroups` (en.ts).
 */
export const consoleGroupsEn = {
  label: 'Group',
  hint: 'One group name, such as admin or billing; empty for any group.',
  invalid: 'Enter one group name: lower-case letters, digits, _ . or -, starting with a letter, at most 64 characters',
};
