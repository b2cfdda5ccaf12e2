/** Every variable of the configuration, section by section, in the order docs/configuration.md lists them. */

import type { VariableSection } from './variables.js';
import { ACCESS_VARIABLES } from './variables-access.js';
import { RUNTIME_VARIABLES } from './variables-runtime.js';

export const CONFIGURATION: readonly VariableSection[] = [...ACCESS_VARIABLES, ...RUNTIME_VARIABLES];
