import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fixture, project, readJson } from './support/project.js';
import { runCli } from './support/run-cli.js';

const docs = (name: string) => readFile(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

/** The `$ herald …` commands of the console blocks of `text`, each with the output shown. */
function consoleCommands(text: string): { args: string[]; output: string }[] {
  const blocks = [...text.matchAll(/```console\n([\s\S]*?)```/g)].map((found) => found[1] ?? '');
  return blocks.flatMap((block) =>
    block
      .split(/^\$ /m)
      .filter((part) => part.trim() !== '')
      .map((part) => {
        const [command = '', ...output] = part.split('\n');
        return { args: command.split(' ').slice(1), output: output.join('\n') };
      }),
  );
}

describe('the controller commands of docs/cli.md', () => {
  it('print what the docs show, run in a project holding the docs module', async () => {
    const cli = await docs('cli.md');
    const section = cli.slice(
      cli.indexOf('## Controller commands'),
      cli.indexOf('## Admin commands'),
    );
    const commands = consoleCommands(section).filter(({ args }) => !args.includes('--url'));
    expect(commands.map(({ args }) => args[0])).toEqual([
      'compile',
      'compile',
      'validate',
      'inspect',
      'inspect',
    ]);
    const dir = await project(
      { 'src/controllers.ts': await fixture('chat.ts') },
      { typescript: true },
    );
    for (const { args, output } of commands) {
      const result = await runCli(args, {}, dir);
      expect(result.stderr, args.join(' ')).toBe('');
      expect(result.code, args.join(' ')).toBe(0);
      if (args.includes('--json')) {
        expect(JSON.parse(result.stdout)).toEqual(
          await readJson(dir, 'build/herald.manifest.json'),
        );
      } else {
        expect(result.stdout, args.join(' ')).toBe(output);
      }
    }
  });
});

describe('docs/manifest.md', () => {
  it('shows the manifest herald compile writes for the docs module', async () => {
    const text = await docs('manifest.md');
    const sample = JSON.parse(/```json\n([\s\S]*?)```/.exec(text)?.[1] ?? '') as object;
    const dir = await project({ 'src/controllers.ts': await fixture('chat.ts') });
    expect((await runCli(['compile'], {}, dir)).code).toBe(0);
    const written = await readJson(dir, 'herald.manifest.json');
    expect(sample).toEqual({ ...written, herald: '0.1.0' });
  });
});
