import { createInterface } from 'node:readline';

/** Ctrl-C or end of input while a question is open. */
export class PromptAbortedError extends Error {
  constructor(readonly signal: boolean) {
    super(signal ? 'interrupted' : 'input ended before every question was answered');
    this.name = 'PromptAbortedError';
  }
}

export interface Prompter {
  /** Asks until `check` accepts the answer (an empty answer takes `def`). `check` returns a complaint or undefined. */
  ask(question: string, def?: string, check?: (answer: string) => string | undefined): Promise<string>;
  confirm(question: string, def: boolean): Promise<boolean>;
  say(text: string): void;
  close(): void;
}

/**
 * Line-by-line questions over node:readline. Lines typed ahead (or pasted) are queued, so nothing is
 * lost while an answer is being acted on (e.g. during the TLS handshake of --fetch-fingerprint).
 */
export function createPrompter(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  terminal: boolean,
): Prompter {
  const rl = createInterface({ input, output, terminal });
  const queue: string[] = [];
  let waiting: { resolve: (line: string) => void; reject: (err: Error) => void } | undefined;
  let ended: PromptAbortedError | undefined;
  rl.on('line', (line) => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w.resolve(line);
    } else queue.push(line);
  });
  const abort = (signal: boolean) => {
    ended ??= new PromptAbortedError(signal);
    waiting?.reject(ended);
    waiting = undefined;
  };
  rl.on('SIGINT', () => {
    abort(true);
    rl.close();
  });
  rl.on('close', () => abort(false));

  const nextLine = (prompt: string): Promise<string> => {
    const queued = queue.shift();
    if (queued !== undefined) {
      output.write(`${prompt}${queued}\n`);
      return Promise.resolve(queued);
    }
    if (ended) return Promise.reject(ended);
    rl.setPrompt(prompt);
    rl.prompt();
    return new Promise((resolve, reject) => (waiting = { resolve, reject }));
  };

  const prompter: Prompter = {
    async ask(question, def, check) {
      for (;;) {
        const answer = (await nextLine(`${question}${def ? ` [${def}]` : ''}: `)).trim() || def || '';
        const complaint = check ? check(answer) : answer ? undefined : 'an answer is needed';
        if (!complaint) return answer;
        output.write(`  ${complaint}\n`);
      }
    },
    async confirm(question, def) {
      const answer = await prompter.ask(`${question} ${def ? '[Y/n]' : '[y/N]'}`, undefined, (a) =>
        !a || /^(y|yes|n|no)$/i.test(a) ? undefined : 'answer y or n',
      );
      return answer ? /^y/i.test(answer) : def;
    },
    say(text) {
      output.write(text);
    },
    close() {
      rl.close();
    },
  };
  return prompter;
}
