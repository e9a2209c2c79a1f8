import type { Rule } from '../rule';

/**
 * The rule registry: every rule of shared/ISTIO-RULES.md that the checker implements, in spec order.
 * One file per resource family. The README rules table is generated from this list.
 */
export const ALL_RULES: readonly Rule[] = [
];
