import { describe, expect, it } from 'vitest';
import { compiledFixture, fixture, fixtureDir, project } from './support/project.js';
import { runCli } from './support/run-cli.js';

/** `herald validate <fixture>` in the fixtures' folder, so that messages name the file alone. */
const validate = (name: string) => runCli(['validate', name], {}, fixtureDir);

describe('herald validate', () => {
  it('exits 0 with a one-line summary when the controllers have no problem', async () => {
    const result = await validate('chat.ts');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('2 controllers, 2 events, 2 channel handlers: no problems\n');
  });

  it('reports namespace paths that can match the same request path', async () => {
    const result = await validate('path-conflict.ts');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        "herald: RoomSocket.@Socket: path /chat/:room conflicts with LobbySocket's /chat/lobby: both match /chat/lobby",
        'herald: 2 controllers, 0 events, 0 channel handlers: 1 problem',
        '',
      ].join('\n'),
    );
  });

  it('reports an event handled twice in one controller', async () => {
    const result = await validate('duplicate-event.ts');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "herald: ChatSocket.sendAgain: event 'message.send' is already handled by ChatSocket.send\n",
    );
  });

  it('reports schemas that cannot be converted and values that are not schemas', async () => {
    const result = await validate('bad-schema.ts');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        'herald: CalendarSocket.plan: schema cannot be converted to JSON Schema: Date cannot be represented in JSON Schema',
        'herald: CalendarSocket.cancel: schema cannot be converted to JSON Schema: is not a Standard Schema (zod v4, Valibot, ArkType, ...)',
        'herald: 1 controller, 2 events, 0 channel handlers: 2 problems',
        '',
      ].join('\n'),
    );
  });

  it('reports an acknowledged event whose method returns nothing, read from its types', async () => {
    const result = await validate('ack-void.ts');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "herald: NotesSocket.save: event 'note.save' is declared ack: true but the method returns Promise<void>: return the acknowledgement's payload\n",
    );
  });

  it('reports an emitted event declared without a schema', async () => {
    const result = await validate('emits-no-schema.ts');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "herald: PriceSocket.@Emits: event 'price.tick' is declared without a schema: clients cannot type its payload\n",
    );
  });

  it('reports DI tokens that no provider provides, for controllers and providers', async () => {
    const result = await validate('missing-provider.ts');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        'herald: ChatSocket.@Socket: needs PresenceStore, which has no provider: add singleton(PresenceStore), perConnection(PresenceStore) or value(PresenceStore, ...) to the providers export',
        'herald: providers.AuditLog: needs Clock, which has no provider: add singleton(Clock), perConnection(Clock) or value(Clock, ...) to the providers export',
        'herald: 1 controller, 0 events, 0 channel handlers: 2 problems',
        '',
      ].join('\n'),
    );
  });

  it('skips the return type rule for a JavaScript module, and says so', async () => {
    const dir = await project({ 'dist/controllers.js': await compiledFixture('ack-void.ts') });
    const result = await runCli(['validate', 'dist/controllers.js'], {}, dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      '1 controller, 1 event, 0 channel handlers: no problems (return types of ack events not checked: the entry is JavaScript)\n',
    );
  });

  it('skips the return type rule when the project has no typescript, and says so', async () => {
    const source = { 'src/controllers.ts': await fixture('ack-void.ts') };
    const without = await runCli(['validate'], {}, await project(source));
    expect(without.code).toBe(0);
    expect(without.stdout).toBe(
      '1 controller, 1 event, 0 channel handlers: no problems (return types of ack events not checked: typescript is not installed)\n',
    );
    const withTypeScript = await runCli(
      ['validate'],
      {},
      await project(source, { typescript: true }),
    );
    expect(withTypeScript.code).toBe(1);
    expect(withTypeScript.stderr).toContain('NotesSocket.save: ');
  });
});
