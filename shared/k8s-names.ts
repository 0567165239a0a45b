/**
 * Kubernetes object-name and label syntax (k8s.io/apimachinery/pkg/util/validation), returning the
 * list of problems so callers can name the field and the fix.
 */
const dns1123LabelPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123SubdomainPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedNamePattern = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;

/** Namespaces, Jobs and ServiceAccounts: lowercase alphanumerics and '-', at most 63 characters. */
export function dns1123LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length === 0) return ['must not be empty'];
  if (value.length > DNS1123_LABEL_MAX) errors.push(`must be no more than ${DNS1123_LABEL_MAX} characters`);
  if (!dns1123LabelPattern.test(value)) {
    errors.push("must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name')");
  }
  return errors;
}

/** ConfigMap and Secret names: DNS-1123 subdomain. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length === 0) return ['must not be empty'];
  if (value.length > DNS1123_SUBDOMAIN_MAX) errors.push(`must be no more than ${DNS1123_SUBDOMAIN_MAX} characters`);
  if (!dns1123SubdomainPattern.test(value)) {
    errors.push("must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')");
  }
  return errors;
}

/** Label keys and taint keys: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export function labelKeyErrors(key: string): string[] {
  if (key.length === 0) return ['must not be empty'];
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash === -1 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  const errors: string[] = [];
  if (prefix !== undefined) {
    if (prefix.length === 0) errors.push('prefix part must not be empty');
    else errors.push(...dns1123SubdomainErrors(prefix).map((e) => `prefix part ${e}`));
  }
  if (name.length === 0) errors.push('name part must not be empty');
  else {
    if (name.length > 63) errors.push('name part must be no more than 63 characters');
    if (!qualifiedNamePattern.test(name)) {
      errors.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
    }
  }
  return errors;
}

/** Label values and toleration values: empty, or at most 63 characters of alphanumerics, '-', '_', '.'. */
export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push('must be no more than 63 characters');
  if (!labelValuePattern.test(value)) {
    errors.push("must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  }
  return errors;
}
