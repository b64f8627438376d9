/**
 * Names in generated code, made from manifest names: event names (`message.send`), controller
 * class names (`ChatSocket`) and channel patterns (`room:{room}`).
 */

/** The words of a name: `message.send` → `message`, `send`; `userID-list` → `user`, `ID`, `list`. */
function words(name: string): string[] {
  return name
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

/** `message.send` → `messageSend`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
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

/** The name of a controller's generated client: `ChatSocket` → `Chat`. */
export function clientBaseName(controller: string): string {
  const base = pascalCase(controller);
  for (const suffix of controllerSuffixes) {
    if (base.endsWith(suffix) && base.length > suffix.length) return base.slice(0, -suffix.length);
  }
  return base || 'Namespace';
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
