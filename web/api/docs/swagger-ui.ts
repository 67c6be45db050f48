/** The part of Swagger UI's options this page uses (swagger-ui-dist ships no types). */
export interface SwaggerUIOptions {
  url: string;
  domNode: HTMLElement | null;
  deepLinking?: boolean;
  docExpansion?: 'list' | 'full' | 'none';
  showExtensions?: boolean;
  validatorUrl?: string | null;
  syntaxHighlight?: { activated?: boolean; theme?: string };
}

export type SwaggerUIBundle = (options: SwaggerUIOptions) => unknown;
