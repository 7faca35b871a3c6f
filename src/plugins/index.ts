export { loadPlugins } from './loader';
export type { PluginOptions, PluginReport } from './loader';
export { defaultPluginSearch, PLUGIN_FIELD } from './discover';
export { pluginRoutes } from './routes';
