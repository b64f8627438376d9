import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/**
 * An OpenTelemetry SDK that keeps finished spans in memory, for tests of Herald's tracing. It is
 * registered globally with a context manager (the active span is how a publish joins its event's
 * trace), from `register` until `unregister`.
 */
export class SpanRecorder {
  readonly exporter = new InMemorySpanExporter();
  readonly #provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(this.exporter)],
  });

  register(): void {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(this.#provider);
  }

  async unregister(): Promise<void> {
    trace.disable();
    context.disable();
    await this.#provider.shutdown();
  }
}
