// Shared vitest pieces of the workspace packages.
export { LeftOutReporter, leftOutLine, skippedSuites } from './left-out-reporter.js';
export { servicesLeftOut, serviceVariables } from './services.js';
