/**
 * A search engine of its own behind OpenSearch's REST API, empty as a new domain is, running in the test process:
 * the sandbox's engine (local/search), used as a stand-in, not as the target under test. A test that needs an
 * index nobody else writes (the deploy-time index setup) fills this one, whatever the target is.
 */
export { LocalSearchService as SearchEngine } from '../../local/search/server';
