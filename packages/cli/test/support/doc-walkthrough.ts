import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * A walk-through in the docs, as steps a test replays: files to write (```ts file=src/x.ts),
 * commands to run (```sh), commands left running (```sh background) and output a command must
 * print (```text output, each line found in the previous command's output).
 */
export type Step =
  | { kind: 'file'; path: string; content: string }
  | { kind: 'run'; script: string }
  | { kind: 'background'; script: string }
  | { kind: 'output'; lines: string[] };

const fence = /^```(\S*)([^\n]*)\n([\s\S]*?)^```$/gm;

/** The steps of the markdown between `## start` (inclusive) and the next `## ` heading. */
export function readWalkthrough(markdown: string, start: string): Step[] {
  const from = markdown.indexOf(`## ${start}`);
  if (from < 0) throw new Error(`no section '## ${start}'`);
  const next = markdown.indexOf('\n## ', from + 3);
  const section = markdown.slice(from, next < 0 ? undefined : next);
  const steps: Step[] = [];
  for (const [, language, info = '', body = ''] of section.matchAll(fence)) {
    const words = info.trim().split(/\s+/);
    const file = words.find((word) => word.startsWith('file='));
    if (file) steps.push({ kind: 'file', path: file.slice('file='.length), content: body });
    else if (language === 'sh' && words.includes('background'))
      steps.push({ kind: 'background', script: body });
    else if (language === 'sh') steps.push({ kind: 'run', script: body });
    else if (language === 'text' && words.includes('output'))
      steps.push({ kind: 'output', lines: body.split('\n').filter((line) => line.trim() !== '') });
  }
  return steps;
}

export interface Replay {
  /** What each file and command is rewritten with first (a spare port for the documented one). */
  rewrite: (text: string) => string;
  /** Stands in for `npm install ...` lines: the packages given, in the folder given. */
  install: (folder: string, packages: string[]) => Promise<void>;
  /** Waits until a background command is ready (its server answers). */
  ready: (output: () => string) => Promise<void>;
}

export interface Replayed {
  /** Every command with its output, in order. */
  runs: { script: string; status: number | null; output: string }[];
  /** Stops the commands left running (their whole process groups). */
  stop(): void;
}

/**
 * Replays `steps` from `root`. Each ```sh block runs in bash (`set -e`) in the folder the
 * previous one ended in; `npm install` lines go to `replay.install`.
 */
export async function replayWalkthrough(
  steps: readonly Step[],
  root: string,
  replay: Replay,
): Promise<Replayed> {
  let cwd = root;
  const groups: number[] = [];
  const result: Replayed = {
    runs: [],
    stop: () => {
      for (const pid of groups.splice(0)) {
        try {
          process.kill(-pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
    },
  };
  for (const step of steps) {
    if (step.kind === 'file') {
      const path = join(cwd, step.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, replay.rewrite(step.content));
      continue;
    }
    if (step.kind === 'output') {
      const last = result.runs.at(-1);
      for (const line of step.lines) {
        if (!last?.output.includes(replay.rewrite(line).trim())) {
          throw new Error(
            `expected output line not printed: ${line}\n--- output of\n${last?.script}\n${last?.output}`,
          );
        }
      }
      continue;
    }
    const lines: string[] = [];
    for (const line of replay.rewrite(step.script).split('\n')) {
      const install = /^npm install (?:-D )?(.+)$/.exec(line.trim());
      if (install?.[1]) await replay.install(cwd, install[1].split(/\s+/));
      else lines.push(line);
    }
    const state = join(root, '.walkthrough-cwd');
    const script = `set -e\ncd ${JSON.stringify(cwd)}\n${lines.join('\n')}\npwd > ${JSON.stringify(state)}\n`;
    const background = step.kind === 'background';
    // A process group of its own, so that stop() ends what the command started too.
    const child = spawn('bash', ['-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    if (background) {
      if (child.pid !== undefined) groups.push(child.pid);
      await replay.ready(() => output);
      continue;
    }
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    result.runs.push({ script: step.script, status, output });
    if (status !== 0) throw new Error(`exit ${status}: ${step.script}\n${output}`);
    cwd = (await readFile(state, 'utf8')).trim();
  }
  return result;
}

/** Installs `name` in `folder` as a link to `target`, with its bin entries, as npm would. */
export async function linkPackage(folder: string, name: string, target: string): Promise<void> {
  const link = join(folder, 'node_modules', name);
  await mkdir(dirname(link), { recursive: true });
  await symlink(target, link, 'dir');
  const manifest = JSON.parse(await readFile(join(target, 'package.json'), 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bins =
    typeof manifest.bin === 'string'
      ? { [name.split('/').pop() ?? name]: manifest.bin }
      : (manifest.bin ?? {});
  await mkdir(join(folder, 'node_modules', '.bin'), { recursive: true });
  for (const [bin, file] of Object.entries(bins)) {
    // npm makes a bin executable when it installs it; a build's output is not, by itself.
    await chmod(join(target, file), 0o755);
    await symlink(join(target, file), join(folder, 'node_modules', '.bin', bin));
  }
}
