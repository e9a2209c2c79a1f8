import type { Rule } from '../rule';
import { DESTINATION_RULE_RULES } from './destination-rule';
import { EGRESS_RULES } from './egress';
import { GATEWAY_RULES } from './gateway';
import { GATEWAY_API_RULES } from './gateway-api';
import { GATEWAY_CROSS_RULES } from './gateway-cross';
import { ISTIO_OPERATOR_RULES } from './istio-operator';
import { SCHEMA_RULES } from './schema';
import { SECRET_RULES } from './secrets';
import { SERVICE_ENTRY_RULES } from './service-entry';
import { TELEMETRY_RULES } from './telemetry';
import { VIRTUAL_SERVICE_RULES } from './virtual-service';
import { VIRTUAL_SERVICE_CROSS_RULES } from './virtual-service-cross';
import { YAML_ROUNDTRIP_RULES } from './yaml-roundtrip';

/**
 * The rule registry: every rule of shared/ISTIO-RULES.md that the checker implements, in spec order.
 * One file per resource family. The README rules table is generated from this list.
 */
export const ALL_RULES: readonly Rule[] = [
  ...GATEWAY_RULES,
  ...GATEWAY_CROSS_RULES,
  ...SECRET_RULES,
  ...SCHEMA_RULES,
  ...SERVICE_ENTRY_RULES,
  ...EGRESS_RULES,
  ...TELEMETRY_RULES,
  ...ISTIO_OPERATOR_RULES,
  ...DESTINATION_RULE_RULES,
  ...VIRTUAL_SERVICE_RULES,
  ...VIRTUAL_SERVICE_CROSS_RULES,
  ...GATEWAY_API_RULES,
  ...YAML_ROUNDTRIP_RULES,
];
