import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `content` written as a herald.config.json in a new temporary folder; its path. */
export async function configFile(content: object): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'herald-')), 'herald.config.json');
  await writeFile(path, JSON.stringify(content));
  return path;
}
