/**
 * The subset of Kubernetes object shapes the agent builds and reads, as plain JSON (the wire format),
 * so manifests print exactly as they are sent.
 */
import type { ResourceList } from '../../../shared/quantity.ts';
import type { Toleration } from '../../../shared/tolerations.ts';

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  deletionTimestamp?: string;
  creationTimestamp?: string;
  ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef: { fieldPath: string } };
}

export interface SecurityContext {
  privileged?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type: string };
}

export interface PodSecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  fsGroupChangePolicy?: string;
  seccompProfile?: { type: string };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

export interface Volume {
  name: string;
  emptyDir?: Record<string, never>;
  hostPath?: { path: string; type: string };
}

export interface Container {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: EnvVar[];
  resources: { requests: ResourceList; limits: ResourceList };
  securityContext: SecurityContext;
  volumeMounts: VolumeMount[];
}

export interface PodSpec {
  serviceAccountName: string;
  restartPolicy: 'Never';
  hostPID?: boolean;
  hostNetwork?: boolean;
  hostIPC?: boolean;
  runtimeClassName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  imagePullSecrets?: { name: string }[];
  securityContext: PodSecurityContext;
  containers: Container[];
  volumes: Volume[];
}

export interface Job extends KubeObject {
  spec: {
    completions: number;
    parallelism: number;
    completionMode: 'NonIndexed';
    backoffLimit: number;
    ttlSecondsAfterFinished: number;
    activeDeadlineSeconds: number;
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
  status?: JobStatus;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface JobStatus {
  conditions?: Condition[];
  active?: number;
  succeeded?: number;
  failed?: number;
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface Subject {
  kind: 'ServiceAccount';
  name: string;
  namespace: string;
}

export interface RoleRef {
  apiGroup: 'rbac.authorization.k8s.io';
  kind: 'Role' | 'ClusterRole';
  name: string;
}

export interface Role extends KubeObject {
  rules: PolicyRule[];
}

export interface RoleBinding extends KubeObject {
  subjects: Subject[];
  roleRef: RoleRef;
}

export type Namespace = KubeObject;
export type ServiceAccount = KubeObject;

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}
