/**
 * The pveum lines that grant a role to an API token, shared by `proxmox-mcp check` and the 403 advice
 * in tool errors so both say the same thing. Which line matters depends on how the token was made,
 * which the token itself usually cannot read:
 * - privilege-separated (the default of `pveum user token add` and the GUI): its rights are the
 *   intersection of its own ACLs and its user's, so it needs both lines;
 * - `--privsep 0`: it has exactly its user's rights, so the --users line alone.
 * root@pam holds every privilege, so for its tokens only the token's own ACL can be missing.
 */
export function grantCommandPair(path: string, role: string, user: string, token: string): string[] {
  const lines = [`pveum acl modify ${path} --tokens '${token}' --roles ${role}`];
  if (user !== 'root@pam') lines.push(`pveum acl modify ${path} --users ${user} --roles ${role}`);
  return lines;
}

/** When each of the grantCommandPair lines applies, in one sentence. */
export function whichGrantApplies(user: string): string {
  return user === 'root@pam'
    ? 'root@pam has every privilege, so the token is privilege-separated and needs its own ACL (the --tokens line).'
    : "A token with privilege separation (the default) needs both lines: its own ACL, and the privilege on its user too; a token created with --privsep 0 has its user's rights: the --users line alone.";
}
