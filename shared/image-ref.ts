/**
 * Container image references (distribution/reference grammar): `[registry[:port]/]path[:tag][@digest]`.
 * Returns the problems found, empty when the reference is valid.
 */
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const referencePattern = new RegExp(`^(?:${domain}/)?${pathComponent}(?:/${pathComponent})*(?::${tag})?(?:@${digest})?$`);

export function imageReferenceErrors(image: string): string[] {
  if (image.trim() === '') return ['must not be empty'];
  if (image !== image.trim()) return ['must not have leading or trailing spaces'];
  if (!referencePattern.test(image)) {
    return ['must be an image reference like ghcr.io/nvidia/aicr:v0.11.1 (lowercase repository path, optional :tag and @sha256:digest)'];
  }
  return [];
}
