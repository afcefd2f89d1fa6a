/* SPDX-License-Identifier: MIT
 * www/static/redoc-init.js - starts ReDoc on redoc.html.  The theme names
 * system fonts only: ReDoc's defaults (Montserrat, Roboto) are web fonts
 * that its documentation loads from Google, which we never do.
 */
(function () {
	'use strict';
	var root = document.getElementById('redoc');
	var sans = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
	var mono = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace';

	Redoc.init(root.getAttribute('data-spec-url'), {
		expandResponses: '200,422',
		hideDownloadButton: false,
		nativeScrollbars: true,
		theme: {
			typography: {
				fontFamily: sans,
				headings: { fontFamily: sans },
				code: { fontFamily: mono }
			}
		}
	}, root);
})();
