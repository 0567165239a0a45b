/** RBAC's matching of a request against the rules a SelfSubjectRulesReview lists. */
import { describe, expect, it } from 'vitest';
import { grantingRule, type ResourceRule } from '../../electron/agent/rules-review.ts';

const job = { verb: 'create', group: 'batch', resource: 'jobs' };
const podLog = { verb: 'get', group: '', resource: 'pods', subresource: 'log' };

describe('which rule grants a request', () => {
  it('wildcards grant everything', () => {
    expect(grantingRule([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], podLog)).toBeDefined();
  });

  it('verb, group and resource must all match', () => {
    const rules: ResourceRule[] = [
      { verbs: ['get', 'list'], apiGroups: ['batch'], resources: ['jobs'] },
      { verbs: ['create'], apiGroups: [''], resources: ['jobs'] },
      { verbs: ['create'], apiGroups: ['batch'], resources: ['cronjobs'] },
    ];
    expect(grantingRule(rules, job)).toBeUndefined();
    expect(grantingRule([...rules, { verbs: ['create'], apiGroups: ['batch'], resources: ['jobs'] }], job)).toBeDefined();
  });

  it('a subresource needs its own grant: pods/log, */log or *, never plain pods', () => {
    expect(grantingRule([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], podLog)).toBeUndefined();
    expect(grantingRule([{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }], podLog)).toBeDefined();
    expect(grantingRule([{ verbs: ['get'], apiGroups: [''], resources: ['*/log'] }], podLog)).toBeDefined();
    expect(grantingRule([{ verbs: ['get'], apiGroups: [''], resources: ['*/exec'] }], podLog)).toBeUndefined();
    // pods/log does not grant the pods themselves.
    expect(grantingRule([{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }], { verb: 'get', group: '', resource: 'pods' })).toBeUndefined();
  });

  it('rules limited to resourceNames never grant an unnamed request', () => {
    expect(grantingRule([{ verbs: ['create'], apiGroups: ['batch'], resources: ['jobs'], resourceNames: ['nightly'] }], job)).toBeUndefined();
  });

  it('a rule without groups or resources grants nothing', () => {
    expect(grantingRule([{ verbs: ['*'] }], job)).toBeUndefined();
  });
});
