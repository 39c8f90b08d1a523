import { InvalidArgumentError } from 'commander';

// Option value parsers for the commands (src/cli/program.ts): commander reports their errors as usage
// errors. Apart from shared.ts so that the bare stdio start-up (src/cli.ts) never loads commander.

export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < 0.1 || n > 600)
    throw new InvalidArgumentError('expected seconds from 0.1 to 600.');
  return n;
}

export function collectNames(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free port).');
  return Number(value);
}
