/* SPDX-License-Identifier: MIT
 * www/static/docs.js - starts Swagger UI on docs.html.  The spec URL comes
 * from the page (data-spec-url, already carrying the mount prefix), and the
 * OpenAPI document's own "servers" entry makes "Try it out" call this server
 * under the same prefix.
 */
(function () {
	'use strict';
	var root = document.getElementById('swagger-ui');

	window.ui = SwaggerUIBundle({
		url: root.getAttribute('data-spec-url'),
		dom_id: '#swagger-ui',
		deepLinking: true,
		presets: [SwaggerUIBundle.presets.apis],
		layout: 'BaseLayout',
		defaultModelsExpandDepth: 1,
		displayRequestDuration: true,
		/* The page is served by the API itself: no validator.swagger.io badge. */
		validatorUrl: null
	});
})();
