import 'swagger-ui-dist/swagger-ui.css';
import './docs.css';
// Swagger UI's prebuilt browser bundle, served as a file of this build: as a module of the graph it would need
// the CommonJS interop runtime, which the bundler would then split out of the shop's entry into a shared chunk.
import swaggerUiBundle from 'swagger-ui-dist/swagger-ui-bundle.js?url';
import type { SwaggerUIBundle } from './swagger-ui';

/** The API's own description, from this origin: the page loads nothing from anywhere else. */
const DESCRIPTION_URL = '/api/v1/openapi.json';

const script = document.createElement('script');
script.src = swaggerUiBundle;
script.addEventListener('load', () => {
  (window as unknown as { SwaggerUIBundle: SwaggerUIBundle }).SwaggerUIBundle({
    url: DESCRIPTION_URL,
    domNode: document.getElementById('api-reference'),
    deepLinking: true,
    docExpansion: 'list',
    // Shows x-auth and x-rate-limit next to each operation.
    showExtensions: true,
    // Swagger UI would otherwise send the description to its public validator for a badge.
    validatorUrl: null,
    // Its default code theme (agate) writes numbers below WCAG AA contrast; monokai's colours pass.
    syntaxHighlight: { theme: 'monokai' },
  });
});
document.head.append(script);
