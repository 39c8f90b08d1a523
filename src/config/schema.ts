import { z } from 'zod';
import { ruleProblem } from '../safety/rules.js';
import { execPatternProblem } from '../safety/exec-policy.js';

/**
 * The shape of clusters.json. Strict objects: a misspelt key (`verify_tls`) is an error that names
 * it, not a silently ignored setting.
 */
const fingerprint = z
  .string()
  .transform((s) =>
    s
      .trim()
      .toUpperCase()
      .replace(/^SHA256[:=]/, ''),
  )
  .refine((s) => /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(s) || /^[0-9A-F]{64}$/.test(s), {
    message:
      'must be a SHA-256 fingerprint: 32 hex byte pairs separated by colons, as shown in the PVE GUI under Certificates (or by `proxmox-mcp check`)',
  })
  .transform((s) => (s.includes(':') ? s : s.match(/../g)!.join(':')));

/** `"METHOD /path/pattern"`; checked here so a bad rule is reported with its key path at start-up. */
const policyRule = z.string().superRefine((rule, ctx) => {
  const problem = ruleProblem(rule);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A command pattern such as "df *" (src/safety/exec-policy.ts). */
const execPattern = z.string().superRefine((pattern, ctx) => {
  const problem = execPatternProblem(pattern);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Commands inside guests (QEMU agent exec), by command pattern; see src/safety/exec-policy.ts. */
export const execPolicySchema = z
  .object({
    allow: z.array(execPattern).optional(),
    deny: z.array(execPattern).optional(),
    confirm: z.array(execPattern).optional(),
    read_only_allow: z.array(execPattern).optional(),
  })
  .strict();

/** Request policy (see src/safety/policy.ts): deny wins, allow makes an allow-list, confirm asks a person. */
export const policySchema = z
  .object({
    allow: z.array(policyRule).optional(),
    deny: z.array(policyRule).optional(),
    confirm: z.array(policyRule).optional(),
    exec: execPolicySchema.optional(),
  })
  .strict();

/** See ConfirmationMode in types.ts. */
const confirmation = z.enum(['client-approval', 'strict'], {
  message:
    'must be "client-approval" (clients without elicitation: their own approval is the check; the default) or "strict" (refuse)',
});

/** A list of claim values a role is given to; `"*"` is anyone signed in. */
const roleValues = z.array(z.string().min(1, 'is empty; write a claim value such as "pve-admins", or "*"'));

/**
 * Per-person roles (src/safety/roles.ts), used when a person signed in over OAuth: the highest role
 * whose list holds one of the person's values of the named claims.
 */
export const accessSchema = z
  .object({
    /** The token claims whose values are matched (default ["groups"]). */
    claims: z.array(z.string().min(1)).min(1, 'names no claim; e.g. ["groups"]').optional(),
    roles: z
      .object({
        admin: roleValues.optional(),
        operator: roleValues.optional(),
        reader: roleValues.optional(),
      })
      .strict(),
  })
  .strict();

/** `"user"`: each person's own PVE API token, from the X-Proxmox-Token header of their request. */
const tokenFrom = z.enum(['user'], {
  message:
    'must be "user" (each person sends their own PVE API token in the X-Proxmox-Token header) or be left out (the token_id/token_secret of this entry)',
});

export const clusterEntrySchema = z
  .object({
    url: z.string().min(1, 'is required, e.g. "pve1.example.com:8006"'),
    // Required unless token_from is "user" (resolve-file.ts says so, at the key).
    user: z
      .string()
      .regex(/^[^\s:/!@]+@[A-Za-z][A-Za-z0-9.\-_]+$/, 'must be user@realm, e.g. "mcp@pve" or "root@pam"')
      .optional(),
    token_id: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9.\-_]+$/,
        'must be the token name only (for mcp@pve!mytoken it is "mytoken"): a letter followed by letters, digits, ".", "-" or "_"',
      )
      .optional(),
    token_from: tokenFrom.optional(),
    token_secret: z.string().min(1, 'is empty').optional(),
    token_secret_file: z.string().min(1).optional(),
    verify_ssl: z.boolean().optional(),
    fingerprint: fingerprint.optional(),
    ca_file: z.string().min(1).optional(),
    read_only: z.boolean().optional(),
    timeout_ms: z.number().int().min(1000).max(600_000).optional(),
    policy: policySchema.optional(),
    confirmation: confirmation.optional(),
    /** This cluster's own roles, replacing the top-level `access` as a whole. */
    access: accessSchema.optional(),
  })
  .strict();

export const configFileSchema = z
  .object({
    $schema: z.string().optional(),
    default: z.string().optional(),
    read_only: z.boolean().optional(),
    /** The default policy of every cluster, key by key. */
    policy: policySchema.optional(),
    /** What `confirm` rules do when the person cannot be asked (per cluster too). */
    confirmation: confirmation.optional(),
    /** File that every non-GET request is appended to as one JSON line (relative to this file). */
    audit_log: z.string().min(1, 'is empty; give a file path or leave audit_log out').optional(),
    /** Per-person roles of every cluster (used only when people sign in over OAuth). */
    access: accessSchema.optional(),
    clusters: z.record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'cluster names use letters, digits, ".", "_" and "-"'),
      clusterEntrySchema,
    ),
  })
  .strict();

export type ClusterEntry = z.infer<typeof clusterEntrySchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;
export type AccessEntry = z.infer<typeof accessSchema>;
