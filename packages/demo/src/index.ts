export { ChatSocket, registerChat } from './chat.js';
export { startDemo, type DemoOptions, type DemoServer } from './demo-server.js';
