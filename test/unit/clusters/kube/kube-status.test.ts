import { expect } from 'chai';
import { fieldConflicts, managedFieldPaths, ownersOf, type KubeObject, type KubeStatus } from '../../../../clusters/kube/index.ts';

const conflict = (causes: KubeStatus['details']): KubeStatus => ({ kind: 'Status', status: 'Failure', message: 'Apply failed', reason: 'Conflict', code: 409, ...(causes ? { details: causes } : {}) });

describe('conflict parsing', () => {
  it('reads the owner in its three forms: Apply, Update, and Update through a subresource', () => {
    expect(
      fieldConflicts(
        conflict({
          causes: [
            { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.color' },
            { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.template.spec.containers[name="app"].image' },
            { reason: 'FieldManagerConflict', message: 'conflict with "hpa" with subresource "scale" using apps/v1', field: '.spec.replicas' },
          ],
        }),
      ),
    ).to.deep.equal([
      { field: '.data.color', manager: 'alice' },
      { field: '.spec.template.spec.containers[name="app"].image', manager: 'kubectl-edit', apiVersion: 'apps/v1' },
      { field: '.spec.replicas', manager: 'hpa', apiVersion: 'apps/v1', subresource: 'scale' },
    ]);
  });

  it('finds no field conflicts in a stale-resourceVersion 409', () => {
    expect(fieldConflicts(conflict(undefined))).to.deep.equal([]);
    expect(fieldConflicts(conflict({ causes: [{ reason: 'FieldValueInvalid', message: 'x', field: 'metadata.resourceVersion' }] }))).to.deep.equal([]);
  });
});

describe('managedFields', () => {
  const object: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      managedFields: [
        { manager: 'alice', operation: 'Apply', apiVersion: 'apps/v1', fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {} } } } } } } },
        { manager: 'hpa', operation: 'Update', apiVersion: 'apps/v1', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
        { manager: 'x', operation: 'Apply', apiVersion: 'v1', fieldsV1: { 'f:spec': { 'f:ports': { 'i:0': {} }, 'f:finalizers': { 'v:"a"': {} } } } },
      ],
    },
  };

  it('turns fieldsV1 trees into the API server\'s field paths', () => {
    expect(managedFieldPaths(object.metadata.managedFields![0]!)).to.deep.equal([
      '.spec.replicas',
      '.spec.template.spec.containers[name="app"]',
      '.spec.template.spec.containers[name="app"].image',
    ]);
    expect(managedFieldPaths(object.metadata.managedFields![2]!)).to.deep.equal(['.spec.ports[0]', '.spec.finalizers[="a"]']);
  });

  it('lists every owner of a path with operation and subresource', () => {
    expect(ownersOf(object, '.spec.replicas')).to.deep.equal(['alice (Apply)', 'hpa (Update /scale)']);
    expect(ownersOf(object, '.spec.paused')).to.deep.equal([]);
  });
});
