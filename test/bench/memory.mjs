// Memory of a stdio session: RSS after start-up and after 200 mixed tool calls (target < 80 MB).
import { startStdio } from './lib/stdio-session.mjs';

export async function stdioMemory({ cwd, calls = 200, nodeArgs = [] }) {
  const s = startStdio({ cwd, nodeArgs });
  await s.initialize();
  await s.request('tools/list', {});
  const idle = s.rssMiB();
  const mix = [
    ['list_nodes', {}],
    ['get_cluster_resources', { type: 'vm' }],
    ['proxmox_api_call', { method: 'GET', path: '/version' }],
    ['get_guest', { vmid: 100 }],
    ['list_clusters', {}],
  ];
  for (let i = 0; i < calls; i++) {
    const [name, args] = mix[i % mix.length];
    await s.call(name, args);
  }
  const after = s.rssMiB();
  await s.close();
  return [
    { figure: 'stdio RSS after initialize + tools/list', value: `${idle.toFixed(1)} MB` },
    {
      figure: `stdio RSS after ${calls} tool calls`,
      value: `${after.toFixed(1)} MB`,
      target: '< 80 MB',
      met: after < 80,
    },
  ];
}
