import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { DEFAULT_POLICY, evaluatePolicy, type ClusterPolicy } from '../../src/safety/policy.js';
import { compileRule } from '../../src/safety/rules.js';
import { STOP_SPELLINGS, isStop } from './helpers/stop-spellings.js';
import {
  CLUSTERS,
  DENY,
  PARAM_SECRETS,
  call,
  pves,
  refusedCalls,
  simOf,
  station,
  useStations,
  writesOf,
} from './helpers/transports-e2e-run.js';
import {
  TRANSPORTS,
  fragmentsOf,
  paramsOf,
  readAudit,
  requestsOf,
  secretLeaks,
} from './helpers/transports.js';

/**
 * Issue 12, the adversarial suite's last bullet, through REAL transports and the BUILT binary: an
 * SDK client over stdio (the child spawned by StdioClientTransport), over Streamable HTTP (stateful,
 * and --stateless) and over legacy SSE (`proxmox-mcp sse` children, bearer token), each with a
 * clusters.json holding a deny rule and an audit_log, against two simulators that route like
 * pveproxy: one whose API schema cannot be loaded (apidoc.js 404: the schema pre-flight cannot help)
 * and one whose can. The clients declare elicitation and decline every question.
 *
 * What counts is what reached the simulators (their request logs, told apart per station by API
 * token) and what the audit file holds, never what the tool results say.
 *
 * One file on purpose: the audit checks at the end read the audit file the policy tests above wrote,
 * and count the refusals they noted; apart, they would have nothing to check.
 */

useStations();

describe.concurrent('policies hold through real transports (the built binary)', () => {
  for (const kind of TRANSPORTS) {
    it(`${kind}: no spelling of a denied path reaches the stop handler, schema unavailable or available`, async ({
      expect,
    }) => {
      const s = station(kind);
      await Promise.all(
        CLUSTERS.map(async (cluster) => {
          for (const path of STOP_SPELLINGS) {
            const r = await call(s, 'proxmox_api_call', { cluster, method: 'POST', path });
            // Refused, or harmless: whatever went out did not route to the stop handler (below).
            if (!r.isError)
              expect.soft(r.text, `${cluster} ${path}`).not.toMatch(/UPID:[^:]+:[^:]+:[^:]+:[^:]+:qmstop/);
          }
          // The plain spelling names the rule. (Soft checks: the request log below is the verdict.)
          const plain = await call(s, 'proxmox_api_call', {
            cluster,
            method: 'POST',
            path: STOP_SPELLINGS[0],
          });
          expect.soft(plain.text).toContain(`denied by policy rule "${DENY}"`);
          for (const wait of [false, 5]) {
            const action = await call(s, 'guest_action', { cluster, vmid: 101, action: 'stop', wait });
            expect.soft(action.isError).toBe(true);
            expect.soft(action.text).toContain(`denied by policy rule "${DENY}"`);
          }
        }),
      );
      for (const cluster of CLUSTERS) {
        const reached = requestsOf(simOf(cluster), s.label).filter(
          (q) => q.method !== 'GET' && isStop(fragmentsOf(q)),
        );
        expect(
          reached.map((q) => `${q.method} ${q.path}`),
          cluster,
        ).toEqual([]);
      }
      // Deny wins before confirm: nobody was asked about a stop.
      expect(s.asked.filter((m) => /qemu\/\d+\/status\/stop/.test(m))).toEqual([]);
    });

    it(`${kind}: with "* /**" denied on a cluster, no tool in tools/list gets a request out`, async ({
      expect,
    }) => {
      const s = station(kind);
      const tools = await s.listTools();
      const argsFor: Record<string, Record<string, unknown>> = {
        list_clusters: {},
        list_nodes: { cluster: 'locked' },
        get_cluster_resources: { cluster: 'locked' },
        get_guest: { cluster: 'locked', vmid: 100 },
        guest_action: { cluster: 'locked', vmid: 102, action: 'start', wait: false },
        guest_exec: { cluster: 'locked', vmid: 100, command: ['df', '-h'] },
        guest_file_read: { cluster: 'locked', vmid: 100, path: '/etc/os-release' },
        guest_file_write: { cluster: 'locked', vmid: 100, path: '/etc/motd', content: 'x' },
        get_task: {
          cluster: 'locked',
          upid: 'UPID:pve1:0003A1CB:062EAAE4:6B133D99:qmstop:100:root@pam!mcp:',
          wait_seconds: 0,
        },
        proxmox_api_describe: { cluster: 'locked', path: '/nodes/{node}/qemu/{vmid}/status/stop' },
        proxmox_api_call: { cluster: 'locked', method: 'POST', path: '/nodes/pve2/qemu/102/status/start' },
      };
      expect(
        tools.map((t) => t.name).filter((n) => !(n in argsFor)),
        'tools without a case here',
      ).toEqual([]);
      for (const tool of tools) {
        const r = await call(s, tool.name, argsFor[tool.name]!);
        if (tool.name === 'list_clusters') continue;
        if (tool.name === 'proxmox_api_describe') continue; // answers from the schema, if at all
        expect(r.text, tool.name).toMatch(/denied by policy rule "\* \/\*\*"/);
      }
      expect(requestsOf(pves.nodoc, `${s.label}-locked`).map((q) => `${q.method} ${q.path}`)).toEqual([]);
    });

    it(`${kind}: allowed writes go out; confirm-listed ones are asked, declined and never sent`, async ({
      expect,
    }) => {
      const s = station(kind);
      await Promise.all(
        CLUSTERS.map(async (cluster) => {
          const ok = async (tool: string, args: Record<string, unknown>) => {
            const r = await call(s, tool, { cluster, ...args });
            expect(r.isError, `${cluster} ${tool} ${JSON.stringify(args)}: ${r.text}`).toBe(false);
          };
          await ok('guest_action', { vmid: 102, action: 'start', wait: false });
          await ok('guest_action', { vmid: 105, action: 'reboot', wait: false });
          await ok('proxmox_api_call', {
            method: 'PUT',
            path: '/nodes/pve1/qemu/100/config',
            data: { description: `audited by ${s.label}` },
          });
          await ok('proxmox_api_call', {
            method: 'POST',
            path: '/nodes//pve1/qemu/100/snapshot/',
            data: { snapname: `e2e_${s.label}` },
          });
          // A secret parameter goes out, and is masked in the audit file and on stderr.
          await call(s, 'proxmox_api_call', {
            cluster,
            method: 'PUT',
            path: '/nodes/pve1/qemu/100/config',
            data: { cipassword: PARAM_SECRETS.cipassword },
          });

          const declined = async (tool: string, args: Record<string, unknown>) => {
            const before = s.asked.length;
            const r = await call(s, tool, { cluster, ...args });
            // --stateless cannot carry a question: confirm-listed requests are refused unasked.
            const unasked = kind === 'stateless-http' ? '|cannot ask: it runs stateless HTTP' : '';
            expect(r.isError, `${cluster} ${tool} ${JSON.stringify(args)}`).toBe(true);
            // Asked and declined; or refused before any question: by the path module, or (schema
            // available) by the pre-flight, for an endpoint the simulator's partial schema lacks.
            const preflight =
              cluster === 'doc'
                ? '|has no POST method|No API path matches|Parameter verification failed'
                : '';
            expect(r.text, `${cluster} ${JSON.stringify(args)}`).toMatch(
              new RegExp(`declined|escaped "/"${unasked}${preflight}`),
            );
            if (/declined/.test(r.text)) expect(s.asked.length).toBeGreaterThan(before);
          };
          await declined('proxmox_api_call', { method: 'POST', path: '/nodes/pve1/qemu/100/status/reset' });
          await declined('proxmox_api_call', { method: 'POST', path: '/nodes/pve1/qemu/100/status//reset/' });
          await declined('proxmox_api_call', { method: 'POST', path: '/nodes/pve1/qemu/100/status%2Freset' });
          await declined('proxmox_api_call', { method: 'POST', path: '/nodes/pve1/lxc/200/status/stop%2F' });
          await declined('proxmox_api_call', {
            method: 'DELETE',
            path: '/nodes/pve1/qemu/100/snapshot/pre-upgrade',
          });
          await declined('proxmox_api_call', { method: 'DELETE', path: '/nodes/pve1//qemu/104/' });
          await declined('proxmox_api_call', {
            method: 'POST',
            path: '/nodes/pve1/status',
            data: { command: 'Reboot' },
          });
          await declined('proxmox_api_call', {
            method: 'POST',
            path: '/nodes/pve1/qemu/100/status/shutdown',
            data: { forceStop: true },
          });
          await declined('proxmox_api_call', {
            method: 'POST',
            path: '/nodes/pve1/qemu/100/agent/exec',
            data: { command: ['cat'], 'input-data': PARAM_SECRETS.inputData },
          });
          await declined('guest_action', { vmid: 200, action: 'stop', wait: false });
          // Refused or declined, a TOTP value is never written out in clear.
          await call(s, 'proxmox_api_call', {
            cluster,
            method: 'POST',
            path: '/access/tfa/root@pam',
            data: { type: 'totp', totp: PARAM_SECRETS.totp, value: PARAM_SECRETS.totp },
          });
        }),
      );
      // Nothing that reached a simulator from this station is denied or needs a confirmation: judged on
      // the fragments the simulator routed and the parameters it parsed, not on what we sent.
      const policy: ClusterPolicy = { deny: [compileRule(DENY, 'test')], confirm: DEFAULT_POLICY.confirm };
      for (const cluster of CLUSTERS) {
        const writes = writesOf(s, simOf(cluster));
        expect(writes.length, `${cluster}: the allowed writes went out`).toBeGreaterThanOrEqual(4);
        for (const q of writes) {
          const verdict = evaluatePolicy(policy, {
            method: q.method,
            path: { path: q.path, segments: fragmentsOf(q) },
            params: paramsOf(q),
          });
          expect(verdict, `${cluster} ${q.method} ${q.path} ${q.body}`).toEqual({ verdict: 'ok' });
        }
      }
    });

    it(`${kind}: a server echoing the Authorization header gets no piece of the secret into the result`, async ({
      expect,
    }) => {
      const s = station(kind);
      const r = await call(s, 'proxmox_api_call', {
        cluster: 'echo',
        method: 'PUT',
        path: '/nodes/pve1/qemu/100/config',
        data: { description: 'echo' },
      });
      expect(r.isError).toBe(true);
      // The endpoint really did receive, and echo, this station's secret.
      expect(pves.echo.received.some((h) => h.includes(s.secrets[0]!))).toBe(true);
      expect(secretLeaks(r.text, s.secrets)).toEqual([]);
    });

    it(`${kind}: a write the client cancels while PVE holds it still gets its "result" record`, async ({
      expect,
    }) => {
      const s = station(kind);
      // Its own guest per transport: the fault holds every request to that path.
      const target = {
        stdio: '/nodes/pve2/qemu/103/config',
        'streamable-http': '/nodes/pve2/lxc/201/config',
        'stateless-http': '/nodes/pve3/lxc/202/config',
        'legacy-sse': '/nodes/pve1/qemu/104/config',
      }[kind];
      const fault = pves.nodoc.faults.add({ kind: 'hang', match: `PUT ${target}` });
      const abort = new AbortController();
      const pending = s
        .call('proxmox_api_call', { method: 'PUT', path: target, data: { description: kind } }, abort.signal)
        .catch((err: unknown) => err);
      try {
        const arrived = () => writesOf(s, pves.nodoc).some((q) => q.path === `/api2/json${target}`);
        const deadline = Date.now() + 10_000;
        while (!arrived() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        expect(arrived(), 'the PUT reached the simulator').toBe(true);
      } finally {
        abort.abort();
        await pending;
        fault.remove();
      }
      const deadline = Date.now() + 10_000;
      let records = readAudit(s.auditFile).filter((a) => a.path === target);
      while (records.length < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        records = readAudit(s.auditFile).filter((a) => a.path === target);
      }
      expect(records.map((a) => `${a.phase} ${a.outcome ?? ''}`)).toEqual(['sent ', 'result error']);
      // A --stateless server never hears of the cancellation (the notification is another POST, to a
      // fresh server): the request runs until the cluster's timeout, and is recorded as timed out.
      expect(records[1]!.message).toMatch(
        kind === 'stateless-http' ? /cancelled|timed out after 8000 ms/ : /cancelled/,
      );
    });
  }
});

// Not a concurrent suite: it must start after the one above has finished (adjacent concurrent suites
// run together); its tests run concurrently.
describe('the audit file of each transport', () => {
  for (const kind of TRANSPORTS) {
    it.concurrent(
      `${kind}: every write that reached PVE has a "sent" record before it and a "result" after it`,
      async ({ expect }) => {
        const s = station(kind);
        // The last "result" records (a cancelled call's included) may still be on their way.
        const deadline = Date.now() + 10_000;
        let audit = readAudit(s.auditFile);
        const open = () => {
          const results = new Set(audit.filter((a) => a.phase === 'result').map((a) => a.id));
          return audit.filter((a) => a.phase === 'sent' && !results.has(a.id));
        };
        while (open().length > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          audit = readAudit(s.auditFile);
        }
        const sent = audit.filter((a) => a.phase === 'sent');
        const used = new Set<string>();
        let matched = 0;
        for (const cluster of CLUSTERS) {
          for (const q of writesOf(s, simOf(cluster))) {
            const rel = q.path.replace(/^\/api2\/json/, '');
            const record = sent.find(
              (a) =>
                !used.has(a.id!) &&
                a.cluster === cluster &&
                a.method === q.method &&
                decodeURIComponent(a.path) === rel &&
                Date.parse(a.time) <= q.time,
            );
            expect(
              record,
              `no "sent" record before ${cluster} ${q.method} ${q.path} (${q.time})`,
            ).toBeDefined();
            used.add(record!.id!);
            // Written before the request left: the file already held it when the request arrived.
            const then = s.auditAtArrival.get(q);
            expect(then, `the audit file was read when ${q.method} ${q.path} arrived`).toBeDefined();
            expect(
              then!.some((a) => a.phase === 'sent' && a.id === record!.id),
              `the "sent" record of ${q.method} ${q.path} was not in the file when it arrived`,
            ).toBe(true);
            expect(then!.some((a) => a.phase === 'result' && a.id === record!.id)).toBe(false);
            const result = audit.find((a) => a.phase === 'result' && a.id === record!.id);
            expect(result, `no "result" record for ${q.method} ${q.path}`).toBeDefined();
            expect(Date.parse(result!.time)).toBeGreaterThanOrEqual(q.time);
            expect(result!.outcome).toMatch(/^(ok|error)$/);
            matched++;
          }
        }
        expect(matched).toBeGreaterThanOrEqual(10);
        // And no "sent" record without a request behind it (the echo endpoint counts its own).
        const unmatched = sent.filter((a) => !used.has(a.id!));
        expect(unmatched.map((a) => `${a.cluster} ${a.method} ${a.path}`)).toEqual(
          unmatched.filter((a) => a.cluster === 'echo').map((a) => `echo ${a.method} ${a.path}`),
        );

        // Every refused write is one "refused" record (no id), with its tool and method.
        const refused = audit.filter((a) => a.outcome === 'refused');
        for (const r of refused) expect(r.id, JSON.stringify(r)).toBeUndefined();
        const pool = [...refused];
        for (const c of refusedCalls.get(kind)!) {
          const i = pool.findIndex(
            (a) => a.tool === c.tool && a.method === c.method && a.cluster === c.cluster,
          );
          expect(i, `no "refused" record for ${JSON.stringify(c)}`).toBeGreaterThanOrEqual(0);
          pool.splice(i, 1);
        }
        // And no refusal recorded that no call was refused with.
        expect(pool.map((a) => `${a.cluster} ${a.tool} ${a.method} ${a.path}: ${a.message}`)).toEqual([]);
        expect(refusedCalls.get(kind)!.length).toBeGreaterThanOrEqual(2 * STOP_SPELLINGS.length);
      },
    );

    it.concurrent(
      `${kind}: no token secret, bearer token or secret parameter, whole or an 8-character piece, in the audit file, stderr or a result`,
      async ({ expect }) => {
        const s = station(kind);
        const secrets = [...s.secrets, ...Object.values(PARAM_SECRETS)];
        const text = readFileSync(s.auditFile, 'utf8');
        expect(text).toMatch(/"cipassword":"\*\*\*"/);
        expect(secretLeaks(text, secrets), 'audit file').toEqual([]);
        expect(secretLeaks(s.stderr(), secrets), 'stderr').toEqual([]);
        expect(secretLeaks(s.results.join('\n'), s.secrets), 'tool results').toEqual([]);
      },
    );
  }
});
