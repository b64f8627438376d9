import type { BrokerHealth } from '../broker/broker.js';
import type { GatewayHealth } from '../cluster/node-info.js';

export type { GatewayHealth };

/** `/health/live` and `/health/ready`: a verdict and the state of each part it is made of. */
export interface HealthReport {
  status: 'ok' | 'unavailable';
  components: {
    /** `required`: whether readiness depends on it (`health.readyRequiresBroker`). */
    broker: BrokerHealth & { required: boolean };
    shutdown: { status: 'ok' | 'closing' };
    connections: { status: 'ok'; active: number };
  };
}

/** The components of a node's health report, with its readiness verdict. */
export function readiness(health: GatewayHealth, requiresBroker: boolean): HealthReport {
  const closing = health.status === 'closing';
  const brokerDown = requiresBroker && health.broker.status !== 'ok';
  return {
    status: closing || brokerDown ? 'unavailable' : 'ok',
    components: {
      broker: { ...health.broker, required: requiresBroker },
      shutdown: { status: closing ? 'closing' : 'ok' },
      connections: { status: 'ok', active: health.connections },
    },
  };
}
