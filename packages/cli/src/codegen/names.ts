/**
 * Names in generated code, made from manifest names: event names (`message.send`), controller
 * class names (`ChatSocket`) and channel patterns (`room:{room}`).
 */

/**
 * The words of a name: `message.send` → `message`, `send`; `userID-list` → `user`, `ID`, `list`.
 * Accents are dropped (`héllo` → `hello`): names stay ASCII, as AsyncAPI's component keys must.
 */
function words(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** `message.send` → `MessageSend`; a name starting with a digit gets a leading `_`. */
export function pascalCase(name: string): string {
  const joined = words(name).map(capitalize).join('');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** `message.send` → `MessageSend`; `Event` for a name with no letter or digit to keep (`💥`). */
export function eventBaseName(event: string): string {
  return pascalCase(event) || 'Event';
}

/** `message.send` → `messageSend`, `💥` → `event`: a client's method for a client event. */
export function eventMethodName(event: string): string {
  const base = eventBaseName(event);
  return base.charAt(0).toLowerCase() + base.slice(1);
}

/**
 * What a namespace is called in generated code: its controller's class name, else (a namespace of
 * the functional API, described by a running gateway) its path's literal segments:
 * `/feed/:topic` → `Feed`, `/` → `Root`.
 */
export function namespaceName(entry: { controller: string; path: string }): string {
  if (entry.controller !== '') return entry.controller;
  const literals = entry.path.split('/').filter((part) => part !== '' && !part.startsWith(':'));
  return pascalCase(literals.join(' ')) || 'Root';
}

// Suffixes a controller class usually carries, left out of the client's name: ChatSocket → Chat.
const controllerSuffixes = ['SocketController', 'Controller', 'Socket', 'Gateway'];

function withoutSuffix(name: string): string {
  const suffix = controllerSuffixes.find((end) => name.endsWith(end) && name.length > end.length);
  return suffix === undefined ? name : name.slice(0, -suffix.length);
}

/**
 * The names of the namespaces' generated clients and types, in order: `ChatSocket` → `Chat`.
 * Namespaces that would share one keep their full names (`ChatSocket`, `ChatController`): a
 * number would depend on their order, and adding a controller could hand `createChatClient` to
 * another namespace without a compile error.
 */
export function clientBaseNames(
  entries: readonly { controller: string; path: string }[],
): string[] {
  const full = entries.map((entry) => pascalCase(namespaceName(entry)) || 'Namespace');
  const short = full.map(withoutSuffix);
  return short.map((name, index) =>
    short.indexOf(name) === short.lastIndexOf(name) ? name : (full[index] as string),
  );
}

/** `room:{room}` → `Room`, `user:#{id}:inbox` → `UserInbox`, `*` → `Channel`: the literal parts. */
export function channelBaseName(pattern: string): string {
  return pascalCase(pattern.replace(/#?\{[^}]*\}|\*/g, ' ')) || 'Channel';
}

/** A property key as TypeScript writes it: bare when it is an identifier, else quoted. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** Hands out names once: a second `Room` becomes `Room2`. */
export class NameSet {
  readonly #used = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.#used.add(name);
  }

  take(name: string): string {
    let candidate = name;
    for (let n = 2; this.#used.has(candidate); n += 1) candidate = `${name}${n}`;
    this.#used.add(candidate);
    return candidate;
  }
}
