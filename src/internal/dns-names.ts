/**
 * Kubernetes' name grammars (k8s.io/apimachinery/pkg/util/validation), written once.
 *
 * - DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, at most 63 characters
 *   (Namespace names, port names, and the names Istio requires to be labels).
 * - DNS-1123 subdomain: DNS-1123 labels joined by '.', at most 253 characters in total. Kubernetes sets NO limit
 *   per dot-separated part (`IsDNS1123Subdomain` checks the total length and one regex), so a 66-character name
 *   without dots is a valid object name (most kinds, every custom resource).
 * - DNS-1035 label: a DNS-1123 label that starts with a letter (Service names).
 *
 * Hostnames (Istio hosts, SNI) are DNS names, where each label is at most 63 characters: that is a different
 * grammar, see src/check/hosts.ts.
 */

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Maximum length of a DNS-1123 or DNS-1035 label. */
export const DNS_LABEL_MAX_LENGTH = 63;
/** Maximum length of a DNS-1123 subdomain. */
export const DNS_SUBDOMAIN_MAX_LENGTH = 253;

/** True for a DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, ≤ 63 characters. */
export function isDns1123Label(s: string): boolean {
  return s.length > 0 && s.length <= DNS_LABEL_MAX_LENGTH && LABEL.test(s);
}

/** True for a DNS-1123 subdomain: labels joined by '.', ≤ 253 characters in total (no limit per part). */
export function isDns1123Subdomain(s: string): boolean {
  return s.length > 0 && s.length <= DNS_SUBDOMAIN_MAX_LENGTH && SUBDOMAIN.test(s);
}

/** True for a DNS-1035 label: a DNS-1123 label that starts with a letter. */
export function isDns1035Label(s: string): boolean {
  return s.length > 0 && s.length <= DNS_LABEL_MAX_LENGTH && DNS1035.test(s);
}

/** What a DNS-1123 label is, for messages. */
export const DNS1123_LABEL_TEXT = 'a DNS-1123 label (lowercase letters, digits and "-", starting and ending alphanumeric, at most 63 characters)';
/** What a DNS-1123 subdomain is, for messages. */
export const DNS1123_SUBDOMAIN_TEXT = 'a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", starting and ending alphanumeric, at most 253 characters)';
/** What a DNS-1035 label is, for messages. */
export const DNS1035_LABEL_TEXT = 'a DNS-1035 label (lowercase letters, digits and "-", starting with a letter, at most 63 characters)';
