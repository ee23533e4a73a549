import { expect } from 'chai';
import { etcdFlags } from '../../../../clusters/embedded/etcd.ts';
import { kubeApiServerFlags } from '../../../../clusters/embedded/kube-apiserver.ts';
import { kubeControllerManagerFlags } from '../../../../clusters/embedded/kube-controller-manager.ts';
import { kubeSchedulerFlags } from '../../../../clusters/embedded/kube-scheduler.ts';

const common = { binary: '/bin/x', logFile: '/tmp/x.log', owner: 'o' };
const flag = (flags: string[], name: string) => flags.find((f) => f.startsWith(`--${name}=`))?.split('=').slice(1).join('=');

describe('control plane flags', () => {
  it('binds every listener to loopback', () => {
    const etcd = etcdFlags({ ...common, dataDir: '/d', clientPort: 1, peerPort: 2 });
    expect(flag(etcd, 'listen-client-urls')).to.equal('http://127.0.0.1:1');
    expect(flag(etcd, 'listen-peer-urls')).to.equal('http://127.0.0.1:2');
    const api = kubeApiServerFlags({
      ...common, etcdUrl: 'http://127.0.0.1:1', securePort: 3, servingCertFile: 'c', servingKeyFile: 'k', clientCaFile: 'ca',
      serviceAccountKeyFile: 'p', serviceAccountSigningKeyFile: 's', serviceClusterIpRange: '10.0.0.0/24',
    });
    expect(flag(api, 'bind-address')).to.equal('127.0.0.1');
    expect(flag(api, 'advertise-address')).to.equal('127.0.0.1');
    expect(flag(api, 'authorization-mode')).to.equal('Node,RBAC');
    const kcm = kubeControllerManagerFlags({
      ...common, kubeconfig: 'kc', securePort: 4, servingCertFile: 'c', servingKeyFile: 'k', serviceAccountPrivateKeyFile: 's',
      rootCaFile: 'ca', clusterSigningCertFile: 'ca', clusterSigningKeyFile: 'cak',
    });
    expect(flag(kcm, 'bind-address')).to.equal('127.0.0.1');
    const scheduler = kubeSchedulerFlags({ ...common, kubeconfig: 'kc', securePort: 5, servingCertFile: 'c', servingKeyFile: 'k' });
    expect(flag(scheduler, 'bind-address')).to.equal('127.0.0.1');
  });

  it('turns off the endpoint controllers, which cannot publish loopback pod addresses', () => {
    const kcm = kubeControllerManagerFlags({
      ...common, kubeconfig: 'kc', securePort: 4, servingCertFile: 'c', servingKeyFile: 'k', serviceAccountPrivateKeyFile: 's',
      rootCaFile: 'ca', clusterSigningCertFile: 'ca', clusterSigningKeyFile: 'cak',
    });
    expect(flag(kcm, 'controllers')).to.equal('*,-endpoints-controller,-endpointslice-controller,-endpointslice-mirroring-controller');
  });
});
