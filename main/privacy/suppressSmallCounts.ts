/**
 * k-anonymous count exports for main-side exports (CLI, reports). The implementation is DOM- and
 * Node-free and lives with the people-flow module so the page's CSV export uses the same rule.
 */
export { countsToCsv, DEFAULT_K, suppressSmallCounts, type ExportedCount } from '../../workers/peopleflow/suppressSmallCounts.js';
