import type { Namespace } from '../namespace/namespace.js';
import {
  buildManifest,
  convertedSchema,
  functionName,
  guardEntries,
  plainOptions,
} from './manifest.js';
import type { Manifest, ManifestNamespace } from './manifest-schema.js';
import type { ControllerClass } from './metadata.js';
import type { Provider } from './providers.js';

/** A controller registered with a gateway, and the namespace it was compiled to. */
export interface RegisteredController {
  controller: ControllerClass;
  namespace: Namespace;
}

/**
 * A running gateway in the manifest format, namespaces in the order they were declared: a
 * registered controller fully, as `herald compile` would; a namespace of the functional API with
 * what it knows (functions by name; `controller` and `export` empty). What cannot be described,
 * such as a schema without a JSON Schema conversion, is left out.
 */
export function describeGateway(
  namespaces: readonly Namespace[],
  registered: readonly RegisteredController[],
  providers: readonly Provider[],
  module: string,
): Manifest {
  const { manifest } = buildManifest({
    controllers: registered.map(({ controller }) => ({ export: controller.name, controller })),
    providers,
    module,
  });
  const described = new Map(
    registered.map(({ namespace }, index) => [namespace, manifest.namespaces[index]]),
  );
  manifest.namespaces = namespaces.map(
    (namespace) => described.get(namespace) ?? describeNamespace(namespace),
  );
  return manifest;
}

function describeNamespace(namespace: Namespace): ManifestNamespace {
  const outline = namespace.outline();
  const handshakeGuards = namespace.options.handshakeGuards ?? [];
  // A schema that does not convert is left out: a running gateway's description has no problems list.
  const ignore = () => {};
  return {
    controller: '',
    export: '',
    path: namespace.pattern.source,
    params: namespace.pattern.paramNames,
    options: plainOptions(namespace.options),
    inject: [],
    guards: guardEntries(handshakeGuards.map((guard) => ({ guard, priority: 0 }))),
    connect: outline.connect.map(functionName),
    disconnect: outline.disconnect.map(functionName),
    events: outline.events.map(({ name, handler, schema, ack, guards }) => {
      const converted = convertedSchema(schema, 'input', ignore);
      return {
        name,
        method: functionName(handler),
        ...(converted && { schema: converted }),
        ack,
        guards: guardEntries(guards),
      };
    }),
    channels: outline.channels.map(({ kind, pattern, params, hook }) => ({
      kind,
      pattern,
      params,
      method: functionName(hook),
    })),
    emits: [],
  };
}
