import { describe, expect, it } from 'vitest';
import { isPodReady, isUnschedulable, jobEventBlocker, jobOutcome, logsAvailable, podBlocker, summarizePod, unschedulableError, type Pod } from '../../electron/agent/pod-status.ts';
import type { Job } from '../../electron/agent/manifests/types.ts';

const pod = (status: Pod['status'], nodeName?: string): Pod => ({ metadata: { name: 'aicr-x' }, ...(nodeName ? { spec: { nodeName } } : {}), status });
const waiting = (reason: string, message = 'details') => pod({ phase: 'Pending', containerStatuses: [{ name: 'aicr', state: { waiting: { reason, message } } }] });

describe('stuck pods are reported at once', () => {
  it.each(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'])('%s', (reason) => {
    const error = podBlocker(waiting(reason, 'not found'));
    expect(error?.message).toContain(`agent image cannot be pulled (${reason}): not found`);
    expect(error?.message).toContain('--image-pull-secret');
  });
  it('container config errors', () => expect(podBlocker(waiting('CreateContainerConfigError', 'secret missing'))?.message).toContain('agent container cannot start (CreateContainerConfigError): secret missing'));
  it('unschedulable is not a blocker by itself (a GPU pool may be scaling up); its error names the scheduler message', () => {
    const pending = pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] });
    expect(podBlocker(pending)).toBeUndefined();
    expect(isUnschedulable(pending)).toBe(true);
    expect(unschedulableError(pending).message).toContain('agent pod cannot be scheduled: 0/3 nodes are available');
  });
  it('ordinary states are not blockers', () => {
    expect(podBlocker(waiting('ContainerCreating'))).toBeUndefined();
    expect(podBlocker(pod({ phase: 'Running' }))).toBeUndefined();
    expect(podBlocker(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulerError' }] }))).toBeUndefined();
  });
  it('FailedCreate events, with a Pod Security hint when that is the cause', () => {
    const psa = jobEventBlocker({ metadata: {}, reason: 'FailedCreate', message: 'pods "x" is forbidden: violates PodSecurity "restricted:latest"' });
    expect(psa?.message).toContain('the Job cannot create the agent pod: pods "x" is forbidden');
    expect(psa?.message).toContain('--privileged=false');
    expect(jobEventBlocker({ metadata: {}, reason: 'FailedCreate', message: 'exceeded quota' })?.message).not.toContain('Pod Security');
    expect(jobEventBlocker({ metadata: {}, reason: 'SuccessfulCreate' })).toBeUndefined();
  });
});

describe('pod summaries', () => {
  it('carries node, phase and the waiting reason', () => {
    expect(summarizePod({ ...waiting('ErrImagePull', 'nope'), spec: { nodeName: 'gpu-node-1' } })).toEqual({ name: 'aicr-x', node: 'gpu-node-1', phase: 'Pending', reason: 'ErrImagePull', message: 'nope' });
  });
  it('terminated reason', () => {
    const summary = summarizePod(pod({ phase: 'Failed', containerStatuses: [{ name: 'aicr', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }, 'n'));
    expect(summary).toMatchObject({ phase: 'Failed', reason: 'Error' });
  });
  it('readiness and log availability', () => {
    expect(isPodReady(pod({ conditions: [{ type: 'Ready', status: 'True' }] }))).toBe(true);
    expect(isPodReady(pod({ conditions: [{ type: 'Ready', status: 'False' }] }))).toBe(false);
    expect(logsAvailable(pod({ containerStatuses: [{ name: 'aicr', state: { running: {} } }] }))).toBe(true);
    expect(logsAvailable(waiting('ContainerCreating'))).toBe(false);
  });
});

describe('job outcome', () => {
  const job = (conditions: { type: string; status: string; reason?: string; message?: string }[]) => ({ metadata: {}, status: { conditions } }) as unknown as Job;
  it('Complete=True', () => expect(jobOutcome(job([{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }]))).toEqual({ complete: true }));
  it('Failed=True with reason and message', () => expect(jobOutcome(job([{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'limit' }]))).toEqual({ complete: false, reason: 'BackoffLimitExceeded', message: 'limit' }));
  it('interim conditions keep waiting', () => {
    expect(jobOutcome(job([{ type: 'SuccessCriteriaMet', status: 'True' }]))).toBeUndefined();
    expect(jobOutcome(job([{ type: 'FailureTarget', status: 'True' }]))).toBeUndefined();
    expect(jobOutcome(job([]))).toBeUndefined();
  });
});
