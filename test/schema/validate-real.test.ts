import { beforeAll, describe, expect, it } from 'vitest';
import { validateParams, type ApiIndex, type ValidationResult } from '../../src/schema/index.js';
import { compilePerlPattern } from '../../src/schema/perl-regex.js';
import type { PropertySchema } from '../../src/schema/types.js';
import { hasShared, realIndex, REAL_SCHEMAS, skipReason } from './fixtures.js';

const NOT_DEFINED = 'property is not defined in schema and the schema does not allow additional properties';

describe.skipIf(!hasShared)(`validation against real PVE schemas ${hasShared ? '' : skipReason}`, () => {
  for (const { label, file } of REAL_SCHEMAS) {
    describe(`PVE ${label}`, () => {
      let index: ApiIndex;
      beforeAll(() => {
        index = realIndex(file);
      });
      const call = (method: string, path: string, params: Record<string, unknown>): ValidationResult => {
        const m = index.match(path);
        if (!m) throw new Error(`no match for ${path}`);
        const info = index.method(m.template, method);
        if (!info) throw new Error(`no ${method} on ${m.template}`);
        return validateParams(info, m.pathParams, params, 'form');
      };

      it('booleans: "true" is coerced and reported, "maybe" fails as in PVE', () => {
        const ok = call('POST', '/nodes/pve1/qemu/100/snapshot/before/rollback', { start: 'true' });
        expect(ok).toMatchObject({ ok: true, params: { start: 1 }, coercions: ["start: 'true' → 1"] });
        expect(call('GET', '/nodes/pve1/qemu', { full: 'maybe' }).errors).toEqual({
          full: "type check ('boolean') failed - got 'maybe'",
        });
      });

      it('enums, integer ranges and VM ids', () => {
        expect(call('GET', '/cluster/resources', { type: 'vms' }).errors).toEqual({
          type: "value 'vms' does not have a value in the enumeration 'vm, storage, node, sdn'",
        });
        expect(call('POST', '/nodes/pve1/qemu/100/config', { cores: 0 }).errors).toEqual({
          cores: 'value must have a minimum value of 1',
        });
        expect(call('POST', '/nodes/pve1/qemu/100/status/start', { timeout: -1 }).errors).toEqual({
          timeout: 'value must have a minimum value of 0',
        });
        expect(call('POST', '/nodes/pve1/qemu/99/status/start', {}).errors).toEqual({
          vmid: 'invalid format - value does not look like a valid VM ID',
        });
      });

      it('patterns, named formats and lengths', () => {
        expect(
          call('POST', '/nodes/pve1/qemu/100/status/start', { 'nets-host-mtu': 'net0=1500,x' }).errors,
        ).toEqual({
          'nets-host-mtu': 'value does not match the regex pattern',
        });
        expect(call('POST', '/nodes/pve1/qemu/100/snapshot', { snapname: 'a b' }).errors).toEqual({
          snapname: "invalid format - invalid configuration ID 'a b'",
        });
        expect(call('POST', '/nodes/pve1/qemu/100/snapshot', { snapname: 's'.repeat(41) }).errors).toEqual({
          snapname: 'value may only be 40 characters long',
        });
        expect(call('POST', '/nodes/bad_node/qemu/100/status/start', {}).errors).toEqual({
          node: 'invalid format - value does not look like a valid node name',
        });
      });

      it('missing required and unknown parameters', () => {
        expect(call('POST', '/nodes/pve1/qemu/100/snapshot', {}).errors).toEqual({
          snapname: 'property is missing and it is not optional',
        });
        expect(call('GET', '/nodes', { full: 1 }).errors).toEqual({ full: NOT_DEFINED });
      });

      it('collapsed indexed parameters: net0/scsi30 resolve, net32/scsi31 do not exist', () => {
        const ok = call('POST', '/nodes/pve1/qemu/100/config', {
          net0: 'virtio,bridge=vmbr0',
          scsi30: 'local-lvm:8',
        });
        expect(ok.errors).toEqual({});
        expect(
          call('POST', '/nodes/pve1/qemu/100/config', { net32: 'virtio', scsi31: 'local-lvm:8' }).errors,
        ).toEqual({
          net32: NOT_DEFINED,
          scsi31: NOT_DEFINED,
        });
      });

      it('property strings: sub-key errors carry the dotted key', () => {
        expect(
          call('POST', '/nodes/pve1/qemu/100/config', { net0: 'model=foo,bridge=vmbr0' }).errors.net0,
        ).toMatch(
          /^invalid format - format error\nnet0\.model: value 'foo' does not have a value in the enumeration 'e1000, /,
        );
        expect(
          call('POST', '/nodes/pve1/qemu/100/config', { agent: 'enabled=1,type=usb' }).errors.agent,
        ).toBe(
          "invalid format - format error\nagent.type: value 'usb' does not have a value in the enumeration 'virtio, isa'",
        );
        // parse_boolean inside property strings accepts True (the ansible report predates it).
        expect(call('POST', '/nodes/pve1/qemu/100/config', { agent: 'enabled=True' }).ok).toBe(true);
      });

      it('every pattern in the schema compiles for JS', () => {
        const patterns = new Set<string>();
        const walk = (s: unknown): void => {
          if (!s || typeof s !== 'object') return;
          const p = (s as PropertySchema).pattern;
          if (typeof p === 'string') patterns.add(p);
          for (const v of Object.values(s)) walk(v);
        };
        for (const e of index.endpoints) walk(e.info.parameters);
        expect(patterns.size).toBeGreaterThan(40);
        const failed = [...patterns].filter((p) => !compilePerlPattern(p));
        expect(failed).toEqual([]);
      });
    });
  }
});
