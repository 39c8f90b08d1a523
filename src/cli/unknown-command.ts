import type { Command } from 'commander';
import { editDistance } from '../edit-distance.js';

/**
 * `proxmox-mcp chek` reaches the default command (`stdio`) as a stray operand, which commander would
 * report as "too many arguments for 'stdio'". Name it as what it is, with the closest command.
 */
export function unknownCommandMessage(word: string, program: Command): string {
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]).filter((n) => n !== 'help');
  const best = names
    .map((name) => ({ name, d: editDistance(word.toLowerCase(), name) }))
    .sort((a, b) => a.d - b.d)[0];
  const hint =
    best && best.d <= Math.max(1, Math.floor(best.name.length / 2)) ? ` Did you mean ${best.name}?` : '';
  return `unknown command '${word}'.${hint} Commands: ${names.join(', ')} (proxmox-mcp --help).`;
}
