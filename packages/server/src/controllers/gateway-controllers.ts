import type { Logger } from 'pino';
import { ConfigError } from '../errors.js';
import type { Namespace } from '../namespace/namespace.js';
import { ControllerContainer } from './container.js';
import { checkController } from './controller-checks.js';
import { describeGateway, type RegisteredController } from './describe.js';
import type { Manifest } from './manifest-schema.js';
import { controllerMetadata, type ControllerClass } from './metadata.js';
import { isProvider, type Provider } from './providers.js';
import { compileController, type ControllerHost } from './register.js';

/** What a gateway shows of itself to its controllers. */
export interface ControllersHost extends ControllerHost {
  readonly logger: Logger;
  readonly namespaces: readonly Namespace[];
}

/** A gateway's controllers and their providers: what `provide`, `register` and `manifest` act on. */
export class GatewayControllers {
  readonly #container: ControllerContainer;
  readonly #registered: RegisteredController[] = [];

  constructor(private readonly host: ControllersHost) {
    this.#container = new ControllerContainer(host.logger);
  }

  provide(providers: readonly Provider[]): void {
    for (const provider of providers) {
      if (!isProvider(provider)) {
        throw new ConfigError(
          `gateway.provide takes providers made with singleton(), perConnection() or value(), ` +
            `not ${describe(provider)}`,
        );
      }
    }
    for (const provider of providers) this.#container.add(provider);
  }

  /** Checks every controller first, so that a refused one leaves the gateway as it was. */
  register(controllers: readonly ControllerClass[]): void {
    const paths = new Set(this.host.namespaces.map((namespace) => namespace.pattern.source));
    const checked = controllers.map((controller) => {
      const meta = metadataOf(controller);
      checkController(meta, this.#container, paths);
      paths.add(meta.path);
      return { controller, meta };
    });
    for (const { controller, meta } of checked) {
      const namespace = compileController(this.host, this.#container, controller, meta);
      this.#registered.push({ controller, namespace });
    }
  }

  manifest(module: string): Manifest {
    const { namespaces } = this.host;
    return describeGateway(namespaces, this.#registered, this.#container.providers, module);
  }

  /** Disposes the singletons; for the gateway's shutdown, once its connections are gone. */
  close(): Promise<void> {
    return this.#container.dispose();
  }
}

function metadataOf(controller: ControllerClass) {
  if (typeof controller !== 'function') {
    throw new ConfigError(
      `gateway.register takes classes declared with @Socket(path), not ${describe(controller)}`,
    );
  }
  try {
    return controllerMetadata(controller);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

const describe = (value: unknown): string =>
  typeof value === 'function' ? `the class ${value.name || '(anonymous)'}` : typeof value;
