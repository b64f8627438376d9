export { createHttpApi, type HttpApiHandler, type HttpApiOptions } from './http-api.js';
export { dashboardHtml, type DashboardOptions } from './dashboard.js';
