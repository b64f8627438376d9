export { registerChat } from './chat.js';
export { startDemo, type DemoServer } from './demo-server.js';
